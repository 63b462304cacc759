"""GET /api/v1/changes/: a partner's mirror, kept in step by applying changes in order."""

import base64
import json
import random
import threading
import time
from datetime import datetime, timedelta
from datetime import timezone as offsets

import hypothesis
import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import strategies as st
from rest_framework.test import APIClient

from articles import selectors
from articles.models import Article, ArticleTranslation, PublicationLog
from articles.publishing import live_publish_bulk
from articles.selectors import SETTLE_SECONDS
from articles.services import (
    article_archive,
    article_delete,
    article_publish,
    article_publish_changes,
    article_submit_for_review,
    article_unpublish,
    article_update,
    vendor_update,
)
from tests.factories import (
    ArticleFactory,
    SignalBulletFactory,
    TopicFactory,
    VendorFactory,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/changes/"
SETTLED = timedelta(seconds=SETTLE_SECONDS + 1)


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def api():
    return APIClient()


class Mirror:
    """What a partner keeps: entries by id, and every slug a change ever mentioned."""

    def __init__(self, api, *, lang="en", page_size=2):
        self.api, self.lang, self.page_size = api, lang, page_size
        self.entries: dict[int, dict] = {}
        self.mentioned: set[str] = set()
        self.cursor = None

    def sync(self):
        while True:
            params = {"lang": self.lang, "page_size": self.page_size}
            if self.cursor:
                params["since"] = self.cursor
            response = self.api.get(CHANGES, params)
            assert response.status_code == 200, response.content
            body = response.json()
            for change in body["results"]:
                self.mentioned.add(change["slug"])
                if change["action"] == "upsert":
                    self.entries[change["id"]] = change["article"]
                else:
                    assert change["article"] is None
                    self.entries.pop(change["id"], None)
            self.cursor = body["next"]
            if not body["has_more"]:
                return self


def public_list(api, *, lang="en") -> dict[int, dict]:
    entries, url, params = {}, "/api/v1/articles/", {"lang": lang, "page_size": 100}
    while url:
        body = api.get(url, params).json()
        entries.update({entry["id"]: entry for entry in body["results"]})
        url, params = body["next"], None
    return entries


def test_a_mirror_applying_changes_in_order_stays_equal_to_the_public_list(api, clock):
    edited, rescheduled, archived, unpublished, deleted = ArticleFactory.create_batch(5)
    draft = ArticleFactory(draft=True)
    in_review = ArticleFactory(in_review=True)
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    clock.shift(SETTLED)
    mirror = Mirror(api, lang="nl").sync()
    assert mirror.entries == public_list(api, lang="nl")
    assert len(mirror.entries) == 5

    clock.shift(timedelta(minutes=1))
    SignalBulletFactory(article=edited, language="en", text="New signal")
    edited.topics.add(TopicFactory())
    make_scorecard(article=edited, framework=make_framework(), ratings={"CBRN": ("Low", None)})
    article_publish_changes(article=edited, user=None)
    article_archive(article=archived, user=None)
    article_unpublish(article=unpublished, user=None)
    article_unpublish(article=rescheduled, user=None)
    article_submit_for_review(article=rescheduled, user=None)
    article_publish(article=rescheduled, user=None, at=timezone.now() + timedelta(days=1))
    article_delete(article=deleted, user=None)
    added = ArticleFactory(published_at=timezone.now() - timedelta(minutes=5))
    clock.shift(SETTLED)
    mirror.sync()
    assert mirror.entries == public_list(api, lang="nl")
    assert mirror.entries[edited.pk]["signals"] == ["New signal"]
    assert mirror.entries[edited.pk]["scorecard"] is not None
    assert added.pk in mirror.entries
    assert not {archived.pk, unpublished.pk, rescheduled.pk, deleted.pk} & set(mirror.entries)

    clock.shift(timedelta(minutes=1))
    vendor_update(vendor=edited.vendor, user=None, fields={"name": "Renamed Vendor"})
    clock.shift(SETTLED)
    mirror.sync()
    assert mirror.entries[edited.pk]["vendor"]["name"] == "Renamed Vendor"
    assert mirror.entries == public_list(api, lang="nl")

    clock.shift(timedelta(hours=2))  # the scheduled entry goes public, with no write at all
    mirror.sync()
    assert scheduled.pk in mirror.entries
    assert mirror.entries == public_list(api, lang="nl")

    clock.shift(timedelta(days=1))  # and so does the rescheduled one
    mirror.sync()
    assert rescheduled.pk in mirror.entries
    assert mirror.entries == public_list(api, lang="nl")
    assert not {draft.slug, in_review.slug} & mirror.mentioned


def test_entries_that_were_never_public_are_never_mentioned(api, clock):
    draft = ArticleFactory(draft=True)
    cancelled = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    clock.shift(timedelta(minutes=10))
    article_unpublish(article=cancelled, user=None)
    article_update(article=draft, user=None, fields={"slug": "secret-next-model"})
    article_delete(article=ArticleFactory(draft=True), user=None)
    clock.shift(timedelta(hours=2))  # the cancelled schedule's time passes
    clock.shift(SETTLED)
    mirror = Mirror(api).sync()
    assert mirror.mentioned == set()
    assert mirror.entries == {}


def test_entries_loaded_in_bulk_appear_only_once_they_are_public(api, clock):
    vendor, now = VendorFactory(), timezone.now()
    published = Article.Status.PUBLISHED
    draft, scheduled, published = Article.objects.bulk_create(
        [
            Article(vendor=vendor, slug=slug, kind=Article.Kind.RESEARCH, status=status, **times)
            for slug, status, times in [
                ("bulk-draft", Article.Status.DRAFT, {}),
                ("bulk-scheduled", published, {"published_at": now + timedelta(days=1)}),
                ("bulk-published", published, {"published_at": now - timedelta(days=1)}),
            ]
        ]
    )
    ArticleTranslation.objects.bulk_create(
        ArticleTranslation(article=article, language="en", title=article.slug)
        for article in (draft, scheduled, published)
    )
    live_publish_bulk([draft, scheduled, published])
    clock.shift(SETTLED)
    mirror = Mirror(api).sync()
    assert list(mirror.entries) == [published.pk]
    clock.shift(timedelta(minutes=1))
    article_unpublish(article=scheduled, user=None)  # withdrawn before its time
    article_delete(article=draft, user=None)
    article_archive(article=published, user=None)
    clock.shift(timedelta(days=2))
    assert mirror.sync().entries == {} == public_list(api)
    assert mirror.mentioned == {"bulk-published"}


def test_a_change_is_served_once_it_is_a_few_seconds_old(api, clock):
    mirror = Mirror(api).sync()
    article = ArticleFactory(published_at=timezone.now() - timedelta(hours=1))
    assert mirror.sync().entries == {}
    clock.shift(SETTLED)
    assert list(mirror.sync().entries) == [article.pk]


def test_a_change_committed_late_behind_one_not_yet_served_is_not_skipped(api, clock):
    mirror = Mirror(api).sync()
    first = ArticleFactory()
    clock.shift(timedelta(seconds=SETTLE_SECONDS - 1))
    assert mirror.sync().entries == {}  # not settled yet
    # A transaction that took its place before `first` and commits only now.
    late = ArticleFactory()
    first_time = PublicationLog.objects.get(article_id=first.pk).effective_at
    PublicationLog.objects.filter(article_id=late.pk).update(
        effective_at=first_time - timedelta(seconds=1)
    )
    clock.shift(SETTLED)
    assert set(mirror.sync().entries) == {first.pk, late.pk}


def test_resyncing_from_an_old_cursor_is_harmless(api, clock):
    ArticleFactory.create_batch(3)
    clock.shift(SETTLED)
    mirror = Mirror(api).sync()
    replay = Mirror(api)
    replay.entries = dict(mirror.entries)
    replay.sync()
    assert replay.entries == mirror.entries == public_list(api)


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "W10", "WyJub3QtYS1kYXRlIiwgMF0", "WyIyMDI1LTAxLTAxVDAwOjAwOjAwIiwgIjAiXQ"],
)
def test_a_malformed_cursor_is_a_400_naming_since(api, cursor):
    response = api.get(CHANGES, {"since": cursor})
    assert response.status_code == 400
    assert response.json() == {"since": ["Malformed cursor; use a `next` value."]}


def offset(hours: int) -> offsets:
    return offsets(timedelta(hours=hours))


def cursor_of(*data) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(data)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "time", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"], ids=["year-1", "year-9999"]
)
def test_a_cursor_beyond_the_years_a_time_can_hold_is_a_400_naming_since(api, time):
    response = api.get(CHANGES, {"since": cursor_of(time, 0)})
    assert response.status_code == 400
    assert response.json() == {"since": ["Malformed cursor; use a `next` value."]}


@hypothesis.settings(max_examples=300, derandomize=True, database=None, deadline=None)
@hypothesis.given(
    time=st.builds(
        lambda moment, hours: moment.replace(tzinfo=offset(hours)).isoformat(),
        st.sampled_from([datetime.min, datetime.max]) | st.datetimes(),
        st.integers(min_value=-14, max_value=14),
    )
    | st.text(),
    position=st.integers() | st.none() | st.text(),
)
def test_any_cursor_decodes_to_a_utc_place_or_is_malformed(time, position):
    """What ``since`` may hold: either a place in UTC, or ``InvalidCursor`` (a 400)."""
    try:
        place = selectors.FeedPosition.decode(cursor_of(time, position))
    except selectors.InvalidCursor:
        return
    assert place.effective_at.utcoffset() == timedelta(0)
    assert selectors.FeedPosition.decode(place.encode()) == place


def test_a_cursor_of_the_earlier_feed_tells_the_mirror_to_start_again(api):
    earlier = json.dumps(["2026-01-01T00:00:00+00:00", 0, 42]).encode()
    cursor = base64.urlsafe_b64encode(earlier).decode().rstrip("=")
    response = api.get(CHANGES, {"since": cursor})
    assert response.status_code == 400
    (message,) = response.json()["since"]
    assert "earlier version" in message and "sync again from the start" in message


def test_the_change_feed_is_not_cached(api, clock):
    ArticleFactory()
    clock.shift(SETTLED)
    response = api.get(CHANGES)
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


@pytest.mark.parametrize("page_size", [1, 50])
def test_a_page_of_changes_runs_a_fixed_number_of_queries(
    api, clock, django_assert_num_queries, page_size
):
    framework = make_framework()
    for _ in range(50):
        article = ArticleFactory(languages=["en", "nl"])
        make_scorecard(article=article, framework=framework, ratings={"CBRN": ("Low", None)})
    article_delete(article=ArticleFactory(), user=None)
    clock.shift(SETTLED)
    with django_assert_num_queries(2):  # the log rows, the documents of their entries
        response = api.get(CHANGES, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


# --- Concurrency (PostgreSQL) ----------------------------------------------------------------


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every write, so publications cannot overlap there; run with "
            "DATABASE_URL=postgres://... to check a mirror skips nothing under concurrency."
        )


def test_a_mirror_polling_while_two_publishers_work_skips_nothing(
    on_postgresql, transactional_db, settings, monkeypatch
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anonymous": "100000/minute",
        },
    }
    monkeypatch.setattr(selectors.log, "SETTLE_SECONDS", 1)
    vendor = VendorFactory()
    batches = [[ArticleFactory(vendor=vendor, in_review=True) for _ in range(12)] for _ in "ab"]
    failures = []

    def publish(articles):
        try:
            for n, article in enumerate(articles):
                with transaction.atomic():  # a slow commit holds the log's lock meanwhile
                    article = article_publish(article=article, user=None)
                    time.sleep(random.uniform(0, 0.08))
                if n % 4 == 3:
                    article_unpublish(article=article, user=None)
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            connection.close()

    publishers = [threading.Thread(target=publish, args=(batch,)) for batch in batches]
    for publisher in publishers:
        publisher.start()
    api = APIClient()
    mirror, polls = Mirror(api, page_size=3), 0
    while any(publisher.is_alive() for publisher in publishers):
        mirror.sync()
        polls += 1
        time.sleep(0.05)
    for publisher in publishers:
        publisher.join()
    assert not failures
    time.sleep(1.5)  # let the last changes settle
    mirror.sync()
    assert polls > 3
    public = public_list(api)
    assert len(public) == 18
    assert mirror.entries == public
    assert {article.slug for batch in batches for article in batch} <= mirror.mentioned
