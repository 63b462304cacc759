"""The client fingerprint keeps what it promises: keyed by the secret key, new every day (UTC),
one per purpose, and never the address or a plain hash of it."""

import hashlib
from datetime import UTC, datetime

import time_machine
from django.test import RequestFactory

from kernel.clients import client_fingerprint

ADDRESS = "198.51.100.7"


def fingerprint(address=ADDRESS, *, purpose="throttle", **meta):
    request = RequestFactory().get("/", REMOTE_ADDR=address, **meta)
    return client_fingerprint(request, purpose=purpose)


def test_the_same_client_has_the_same_fingerprint_all_day_and_another_client_another():
    with time_machine.travel(datetime(2031, 3, 3, 0, 0, 1, tzinfo=UTC), tick=False) as clock:
        morning = fingerprint()
        clock.move_to(datetime(2031, 3, 3, 23, 59, 59, tzinfo=UTC))
        assert fingerprint() == morning
        assert fingerprint("198.51.100.8") != morning


def test_the_fingerprint_changes_at_midnight_utc():
    with time_machine.travel(datetime(2031, 3, 3, 23, 59, 59, tzinfo=UTC), tick=False) as clock:
        today = fingerprint()
        clock.move_to(datetime(2031, 3, 4, 0, 0, 0, tzinfo=UTC))
        assert fingerprint() != today


def test_the_fingerprint_depends_on_the_secret_key(settings):
    first = fingerprint()
    settings.SECRET_KEY = "another-secret-key"
    assert fingerprint() != first


def test_each_purpose_has_its_own_fingerprint():
    assert fingerprint(purpose="throttle") != fingerprint(purpose="admin-login")


def test_the_fingerprint_is_not_the_address_or_a_plain_hash_of_it():
    with time_machine.travel(datetime(2031, 3, 3, 9, 0, tzinfo=UTC), tick=False):
        found = fingerprint(purpose="")
    assert len(found) == 64 and int(found, 16) >= 0
    plain = [ADDRESS, f"|2031-03-03|{ADDRESS}", f"2031-03-03{ADDRESS}"]
    for text in plain:
        for algorithm in ("sha256", "sha3_256", "blake2s"):
            assert found != hashlib.new(algorithm, text.encode()).hexdigest()
    assert ADDRESS not in found


def test_behind_trusted_proxies_the_fingerprint_is_the_clients_not_the_proxys(settings):
    settings.NUM_PROXIES = 1
    proxy = "10.0.0.2"
    forwarded = fingerprint(proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.66, {ADDRESS}")
    assert forwarded == fingerprint()
    assert forwarded != fingerprint(proxy)
