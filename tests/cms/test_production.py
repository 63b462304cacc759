"""The documented production set-up works: gunicorn, debug off, WhiteNoise serving the admin."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from django.conf import settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_admin_and_its_static_files_with_debug_off(tmp_path: Path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "p" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run(manage + command, env=env, cwd=settings.BASE_DIR, check=True, timeout=120)
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [gunicorn, "cms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                login = httpx.get(f"{base}/admin/login/")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert login.status_code == 200
        assert "debug" not in login.text.lower()
        css = login.text.split('href="/static/admin/css/base.')[1].split('"')[0]
        static = httpx.get(f"{base}/static/admin/css/base.{css}")
        assert static.status_code == 200 and "text/css" in static.headers["content-type"]
        assert "max-age=315360000" in static.headers["cache-control"]  # hashed, immutable
        assert httpx.get(f"{base}/admin/", headers={"Host": "evil.example"}).status_code == 400
    finally:
        server.terminate()
        server.wait(timeout=10)
