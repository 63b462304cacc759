"""WebSub: feeds name their hubs, and a real hub on 127.0.0.1 gets one ping per changed feed
per publication, after the commit, and the ping again after a failure."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs
from xml.etree import ElementTree

import pytest
import time_machine
from django.conf import settings
from django.core.checks import run_checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.services import article_publish_changes
from tests.factories import NoteFactory, VendorFactory
from tests.webhooks.utils import publish, run_worker
from webhooks import websub
from webhooks.models import Delivery, HubPing
from webhooks.services import deliveries_sweep

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "http://127.0.0.1:8000"
START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hub(receiver, settings):
    settings.WEBSUB_HUBS = [receiver.url]
    return receiver


def pinged(hub) -> list[str]:
    """The topics the hub was told about, in order; each request checked for its shape."""
    topics = []
    for request in hub.requests:
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        form = parse_qs(request.body.decode(), strict_parsing=True)
        assert form["hub.mode"] == ["publish"]
        (topic,) = form["hub.url"]
        topics.append(topic)
    return topics


def feeds(vendor: str) -> set[str]:
    return {
        f"{SITE}/feeds/{path}.{fmt}"
        for lang in ("en", "nl")
        for path in (lang, f"{lang}/{vendor}")
        for fmt in ("rss", "atom", "json")
    }


def test_a_publication_pings_the_hub_once_for_each_feed_it_changed(hub, client):
    vendor = VendorFactory(slug="acme")
    publish("fresh-entry", vendor=vendor)
    assert hub.requests == []  # sent by the worker, after the commit
    run_worker()
    topics = pinged(hub)
    assert len(topics) == len(set(topics)) == 12
    assert set(topics) == feeds("acme")
    # Each topic is the address the feed names as its own, beside the hub.
    for topic in topics:
        response = client.get(topic.removeprefix(SITE))
        assert response.status_code == 200
        assert response["Link"] == f'<{hub.url}>; rel="hub", <{topic}>; rel="self"'
    assert HubPing.objects.filter(status=Delivery.Status.DELIVERED).count() == 12
    run_worker()
    assert len(hub.requests) == 12  # nothing is sent twice


def test_a_note_also_pings_the_corrections_feeds(hub):
    article = publish("noted", vendor=VendorFactory(slug="acme"))
    run_worker()
    hub.requests.clear()
    NoteFactory(article=article)
    article_publish_changes(article=article, user=None)
    run_worker()
    corrections = {
        f"{SITE}/feeds/corrections/{lang}.{fmt}"
        for lang in ("en", "nl")
        for fmt in ("rss", "atom", "json")
    }
    assert set(pinged(hub)) == feeds("acme") | corrections
    assert len(hub.requests) == 18


def test_a_hub_that_fails_is_pinged_again_later(hub, admin_client, admin_user):
    hub.reply((503, 0))
    with time_machine.travel(START, tick=False) as traveller:
        publish("fresh-entry", vendor=VendorFactory(slug="acme"))
        run_worker()
        assert len(hub.requests) == 12
        failed = HubPing.objects.get(status_code=503)
        assert failed.status == Delivery.Status.PENDING and failed.attempts == 1
        assert 4 <= (failed.next_attempt_at - START).total_seconds() <= 6
        admin_client.force_login(admin_user)  # a session of the moved clock's day
        log = admin_client.get(reverse("admin:webhooks_hubping_changelist") + "?status=pending")
        assert failed.topic in log.content.decode() and "503" in log.content.decode()
        run_worker()  # not due yet
        assert len(hub.requests) == 12
        traveller.move_to(failed.next_attempt_at)
        run_worker()
    assert len(hub.requests) == 13
    assert pinged(hub)[-1] == pinged(hub)[0] == failed.topic
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.DELIVERED and failed.attempts == 2
    assert not HubPing.objects.exclude(status=Delivery.Status.DELIVERED).exists()


def test_writing_the_pings_costs_the_same_queries_for_any_number_of_hubs(hub, settings):
    vendor = VendorFactory(slug="acme")
    publish("first", vendor=vendor)
    with CaptureQueriesContext(connection) as one_hub:
        publish("second", vendor=vendor)
    settings.WEBSUB_HUBS = [hub.url, f"{hub.url}&second", f"{hub.url}&third"]
    with CaptureQueriesContext(connection) as three_hubs:
        publish("third", vendor=vendor)
    assert len(three_hubs) == len(one_hub)
    assert HubPing.objects.count() == 12 + 12 + 36


def test_pings_committed_but_never_enqueued_are_sent_by_the_sweep(hub, monkeypatch):
    """The process dies (or the queue is down) between the commit and the enqueue."""

    def lost(*args):
        raise ConnectionError("the task queue is unreachable")

    with time_machine.travel(START, tick=False) as traveller:
        with monkeypatch.context() as patch:
            patch.setattr(websub, "_hand_over", lost)
            publish("fresh-entry", vendor=VendorFactory(slug="acme"))  # publishing succeeds
        run_worker()
        assert hub.requests == []
        traveller.shift(timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS + 1))
        deliveries_sweep()
        run_worker()
    assert sorted(pinged(hub)) == sorted(feeds("acme"))


def test_a_scheduled_publication_pings_at_its_time(hub):
    with time_machine.travel(START, tick=False) as traveller:
        publish("later", vendor=VendorFactory(slug="acme"), at=START + timedelta(hours=1))
        run_worker()
        assert hub.requests == []
        traveller.move_to(START + timedelta(hours=1))
        run_worker()
    assert set(pinged(hub)) == feeds("acme")


def test_without_hubs_nothing_is_written_or_named(receiver, settings, client):
    settings.WEBSUB_HUBS = []
    publish("fresh-entry")
    run_worker()
    assert receiver.requests == [] and not HubPing.objects.exists()
    response = client.get("/feeds/en.atom")
    assert "Link" not in response
    assert b'rel="hub"' not in response.content
    assert "hubs" not in json.loads(client.get("/feeds/en.json").content)


def test_every_feed_format_names_its_hub_and_itself(hub, client):
    publish("fresh-entry")
    rss = ElementTree.fromstring(client.get("/feeds/en.rss").content)
    links = {link.get("rel"): link.get("href") for link in rss.iter(f"{ATOM}link")}
    assert links == {"hub": hub.url, "self": f"{SITE}/feeds/en.rss"}
    atom = ElementTree.fromstring(client.get("/feeds/corrections/nl.atom").content)
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links["hub"] == hub.url and links["self"] == f"{SITE}/feeds/corrections/nl.atom"
    feed = json.loads(client.get("/feeds/en.json").content)
    assert feed["hubs"] == [{"type": "WebSub", "url": hub.url}]
    assert feed["feed_url"] == f"{SITE}/feeds/en.json"
    cached = client.get("/feeds/en.json")  # from the response cache, headers included
    assert cached["Link"] == f'<{hub.url}>; rel="hub", <{SITE}/feeds/en.json>; rel="self"'


def test_a_hub_that_is_not_a_web_address_is_reported_at_start_up(settings):
    settings.WEBSUB_HUBS = ["https://hub.example/", "hub.example"]
    errors = [error for error in run_checks() if error.id == "webhooks.E001"]
    assert [error.msg for error in errors] == [
        "WEBSUB_HUBS names 'hub.example', which is not a web address."
    ]
