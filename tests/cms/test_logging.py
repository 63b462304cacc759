"""What the console shows: each event once, at its level, and no traceback for a refused request."""

import logging
import sys

import pytest
from django.test import Client
from django.urls import reverse

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
