"""A release reaches partners as its entries' events, each naming the release, then one
``release.published`` event saying what it did: after them, at its time, or never if it
failed. Caches and WebSub hubs hear of its entries only."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models.signals import pre_save
from standardwebhooks import Webhook

from articles.models import LiveEntry, PublicationLog
from articles.selectors import FeedPosition
from articles.services import (
    release_create,
    release_item_add,
    release_item_review,
    release_publish,
)
from tests.edge.utils import PurgeRecorder
from tests.factories import ArticleFactory, VendorFactory
from tests.webhooks.utils import Receiver, publish, run_worker
from webhooks.models import Delivery, Event
from webhooks.services import subscription_create

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def publisher():
    """The system (``user=None``) acts as a publisher: the desk's roles are not at stake here,
    and these tests' flushed database has no groups."""
    return None


@pytest.fixture
def launch(publisher):
    """A release of three new entries: two of OpenAI's, one of Anthropic's, reviewed."""
    openai, anthropic = VendorFactory(slug="openai"), VendorFactory(slug="anthropic")
    release = release_create(title="Launch day", user=publisher)
    for slug, vendor in (("model", openai), ("system-card", openai), ("reply", anthropic)):
        article = ArticleFactory(slug=slug, draft=True, vendor=vendor)
        release_item_add(release=release, article=article, user=publisher)
    for item in release.items.all():
        release_item_review(item=item, user=publisher)
    return release


@pytest.fixture
def second_receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def types(receiver) -> list[str]:
    return [request.json["type"] for request in receiver.requests]


def expected_items(release) -> list[dict]:
    return [
        {"id": item.article_id, "slug": item.article.slug, "vendor_id": item.article.vendor_id}
        | {"action": "publish"}
        for item in release.items.select_related("article").order_by("article_id")
    ]


def test_a_release_is_announced_once_per_subscription_after_its_entries(
    receiver, subscription, second_receiver, launch, publisher
):
    _subscription, secret = subscription
    subscription_create(name="Second partner", url=second_receiver.url)
    release_publish(release=launch, user=publisher)
    run_worker()

    for each in (receiver, second_receiver):
        assert types(each) == ["entry.published"] * 3 + ["release.published"]
    entries = [Webhook(secret).verify(r.body, r.headers) for r in receiver.requests[:3]]
    assert {data["data"]["release"] for data in entries} == {launch.pk}
    announced = Webhook(secret).verify(receiver.requests[-1].body, receiver.requests[-1].headers)
    row = PublicationLog.objects.get(event="release.published")
    assert announced["data"] == {
        "release": {
            "id": launch.pk,
            "title": "Launch day",
            "published_at": row.effective_at.isoformat(),  # when its changes took effect
            "reverts": None,
            "items": expected_items(launch),
        },
        "position": row.position,
        "effective_at": row.effective_at.isoformat(),
        "cursor": FeedPosition(row.effective_at, row.position).encode(),
    }
    assert max(data["data"]["position"] for data in entries) < row.position
    assert Delivery.objects.filter(event__type="release.published").count() == 2


def test_an_entry_published_on_its_own_names_no_release(receiver, subscription):
    publish("alone")
    run_worker()
    [request] = receiver.requests
    assert request.json["data"]["release"] is None


def test_the_release_waits_for_an_entry_delivery_that_is_retried(
    receiver, subscription, launch, publisher
):
    receiver.reply((500, 0))  # the first entry's delivery fails once
    with time_machine.travel(START, tick=False) as traveller:
        release_publish(release=launch, user=publisher)
        run_worker()
        assert types(receiver) == ["entry.published"] * 3  # one of them failed
        assert Delivery.objects.get(event__type="release.published").attempts == 0
        retry = Delivery.objects.get(attempts=1, status=Delivery.Status.PENDING)
        traveller.move_to(retry.next_attempt_at)
        run_worker()
    assert types(receiver) == ["entry.published"] * 4 + ["release.published"]
    assert receiver.requests[3].id == retry.webhook_id
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_subscription_to_a_vendor_gets_the_release_when_one_of_its_entries_is_theirs(
    receiver, second_receiver, launch, publisher
):
    anthropic = launch.items.get(article__slug="reply").article.vendor
    subscription_create(name="Anthropic watcher", url=receiver.url, vendors=[anthropic])
    subscription_create(
        name="Nobody's", url=second_receiver.url, vendors=[VendorFactory(slug="mistral")]
    )
    release_publish(release=launch, user=publisher)
    run_worker()
    assert types(receiver) == ["entry.published", "release.published"]
    assert receiver.requests[0].json["data"]["slug"] == "reply"
    assert receiver.requests[1].json["data"]["release"]["items"] == expected_items(launch)
    assert second_receiver.requests == []


def test_a_subscription_to_other_events_gets_only_the_release(receiver, launch, publisher):
    subscription_create(name="Releases only", url=receiver.url, events=["release.published"])
    release_publish(release=launch, user=publisher)
    run_worker()
    assert types(receiver) == ["release.published"]


def test_a_failed_release_sends_nothing(receiver, subscription, launch, publisher):
    saved = []

    def fail_at_second_item(sender, instance, **kwargs):
        saved.append(instance.pk)
        if len(saved) == 2:
            raise DatabaseError("could not extend file: No space left on device")

    pre_save.connect(fail_at_second_item, sender=LiveEntry)
    try:
        with pytest.raises(ValidationError, match="Nothing was published"):
            release_publish(release=launch, user=publisher)
    finally:
        pre_save.disconnect(fail_at_second_item, sender=LiveEntry)
    run_worker()
    assert len(saved) == 2
    assert (Event.objects.count(), Delivery.objects.count(), receiver.requests) == (0, 0, [])


def test_a_scheduled_release_is_announced_at_its_time_and_not_before(
    receiver, subscription, launch, publisher
):
    at = START + timedelta(hours=2)
    with time_machine.travel(START, tick=False) as traveller:
        release_publish(release=launch, user=publisher, at=at)
        run_worker()
        traveller.move_to(at - timedelta(seconds=1))
        run_worker()
        assert receiver.requests == []
        assert not Delivery.objects.exists()
        assert Event.objects.filter(type="release.published", effective_at=at).exists()
        traveller.move_to(at + timedelta(seconds=1))
        run_worker()
    assert types(receiver) == ["entry.published"] * 3 + ["release.published"]
    release = receiver.requests[-1].json["data"]["release"]
    assert release["published_at"] == at.isoformat()
    assert {r.json["timestamp"] for r in receiver.requests} == {at.isoformat()}


def test_caches_are_purged_for_the_entries_and_the_release_row_adds_nothing(
    settings, launch, publisher
):
    cache = PurgeRecorder()
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_PURGE_URLS = [f"{cache.url}/"]
    try:
        release_publish(release=launch, user=publisher)
        run_worker()
    finally:
        cache.close()
    [request] = cache.requests
    ids = launch.items.values_list("article_id", flat=True)
    purged_entries = {key for key in request.purged() if key.startswith("entry-")}
    assert purged_entries == {f"entry-{pk}" for pk in ids}
    vendors = {key for key in request.purged() if key.startswith("vendor-")}
    assert vendors == {"vendor-openai", "vendor-anthropic"}  # none for the release's row
    row = PublicationLog.objects.get(event="release.published")
    assert request.headers["xkey-position"] == str(row.position)


def test_websub_hubs_are_pinged_for_the_entries_feeds_only(settings, receiver, launch, publisher):
    settings.WEBSUB_HUBS = [receiver.url]
    release_publish(release=launch, user=publisher)
    run_worker()
    topics = [parse_qs(r.body.decode())["hub.url"][0] for r in receiver.requests]
    assert sorted(topics) == sorted(
        f"http://127.0.0.1:8000/feeds/{path}.{fmt}"
        for lang in ("en", "nl")
        for path in (lang, f"{lang}/openai", f"{lang}/anthropic")
        for fmt in ("rss", "atom", "json")
    )
