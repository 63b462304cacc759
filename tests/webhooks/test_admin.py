"""Editors see subscriptions and the delivery log in the admin, redeliver, and test-ping."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from standardwebhooks import Webhook

from tests.factories import VendorFactory
from tests.webhooks.utils import publish, run_worker
from webhooks.models import Attempt, Delivery, Subscription

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_subscription_shows_its_secret_once(admin_client, receiver):
    vendor = VendorFactory()
    response = admin_client.post(
        reverse("admin:webhooks_subscription_add"),
        {
            "name": "Partner",
            "url": receiver.url,
            "events": ["entry.published", "entry.updated"],
            "vendors": [vendor.pk],
            "languages": ["nl"],
            "is_active": "on",
        },
    )
    html = response.content.decode()
    assert "will not be shown again" in html
    secret = html.split('id="secret" value="')[1].split('"')[0]
    subscription = Subscription.objects.get()
    assert subscription.events == ["entry.published", "entry.updated"]
    assert list(subscription.vendors.all()) == [vendor] and subscription.languages == ["nl"]

    page = admin_client.get(reverse("admin:webhooks_subscription_change", args=[subscription.pk]))
    assert secret not in page.content.decode()

    publish(vendor=vendor)
    run_worker()
    [request] = receiver.requests
    Webhook(secret).verify(request.body, request.headers)


def test_failed_deliveries_are_sent_again_from_the_admin_with_their_webhook_id(
    admin_client, receiver, subscription
):
    subscription, _secret = subscription
    receiver.reply((500, 0), (500, 0))
    publish("first")
    publish("second")
    run_worker()
    Delivery.objects.update(status=Delivery.Status.FAILED, next_attempt_at=None)
    receiver.requests.clear()

    one = Delivery.objects.get(event__slug="first")
    admin_client.post(
        reverse("admin:webhooks_delivery_changelist"),
        {"action": "redeliver", "_selected_action": [one.pk]},
    )
    run_worker()
    assert [r.json["data"]["slug"] for r in receiver.requests] == ["first"]
    assert receiver.requests[0].id == one.webhook_id

    admin_client.post(
        reverse("admin:webhooks_subscription_redeliver_failed", args=[subscription.pk])
    )
    run_worker()
    assert [r.json["data"]["slug"] for r in receiver.requests] == ["first", "second"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_the_delivery_log_lists_attempts_by_subscription_and_outcome(
    admin_client, receiver, subscription
):
    subscription, _secret = subscription
    receiver.reply((500, 0))
    publish()
    run_worker()
    log = reverse("admin:webhooks_attempt_changelist")
    failed = admin_client.get(
        log, {"succeeded__exact": "0", "subscription__id__exact": subscription.pk}
    )
    html = failed.content.decode()
    assert "500" in html and "fresh-entry" in html
    assert "fresh-entry" not in admin_client.get(log, {"succeeded__exact": "1"}).content.decode()
    attempt = Attempt.objects.get()
    detail = admin_client.get(reverse("admin:webhooks_attempt_change", args=[attempt.pk]))
    assert escape('{"received": true}') in detail.content.decode()  # the response excerpt


def test_the_test_ping_button_sends_a_signed_ping_and_says_how_it_went(
    admin_client, receiver, subscription
):
    subscription, secret = subscription
    url = reverse("admin:webhooks_subscription_ping", args=[subscription.pk])
    page = admin_client.post(url, follow=True)
    assert "Test ping delivered: HTTP 200" in page.content.decode()
    [request] = receiver.requests
    assert Webhook(secret).verify(request.body, request.headers)["type"] == "webhook.ping"

    receiver.reply((404, 0))
    page = admin_client.post(url, follow=True)
    assert "Test ping failed: HTTP 404" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.failing_since is None  # a ping is a test, not a delivery


def test_old_attempts_are_pruned_after_the_retention_period(receiver, subscription, settings):
    publish()
    run_worker()
    settings.WEBHOOK_LOG_RETENTION_DAYS = 30
    Attempt.objects.update(started_at=timezone.now() - timedelta(days=31))
    Delivery.objects.update(finished_at=timezone.now() - timedelta(days=31))
    call_command("webhooks_sweep", verbosity=0)
    assert not Attempt.objects.exists() and not Delivery.objects.exists()
