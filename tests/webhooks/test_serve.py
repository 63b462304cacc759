"""`make serve` starts the worker that delivers webhooks, and stops it when it stops."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings

from tests.cms.test_serve import Server
from tests.webhooks.utils import Receiver

PUBLISH = """
from articles.models import Article
from articles.services import article_publish, article_submit_for_review
from webhooks.services import subscription_create
subscription_create(name="Partner", url={url!r})
article = Article.objects.filter(status="published").first()
article.status, article.published_at = "draft", None
article.save()
article_submit_for_review(article=article, user=None)
article_publish(article=article, user=None)
"""


def test_serve_runs_the_delivery_worker_and_stops_it(tmp_path, monkeypatch):
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_TARGETS", "1")
    receiver, server = Receiver(), Server(tmp_path)
    try:
        server.__enter__()
        env = os.environ | {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
        code = PUBLISH.format(url=receiver.url)
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=60,
        )
        deadline = time.monotonic() + 30
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [r.json["type"] for r in receiver.requests] == ["entry.published"]
        worker = int(server.printed().split("db_worker started (process ")[1].split(")")[0])
        os.kill(server.process.pid, signal.SIGTERM)  # the server alone, not its group
        server.process.wait(timeout=30)
        deadline = time.monotonic() + 20
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(worker)
    finally:
        receiver.close()
        if server.process.poll() is None:
            server.__exit__(None, None, None)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"  # a zombie has exited


def make_serve_allows_local_targets(**env) -> str:
    """What `make serve` would give the server for WEBHOOK_ALLOW_PRIVATE_TARGETS, read by
    Django's settings in place of running the server."""
    settings_read = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.WEBHOOK_ALLOW_PRIVATE_TARGETS)"
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "DJANGO_DEBUG", "MAKEFLAGS")
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "serve", f"MANAGE={sys.executable} -c '{settings_read}'"],
        cwd=settings.BASE_DIR,
        env=environment | {"DJANGO_SETTINGS_MODULE": "cms.settings"} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_make_serve_accepts_local_receivers_in_debug_only():
    assert make_serve_allows_local_targets() == "True"  # debug, the default of `make serve`
    assert make_serve_allows_local_targets(DJANGO_DEBUG="0") == "False"
    assert make_serve_allows_local_targets(WEBHOOK_ALLOW_PRIVATE_TARGETS="0") == "False"
