"""What the console shows: each event once, at its level, and no traceback for a refused request."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.cms.test_serve import Server, free_port, get
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["debug", "no-debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def console(capfd):
    """The console handlers that start-up configured, writing to the process's stderr (fd 2)."""
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    handlers = {h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler}
    streams = {handler: handler.stream for handler in handlers}
    for handler in handlers:
        handler.stream = sys.__stderr__
    yield capfd
    for handler, stream in streams.items():
        handler.stream = stream


def console_lines(console):
    return [line for line in console.readouterr().err.splitlines() if line.strip()]


def test_a_refused_admin_action_is_one_warning_without_a_traceback(debug, client, console):
    client.force_login(UserFactory())  # staff without a desk role
    console.readouterr()
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    lines = console_lines(console)
    assert lines == [
        "WARNING django.request: Forbidden (Permission denied): /admin/articles/article/"
    ]


def test_a_disallowed_host_is_one_line_without_a_traceback(debug, console):
    console.readouterr()
    response = Client(HTTP_HOST="cms.attacker.example").get("/api/v1/articles/")
    assert response.status_code == 400
    [line] = console_lines(console)
    assert line.startswith("ERROR django.security.DisallowedHost: Invalid HTTP_HOST header")


def test_an_application_event_is_logged_once(debug, console):
    console.readouterr()
    response = Client(REMOTE_ADDR="203.0.113.93").post(
        "/api/v1/feedback/",
        {"kind": "topic_request", "message": "More on agents, please."},
        content_type="application/json",
    )
    assert response.status_code == 201
    lines = console_lines(console)
    assert lines == [
        f"INFO feedback.services: Feedback {response.json()['id']} stored (topic_request)."
    ]


def test_a_server_error_keeps_its_traceback(console):
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            "/api/v1/articles/",
            exc_info=True,
            extra={"status_code": 500},
        )
    err = console.readouterr().err
    assert err.startswith("ERROR django.request: Internal Server Error: /api/v1/articles/\n")
    assert "Traceback (most recent call last):" in err and err.count("Internal Server Error") == 1


# A preview link opens a draft for whoever holds it: a log line must not hand it on.
TOKEN = "eyJhIjoxfQ.1v2Kx9.preview-token-that-opens-a-draft"
PREVIEW_PATH = f"/read/en/a-draft/?view=both&preview={TOKEN}"


def test_the_development_server_logs_a_preview_link_without_its_token(tmp_path):
    with Server(tmp_path) as server:
        get(server.url(PREVIEW_PATH))
    printed = server.printed()
    assert '"GET /read/en/a-draft/?view=both&preview=[redacted] HTTP/1.1"' in printed
    assert TOKEN not in printed


def test_gunicorn_access_log_shows_a_preview_link_without_its_token(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "p" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    log = tmp_path / "access.log"
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [gunicorn, "cms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--access-logfile", str(log)], env=env, cwd=settings.BASE_DIR
    )
    try:
        for _ in range(300):
            try:  # the page the preview link opens, and a file it loads (the link as Referer)
                url = f"http://127.0.0.1:{port}"
                httpx.get(url + PREVIEW_PATH)
                httpx.get(
                    f"{url}/static/reader/reader.css", headers={"Referer": url + PREVIEW_PATH}
                )
                break
            except httpx.TransportError:
                time.sleep(0.1)
        for _ in range(50):
            if log.exists() and log.read_text().count("\n") >= 2:
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    written = log.read_text()
    assert "GET /read/en/a-draft/?view=both&preview=[redacted] HTTP/1.1" in written
    assert f'"http://127.0.0.1:{port}/read/en/a-draft/?view=both&preview=[redacted]"' in written
    assert TOKEN not in written
