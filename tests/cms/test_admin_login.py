"""Admin sign-in: failed attempts are logged, and guessing is cut off per client and username."""

import logging

import pytest
from django.test import Client

from cms.admin_login import MAX_FAILURES_PER_CLIENT, MAX_FAILURES_PER_USERNAME
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"
ADDRESS = "198.51.100.23"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    user = UserFactory(username="editor")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(username, password, *, address=ADDRESS):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return response


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(editor):
    for n in range(MAX_FAILURES_PER_USERNAME):
        assert not signed_in(sign_in("editor", f"guess {n}", address=f"203.0.113.{n}"))
    refused = sign_in("editor", PASSWORD, address="192.0.2.200")  # from anywhere
    assert refused.status_code == 200
    assert "Too many failed sign-in attempts" in refused.content.decode()


def test_a_right_password_before_the_limit_signs_in_and_clears_the_count(editor):
    for n in range(MAX_FAILURES_PER_USERNAME - 1):
        sign_in("editor", f"guess {n}")
    assert signed_in(sign_in("editor", PASSWORD))
    for n in range(MAX_FAILURES_PER_USERNAME - 1):
        sign_in("editor", f"guess again {n}")
    assert signed_in(sign_in("editor", PASSWORD))


def test_one_client_trying_many_usernames_is_cut_off(editor):
    for n in range(MAX_FAILURES_PER_CLIENT):
        sign_in(f"someone-{n}", "password")
    assert "Too many failed" in sign_in("editor", PASSWORD).content.decode()
    assert signed_in(sign_in("editor", PASSWORD, address="192.0.2.201"))  # another client


def test_a_failed_attempt_is_logged_without_password_or_address(editor, caplog):
    with caplog.at_level(logging.WARNING, logger="cms.admin_login"):
        sign_in("editor", "hunter2-secret")
    (record,) = [r for r in caplog.records if r.name == "cms.admin_login"]
    message = record.getMessage()
    assert "failed" in message and "'editor'" in message
    assert "hunter2-secret" not in message and ADDRESS not in message
