"""Purge on publish: after commit, from the outbox, one request per publication carrying
exactly the keys of what changed; nothing lost while the worker is stopped or the cache
fails; scheduled changes purged at their time; Fastly's and a generic purge's request shapes."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from articles.services import (
    article_publish_changes,
    article_update,
    note_create,
    vendor_update,
)
from edge import services
from edge.models import Purge
from tests.edge.utils import PurgeRecorder
from tests.factories import ArticleFactory, TopicFactory, VendorFactory
from tests.utils import go_live
from tests.webhooks.utils import publish, run_worker
from webhooks.services import sweep_ensure

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
LISTS = {
    f"{prefix}-{language}"
    for prefix in ("entries", "search", "vendors", "feed")
    for language in ("en", "nl")
} | {"topics", "sitemaps"}


def test_publishing_purges_exactly_what_it_changed_in_one_request(cache_in_front):
    ArticleFactory()  # another vendor's entry: its keys are not purged
    run_worker()
    cache_in_front.requests.clear()
    article = publish("fresh-entry")
    assert cache_in_front.requests == []  # only the worker sends, after the commit
    run_worker()
    [request] = cache_in_front.requests
    assert request.method == "PURGE"
    vendor = article.vendor.slug
    assert request.purged() == {f"entry-{article.pk}", f"vendor-{vendor}"} | LISTS
    assert not Purge.objects.filter(sent_at__isnull=True).exists()


def test_an_entry_moving_between_vendors_and_topics_purges_old_and_new(cache_in_front):
    old_topic, new_topic = TopicFactory(slug="old-topic"), TopicFactory(slug="new-topic")
    article = ArticleFactory(slug="mover")
    article.topics.add(old_topic)
    go_live(article)
    run_worker()
    moved_to = VendorFactory(slug="new-home")
    old_vendor = article.vendor.slug
    article_update(article=article, user=None, fields={"vendor": moved_to}, topics=[new_topic])
    article_publish_changes(article=article, user=None)
    run_worker()
    keys = cache_in_front.requests[-1].purged()
    assert {f"vendor-{old_vendor}", "vendor-new-home", "topic-old-topic", "topic-new-topic"} <= keys
    assert f"entry-{article.pk}" in keys


def test_an_entry_purges_its_own_topics_pages_and_no_other_topics_or_vendors(cache_in_front):
    mine, other = TopicFactory(slug="mine"), TopicFactory(slug="other")
    article = ArticleFactory(slug="topical")
    article.topics.add(mine)
    go_live(article)
    bystander = ArticleFactory()
    bystander.topics.add(other)
    go_live(bystander)
    run_worker()
    cache_in_front.requests.clear()
    article_update(article=article, user=None, translations={"en": {"title": "Retitled"}})
    article_publish_changes(article=article, user=None)
    run_worker()
    [request] = cache_in_front.requests
    vendor = article.vendor.slug
    assert request.purged() == {f"entry-{article.pk}", f"vendor-{vendor}", "topic-mine"} | LISTS


def test_a_note_purges_the_corrections_feeds_and_an_edit_without_one_does_not(cache_in_front):
    article = ArticleFactory(slug="noted")
    article_update(article=article, user=None, translations={"en": {"title": "Typo fixed"}})
    article_publish_changes(article=article, user=None)
    run_worker()
    assert not {"corrections-en", "corrections-nl"} & cache_in_front.requests[-1].purged()
    note_create(article=article, kind="correction", texts={"en": "We erred."}, user=None)
    article_publish_changes(article=article, user=None)
    run_worker()
    assert {"corrections-en", "corrections-nl"} <= cache_in_front.requests[-1].purged()


def test_a_vendor_rename_purges_its_entries_and_pages_not_other_vendors(cache_in_front):
    article = ArticleFactory()
    bystander = ArticleFactory()
    run_worker()
    cache_in_front.requests.clear()
    vendor_update(vendor=article.vendor, user=None, fields={"name": "Renamed Vendor"})
    run_worker()
    keys = cache_in_front.requests[-1].purged()
    assert {f"entry-{article.pk}", f"vendor-{article.vendor.slug}"} <= keys
    assert f"entry-{bystander.pk}" not in keys
    assert f"vendor-{bystander.vendor.slug}" not in keys


def test_purges_wait_for_a_stopped_worker_and_go_out_together(cache_in_front):
    first, second = publish("first-entry"), publish("second-entry")
    assert cache_in_front.requests == []  # no worker running: both purges wait in the outbox
    run_worker()  # the worker is back
    [request] = cache_in_front.requests
    assert {f"entry-{first.pk}", f"entry-{second.pk}"} <= request.purged()
    assert not Purge.objects.filter(sent_at__isnull=True).exists()


def test_a_failing_cache_is_purged_again_until_it_answers(cache_in_front):
    with time_machine.travel(START, tick=False) as traveller:
        cache_in_front.replies.extend([503])
        article = publish("retried")
        run_worker()
        assert len(cache_in_front.requests) == 1
        assert Purge.objects.get().attempts == 1
        traveller.shift(timedelta(seconds=2))
        run_worker()
        assert len(cache_in_front.requests) == 2
        assert f"entry-{article.pk}" in cache_in_front.requests[-1].purged()
        assert Purge.objects.get().sent_at is not None


def test_a_purge_whose_task_was_lost_is_sent_by_the_periodic_sweep(cache_in_front, monkeypatch):
    """The queue is unreachable between the commit and the enqueue: publishing succeeds, the
    purge waits in the outbox with no task to send it."""

    def lost(*args):
        raise ConnectionError("the task queue is unreachable")

    grace = timedelta(seconds=settings.EDGE_PURGE_SWEEP_GRACE_SECONDS)
    with time_machine.travel(START, tick=False) as traveller:
        with monkeypatch.context() as patch:
            patch.setattr(services, "_enqueue", lost)
            article = publish("lost-task")
        sweep_ensure()  # the worker's periodic sweep, as `make serve` starts it
        run_worker()
        assert cache_in_front.requests == []  # not yet overdue: a task may still be on its way
        traveller.shift(grace + timedelta(seconds=settings.WEBHOOK_SWEEP_SECONDS))
        run_worker()
        [request] = cache_in_front.requests
        assert f"entry-{article.pk}" in request.purged()
        assert not Purge.objects.filter(sent_at__isnull=True).exists()


def test_a_purge_held_by_a_worker_that_died_is_sent_once_its_lease_ends(cache_in_front):
    with time_machine.travel(START, tick=False) as traveller:
        article = publish("orphan")
        # A worker took it and died before sending it (its task is gone with it).
        Purge.objects.update(leased_until=START + timedelta(seconds=services.LEASE_SECONDS))
        services.purges_sweep()
        assert cache_in_front.requests == []
        traveller.shift(timedelta(seconds=services.LEASE_SECONDS))
        assert services.purges_sweep() == 1
        [request] = cache_in_front.requests
        assert f"entry-{article.pk}" in request.purged()


def test_retiring_a_graphql_document_purges_the_answers_run_by_its_id(
    cache_in_front, client, tmp_path
):
    document = "{ articles { results { slug } } }"
    digest = hashlib.sha256(document.encode()).hexdigest()
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({digest: document}))
    call_command("graphql_documents", "register", str(manifest))
    ArticleFactory()
    answer = client.get("/graphql/", {"documentId": f"sha256:{digest}"})
    assert f"document-{digest}" in answer["Surrogate-Key"].split()
    run_worker()
    cache_in_front.requests.clear()
    call_command("graphql_documents", "retire", f"sha256:{digest}")
    run_worker()
    [request] = cache_in_front.requests
    assert request.purged() == {f"document-{digest}"}


def test_a_rolled_back_publication_purges_nothing(cache_in_front):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("never-seen")
        raise RuntimeError
    run_worker()
    assert cache_in_front.requests == []
    assert not Purge.objects.exists()


def test_a_scheduled_entry_is_purged_at_its_time(cache_in_front):
    with time_machine.travel(START, tick=False) as traveller:
        article = publish("later", at=START + timedelta(hours=2))
        run_worker()
        assert cache_in_front.requests == []
        traveller.shift(timedelta(hours=2, seconds=1))
        run_worker()
        [request] = cache_in_front.requests
        assert f"entry-{article.pk}" in request.purged()


def test_without_a_cache_configured_nothing_is_written(settings):
    settings.EDGE_PURGE_BACKEND = ""
    publish("quiet")
    assert not Purge.objects.exists()


def test_fastly_gets_its_batch_purge_by_surrogate_key(settings):
    fastly = PurgeRecorder()
    try:
        settings.EDGE_PURGE_BACKEND = "fastly"
        settings.EDGE_FASTLY_API_URL = fastly.url
        settings.EDGE_FASTLY_SERVICE_ID = "SU1Z0isxPaozGVKXdv0eY"
        settings.EDGE_FASTLY_API_TOKEN = "token-123"
        article = publish("to-fastly")
        run_worker()
        [request] = fastly.requests
        assert (request.method, request.path) == ("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge")
        assert request.headers["fastly-key"] == "token-123"
        assert request.headers["fastly-soft-purge"] == "1"
        assert request.headers["content-type"] == "application/json"
        assert f"entry-{article.pk}" in request.json["surrogate_keys"]
    finally:
        fastly.close()


def test_fastly_gets_at_most_256_keys_a_request(settings):
    from edge import backends

    fastly = PurgeRecorder()
    try:
        settings.EDGE_PURGE_BACKEND = "fastly"
        settings.EDGE_FASTLY_API_URL = fastly.url
        settings.EDGE_FASTLY_SERVICE_ID, settings.EDGE_FASTLY_API_TOKEN = "svc", "token"
        keys = [f"entry-{n}" for n in range(300)]
        assert backends.purge(keys) == 2
        sent = [request.json["surrogate_keys"] for request in fastly.requests]
        assert [len(batch) for batch in sent] == [256, 44]
        assert sent[0] + sent[1] == keys
    finally:
        fastly.close()


def test_a_generic_purge_sends_the_keys_in_surrogate_key(settings):
    purger = PurgeRecorder()
    try:
        settings.EDGE_PURGE_BACKEND = "http"
        settings.EDGE_PURGE_URLS = [f"{purger.url}/purge"]
        settings.EDGE_PURGE_METHOD = "POST"
        settings.EDGE_PURGE_TOKEN = "s3cret"
        article = publish("generic")
        run_worker()
        [request] = purger.requests
        assert (request.method, request.path) == ("POST", "/purge")
        assert request.headers["authorization"] == "Bearer s3cret"
        assert f"entry-{article.pk}" in request.purged("surrogate-key")
    finally:
        purger.close()


@pytest.mark.parametrize("entries", [1, 12])
def test_writing_a_publications_purge_takes_the_same_queries_whatever_its_size(
    cache_in_front, entries, django_assert_num_queries
):
    from articles.models import PublicationLog
    from edge.services import purge_write

    for _ in range(entries):
        ArticleFactory()
    rows = list(PublicationLog.objects.all())
    assert len(rows) == entries
    # The entries' vendors, topics and notes now; their tags before, deleted and written
    # anew; the purge written (no vendor rows: no vendor read).
    with transaction.atomic(), django_assert_num_queries(7):
        purge_write(PublicationLog, rows=rows)
