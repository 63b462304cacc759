"""The process starts the way an operator expects, configured only from the environment."""

import os
import subprocess
import sys

from django.conf import settings

SETUP = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _start(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "SITE_URL"}
    return subprocess.run(
        [sys.executable, "-c", SETUP],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cms.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_secret_key_and_debug_off_start_up_fails_with_a_clear_message():
    result = _start()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = _start(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_without_the_site_url_and_debug_off_start_up_fails_with_a_clear_message():
    result = _start(DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "SITE_URL must be set when DJANGO_DEBUG is off" in result.stderr


def test_a_secret_key_and_the_site_url_are_enough_for_production_mode():
    result = _start(DJANGO_SECRET_KEY="x" * 60, SITE_URL="https://news.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
