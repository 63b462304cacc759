"""Failed deliveries are retried for hours with growing delays, then marked failed; a
receiver that fails for days has its subscription disabled, visibly."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.webhooks.utils import TIMEOUT, publish, run_worker
from webhooks.models import Attempt, Delivery
from webhooks.selectors import failing_subscriptions_count
from webhooks.services import deliveries_sweep

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


def retry_until_done(traveller, limit=12):
    """Run the worker, move the clock to the next retry, and again, until nothing is left."""
    for _ in range(limit):
        run_worker()
        delivery = Delivery.objects.filter(status=Delivery.Status.PENDING).first()
        if delivery is None:
            return
        traveller.move_to(delivery.next_attempt_at)


def test_errors_and_timeouts_are_retried_with_growing_delays_under_one_webhook_id(
    receiver, subscription
):
    receiver.reply((500, 0), (200, TIMEOUT * 3), (503, 0), (500, 0))
    with time_machine.travel(START, tick=False) as traveller:
        publish()
        run_worker()
        run_worker()  # the retry is not due yet: nothing more is sent
        assert len(receiver.requests) == 1
        retry_until_done(traveller)

    assert len(receiver.requests) == 5
    assert len({request.id for request in receiver.requests}) == 1
    attempts = list(Attempt.objects.order_by("number"))
    assert [a.status_code for a in attempts] == [500, None, 503, 500, 200]
    assert "No answer within" in attempts[1].error
    delays = [(a.next_retry_at - a.started_at).total_seconds() for a in attempts[:4]]
    assert delays == sorted(delays) and 4 <= delays[0] <= 6 and delays[3] >= 480
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    assert attempts[-1].next_retry_at is None


def test_a_delivery_failing_every_retry_is_marked_failed_after_about_a_day(receiver, subscription):
    receiver.reply(*[(500, 0)] * 20)
    with time_machine.travel(START, tick=False) as traveller:
        publish()
        retry_until_done(traveller)
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.FAILED
        assert delivery.attempts == len(receiver.requests) == 10
        # The delays add up to about 23 hours, each within its 20 % jitter.
        waited = (delivery.finished_at - START).total_seconds()
        total = sum(settings.WEBHOOK_RETRY_DELAYS)
        assert 0.8 * total <= waited <= 1.2 * total + 1


def test_a_subscription_failing_for_three_days_is_disabled_with_a_reason(
    receiver, subscription, admin_client
):
    subscription, _secret = subscription
    receiver.reply(*[(500, 0)] * 40)
    with time_machine.travel(START, tick=False) as traveller:
        publish("monday")
        retry_until_done(traveller)
        assert failing_subscriptions_count() == 1
        traveller.move_to(START + timedelta(days=1))
        publish("tuesday")
        retry_until_done(traveller)
        subscription.refresh_from_db()
        assert subscription.is_active  # failing for less than three days

        traveller.move_to(START + timedelta(days=3, hours=1))
        deliveries_sweep()
        subscription.refresh_from_db()
        assert not subscription.is_active
        assert "every delivery has failed since 2031-03-03 09:00" in subscription.disabled_reason

        sent = len(receiver.requests)
        publish("thursday")
        run_worker()
        assert len(receiver.requests) == sent  # nothing goes to a disabled subscription

    assert failing_subscriptions_count() == 1
    page = admin_client.get(reverse("admin:webhooks_subscription_changelist"))
    assert "every delivery has failed since" in page.content.decode()
