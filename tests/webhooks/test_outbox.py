"""The outbox: at least once across worker crashes (same webhook-id), never twice for one
queued task, scheduled entries announced at their time, filters applied."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from articles.services import (
    article_reschedule_changes,
    article_schedule_changes,
    article_unpublish,
    article_update,
    vendor_delete,
)
from tests.factories import VendorFactory
from tests.webhooks.utils import publish, run_worker
from webhooks import services
from webhooks.models import Attempt, Delivery, Event
from webhooks.services import deliveries_sweep, subscription_create
from webhooks.tasks import deliver

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


def test_a_delivery_queued_twice_is_sent_once(receiver, subscription):
    publish()
    event = Event.objects.get()
    services.deliveries_fan_out(event_ids=[event.pk])  # as the queued fan-out task will again
    deliver.enqueue(str(Delivery.objects.get().pk))  # and as a sweep might
    run_worker()
    assert len(receiver.requests) == 1


def test_a_worker_dying_after_sending_leaves_the_delivery_to_the_sweep(
    receiver, subscription, monkeypatch
):
    def die(*args):
        raise SystemExit("the worker process was killed")

    with time_machine.travel(START, tick=False) as traveller:
        publish()
        with monkeypatch.context() as patch:
            patch.setattr(services, "_record", die)
            run_worker()
        assert len(receiver.requests) == 1  # sent, but never recorded
        assert not Attempt.objects.exists()

        traveller.shift(timedelta(seconds=30))
        deliveries_sweep()
        run_worker()
        assert len(receiver.requests) == 1  # still held by the dead worker's claim

        traveller.shift(timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS + 60))
        assert deliveries_sweep() == 1
        run_worker()
        deliveries_sweep()
        run_worker()

    first, second = receiver.requests
    assert first.id == second.id  # the receiver can tell it is the same event
    assert first.body == second.body
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_a_scheduled_entry_is_announced_when_it_goes_live_never_before(receiver, subscription):
    with time_machine.travel(START, tick=False) as traveller:
        publish("tomorrow", at=START + timedelta(days=1))
        run_worker()
        traveller.shift(timedelta(hours=23))
        deliveries_sweep()
        run_worker()
        assert receiver.requests == []
        traveller.shift(timedelta(hours=1))
        run_worker()
    [request] = receiver.requests
    assert request.json["data"]["slug"] == "tomorrow"
    assert request.json["data"]["effective_at"] == "2031-03-04T09:00:00+00:00"


def test_a_subscription_made_after_a_publication_was_scheduled_is_not_sent_it(receiver):
    early, _secret = subscription_create(name="Early", url=receiver.url)
    with time_machine.travel(START, tick=False) as traveller:
        publish("tomorrow", at=START + timedelta(days=1))
        traveller.shift(timedelta(hours=1))
        subscription_create(name="Late", url=receiver.url.replace("?source=cms", "?source=late"))
        traveller.shift(timedelta(days=1))
        run_worker()
    [request] = receiver.requests  # the early subscription's only
    assert request.json["data"]["slug"] == "tomorrow"
    assert Delivery.objects.get().subscription == early


def test_a_schedule_cancelled_before_its_time_is_never_announced(receiver, subscription):
    with time_machine.travel(START, tick=False) as traveller:
        article = publish("cancelled", at=START + timedelta(days=1))
        article_unpublish(article=article, user=None)
        traveller.shift(timedelta(days=2))
        deliveries_sweep()
        run_worker()
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_subscriptions_receive_only_their_events_vendors_and_languages(receiver):
    openai, mistral = VendorFactory(slug="openai"), VendorFactory(slug="mistral")
    dutch, _ = subscription_create(
        name="Dutch mirror of OpenAI", url=receiver.url, languages=["nl"], vendors=[openai]
    )
    removals, _ = subscription_create(
        name="Removals", url=receiver.url + "&removals", events=["entry.unpublished"]
    )
    article = publish("openai-news", vendor=openai, languages=["en", "nl"])
    publish("mistral-news", vendor=mistral)
    article_unpublish(article=article, user=None)
    run_worker()

    received = {
        (r.headers["webhook-id"], r.json["type"], r.json["data"]["slug"]) for r in receiver.requests
    }
    by_subscription = {
        d.subscription_id: sorted(
            (d.event.type, d.event.slug)
            for d in Delivery.objects.filter(subscription=d.subscription)
        )
        for d in Delivery.objects.select_related("event")
    }
    assert by_subscription[dutch.pk] == [
        ("entry.published", "openai-news"),
        ("entry.unpublished", "openai-news"),
    ]
    assert by_subscription[removals.pk] == [("entry.unpublished", "openai-news")]
    assert len(received) == 3
    [published] = [r.json for r in receiver.requests if r.json["type"] == "entry.published"]
    assert set(published["data"]["documents"]) == {"nl"}


def test_documents_over_the_size_limit_are_sent_as_fetch_urls(receiver, subscription, settings):
    settings.WEBHOOK_MAX_DOCUMENTS_BYTES = 100
    settings.WEBHOOK_SITE_URL = "https://cms.example.com"
    publish("big-entry")
    run_worker()
    data = receiver.requests[0].json["data"]
    assert "documents" not in data
    assert data["fetch"] == {
        language: f"https://cms.example.com/api/v1/articles/big-entry/?lang={language}"
        for language in ("en", "nl")  # every language has a document (with fallback)
    }


def test_an_event_committed_but_never_enqueued_is_delivered_by_the_sweep(
    receiver, subscription, monkeypatch
):
    """The process dies (or the queue is down) between the commit and the enqueue."""

    def lost(*args):
        raise ConnectionError("the task queue is unreachable")

    with time_machine.travel(START, tick=False) as traveller:
        with monkeypatch.context() as patch:
            patch.setattr(services, "_fan_out", lost)
            article = publish()  # publishing itself does not fail
        assert article.status == "published"
        run_worker()
        assert receiver.requests == []
        traveller.shift(timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS + 1))
        deliveries_sweep()
        run_worker()
    [request] = receiver.requests
    assert request.json["data"]["slug"] == "fresh-entry"


def test_a_subscription_whose_only_vendor_is_deleted_is_disabled_not_sent_everything(receiver):
    gone, kept = VendorFactory(slug="gone", name="Vendor 0"), VendorFactory(slug="kept")
    only, _ = subscription_create(name="Only gone", url=receiver.url, vendors=[gone])
    both, _ = subscription_create(
        name="Gone and kept", url=receiver.url + "&b", vendors=[gone, kept]
    )
    vendor_delete(vendor=gone, user=None)
    publish("kept-news", vendor=kept)
    run_worker()

    only.refresh_from_db()
    assert not only.is_active
    assert "its only vendor, Vendor 0 (gone), was deleted" in only.disabled_reason
    both.refresh_from_db()
    assert both.is_active and list(both.vendors.all()) == [kept]
    assert [d.subscription_id for d in Delivery.objects.filter(event__slug="kept-news")] == [
        both.pk
    ]


def test_a_scheduled_change_is_announced_at_its_time_with_the_changed_entry(receiver, subscription):
    with time_machine.travel(START, tick=False) as traveller:
        article = publish("system-card")
        run_worker()
        article_update(
            article=article, user=None, translations={"en": {"title": "The corrected card"}}
        )
        at = START + timedelta(hours=2)
        article_schedule_changes(article=article, user=None, at=at)
        run_worker()
        assert len(receiver.requests) == 1  # the publication only
        traveller.shift(timedelta(hours=1))
        moved = article_reschedule_changes(article=article, user=None, at=at + timedelta(hours=1))
        traveller.shift(timedelta(hours=1, seconds=1))
        deliveries_sweep()
        run_worker()
        assert len(receiver.requests) == 1  # not at the first time: it was moved
        traveller.move_to(moved.at)
        run_worker()
    _published, update = receiver.requests
    assert update.json["type"] == "entry.updated"
    assert update.json["data"]["effective_at"] == "2031-03-03T12:00:00+00:00"
    assert update.json["data"]["documents"]["en"]["title"] == "The corrected card"
