"""`manage.py serve`, what `make serve` runs: a real server process on a SQLite file."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings

START_TIMEOUT = 120


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def read_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


class Server:
    """Start `manage.py serve`, wait for its first answer, stop it and keep what it printed."""

    def __init__(self, tmp_path, *options):
        self.port = free_port()
        self.output = tmp_path / f"serve-{self.port}.log"
        # Without SITE_URL in the environment, as `make serve` runs for a newcomer.
        env = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PYTHONUNBUFFERED": "1",
        }
        command = [sys.executable, "manage.py", "serve", f"127.0.0.1:{self.port}", *options]
        with self.output.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the reloader's child goes with it
            )

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output.read_text()
            try:
                get(self.url("/api/v1/"))
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"no answer after {START_TIMEOUT} s:\n{self.output.read_text()}")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def printed(self):
        return self.output.read_text()

    def printed_once_written(self, line: str, timeout: float = 10) -> str:
        """What the server printed, once ``line`` is among it: a request line is written after
        its answer is sent, so it may come just after the client has read the answer."""
        deadline = time.monotonic() + timeout
        while line not in (printed := self.printed()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return printed


def test_a_first_start_prepares_the_database_and_later_starts_only_serve(tmp_path):
    with Server(tmp_path) as server:
        assert get(server.url("/api/v1/articles/openai-o3-mini-system-card/")) == 200
    first = server.printed()
    assert "Applying migrations..." in first and "Demo data: 12 new entries" in first
    assert "username 'editor', password 'editor-demo-password'" in first

    with Server(tmp_path) as server:
        assert get(server.url("/api/v1/articles/openai-o3-mini-system-card/")) == 200
        assert get(server.url("/no-such-page/")) == 404
        server.printed_once_written('"GET /no-such-page/ HTTP/1.1" 404')
    second = server.printed()
    assert "Applying migrations" not in second and "Demo data" not in second
    assert "username 'editor', password 'editor-demo-password'" in second
    # The refusal: one warning and the server's request line, each once, without a traceback.
    assert second.count("Not Found: /no-such-page/") == 1
    assert second.count('"GET /no-such-page/ HTTP/1.1" 404') == 1
    assert "Traceback" not in second

    # With --reload the server runs in a child process; it does not prepare or announce twice.
    with Server(tmp_path, "--reload") as server:
        assert get(server.url("/api/v1/articles/")) == 200
    reloading = server.printed()
    assert reloading.count("username 'editor'") == 1
    assert reloading.count("Watching for file changes") == 1
    assert reloading.count("development server at") == 1


def test_links_point_at_the_address_served_also_after_a_move_to_another_port(tmp_path):
    # First the demo is loaded for the port served; then the same database is served on another.
    for _ in range(2):
        with Server(tmp_path) as server:
            site = f"http://127.0.0.1:{server.port}"
            entry = read_json(server.url("/api/v1/articles/openai-available-at-fedramp-moderate/"))
            corrections = read_json(server.url("/feeds/corrections/en.json"))
            feed = read_json(server.url("/feeds/en.json"))
        data = entry["structured_data"]
        page = f"{site}/read/en/openai-available-at-fedramp-moderate/"
        assert data["url"] == data["@id"] == page
        assert data["publisher"]["url"] == site
        assert json.loads(entry["structured_data_script"])["url"] == page
        assert corrections["items"]
        for item in corrections["items"]:
            assert item["url"] == f"{site}/read/en/{item['_entry']['slug']}/"
        assert feed["home_page_url"] == f"{site}/read/en/"
        assert feed["feed_url"] == f"{site}/feeds/en.json"
