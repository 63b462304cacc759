"""Admin sign-in: failed attempts are logged, and guessing is cut off per client and username
without locking the real user out."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from cms.admin_login import (
    FIRST_DELAY_SECONDS,
    MAX_FAILURES_PER_CLIENT,
    MAX_FAILURES_PER_PAIR,
    MAX_FAILURES_PER_USERNAME,
)
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


def refused(response) -> bool:
    return response.status_code == 200 and "Too many failed sign-in attempts" in (
        response.content.decode()
    )


def test_a_guesser_locked_out_does_not_lock_out_the_real_user_elsewhere(editor):
    for n in range(MAX_FAILURES_PER_PAIR):
        assert not signed_in(sign_in("editor", f"guess {n}", address="203.0.113.9"))
    assert refused(sign_in("editor", PASSWORD, address="203.0.113.9"))  # the guesser's address
    assert signed_in(sign_in("editor", PASSWORD, address="192.0.2.200"))  # the editor's


def test_a_guesser_spread_over_many_addresses_meets_the_username_ceiling(editor):
    for n in range(MAX_FAILURES_PER_USERNAME):
        address = f"203.0.{n // 200}.{n % 200}"  # each address stays under its own limit
        assert not signed_in(sign_in("editor", f"guess {n}", address=address))
    response = sign_in("editor", PASSWORD, address="192.0.2.200")
    assert refused(response)  # the right password too: the guessing must stop
    assert "Try again within 60 minutes" in response.content.decode()


def test_each_lockout_of_an_address_lasts_twice_as_long_as_the_one_before(editor):
    start = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for lockout in range(3):
            delay = FIRST_DELAY_SECONDS * 2**lockout
            guesses = [
                sign_in("editor", f"guess {lockout}.{n}") for n in range(MAX_FAILURES_PER_PAIR)
            ]
            assert not any(refused(guess) for guess in guesses)  # free to guess again
            response = sign_in("editor", PASSWORD)
            assert refused(response)
            assert f"Try again in {delay // 60} minute" in response.content.decode()
            traveller.shift(timedelta(seconds=delay - 1))
            assert refused(sign_in("editor", PASSWORD))
            traveller.shift(timedelta(seconds=1))


def test_a_right_password_before_the_limit_signs_in_and_clears_the_count(editor):
    for n in range(MAX_FAILURES_PER_PAIR - 1):
        sign_in("editor", f"guess {n}")
    assert signed_in(sign_in("editor", PASSWORD))
    for n in range(MAX_FAILURES_PER_PAIR - 1):
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
