"""Secrets are signed per Standard Webhooks, rotated with an overlap, stored encrypted; targets
on private addresses are refused when saved and again when delivered."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.webhooks.utils import publish, run_worker
from webhooks.models import Attempt, Subscription
from webhooks.services import subscription_create, subscription_rotate_secret

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE = [
    "https://127.0.0.1/hooks",
    "https://localhost:8443/hooks",
    "https://10.1.2.3/hooks",
    "https://192.168.0.10/hooks",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://0.0.0.0/hooks",
    # NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds: 127.0.0.1, 169.254.169.254.
    "https://[64:ff9b::7f00:1]/hooks",
    "https://[64:ff9b::a9fe:a9fe]/latest/meta-data",
]


@pytest.mark.parametrize("url", PRIVATE)
def test_a_private_loopback_or_link_local_target_is_refused_when_saved(url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(ValidationError, match="public addresses only"):
        subscription_create(name="Internal", url=url)
    assert not Subscription.objects.exists()


def test_a_nat64_address_of_a_public_ipv4_address_is_accepted(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    subscription, _secret = subscription_create(name="NAT64", url="https://[64:ff9b::808:808]/")
    assert subscription.url == "https://[64:ff9b::808:808]/"


def test_a_plain_http_target_is_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(ValidationError, match="must use https"):
        subscription_create(name="Plain", url="http://partner.example.com/hooks")


def test_a_local_receiver_is_told_how_to_allow_it_in_development(admin_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = admin_client.post(
        reverse("admin:webhooks_subscription_add"),
        {"name": "Mine", "url": "http://127.0.0.1:9000/hooks", "is_active": "on"},
    )
    page = response.content.decode()
    assert "The target URL must use https" in page
    assert "WEBHOOK_ALLOW_PRIVATE_TARGETS=1" in page
    assert "make serve" in page
    assert not Subscription.objects.exists()


def test_the_admin_refuses_a_private_target_with_the_reason(admin_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = admin_client.post(
        reverse("admin:webhooks_subscription_add"),
        {"name": "Internal", "url": "https://169.254.169.254/", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "webhooks go to public addresses only" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_target_that_became_private_is_refused_at_delivery(receiver, settings):
    """The address is checked again when sending (a DNS answer may change after the save)."""
    port = receiver.server.server_address[1]
    subscription_create(name="Rebound", url=f"https://localhost:{port}/hooks")
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    publish()
    run_worker()
    assert receiver.requests == []
    [attempt] = Attempt.objects.all()
    assert not attempt.succeeded and attempt.status_code is None
    assert attempt.error.startswith("Refused:") and "127.0.0.1" in attempt.error


def test_the_secret_is_stored_encrypted(subscription):
    subscription, secret = subscription
    assert secret.startswith("whsec_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM webhooks_subscription")
        row = " ".join(map(str, cursor.fetchone()))
    assert secret not in row and secret.removeprefix("whsec_") not in row


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(receiver, subscription):
    subscription, old = subscription
    start = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        new = subscription_rotate_secret(subscription=subscription)
        publish("during-overlap")
        run_worker()
        request = receiver.requests[-1]
        for secret in (old, new):
            Webhook(secret).verify(request.body, request.headers)

        traveller.shift(timedelta(hours=25))
        publish("after-overlap")
        run_worker()
        request = receiver.requests[-1]
        Webhook(new).verify(request.body, request.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(request.body, request.headers)
