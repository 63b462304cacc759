"""GET /api/v1/changes/: a partner's mirror, kept in step by applying changes in order."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from articles.api.sync import SETTLE_SECONDS
from articles.models import Article
from articles.services import article_touch
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
    article_touch(article=edited, user=None)
    make_scorecard(article=edited, framework=make_framework(), ratings={"CBRN": ("Low", None)})
    archived.status = Article.Status.ARCHIVED
    article_touch(article=archived, user=None)
    unpublished.status = Article.Status.DRAFT
    article_touch(article=unpublished, user=None)
    rescheduled.published_at = timezone.now() + timedelta(days=1)
    article_touch(article=rescheduled, user=None)
    deleted.delete()
    added = ArticleFactory(published_at=timezone.now() - timedelta(minutes=5))
    clock.shift(SETTLED)
    mirror.sync()
    assert mirror.entries == public_list(api, lang="nl")
    assert mirror.entries[edited.pk]["signals"] == ["New signal"]
    assert added.pk in mirror.entries
    assert not {archived.pk, unpublished.pk, rescheduled.pk, deleted.pk} & set(mirror.entries)

    clock.shift(timedelta(minutes=1))
    vendor = edited.vendor
    vendor.name = "Renamed Vendor"
    vendor.save()
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
    cancelled.status = Article.Status.DRAFT
    cancelled.save()
    draft.slug = "secret-next-model"
    draft.save()
    deleted_draft = ArticleFactory(draft=True)
    deleted_draft.delete()
    clock.shift(timedelta(hours=2))  # the cancelled schedule's time passes
    cancelled.save()
    clock.shift(SETTLED)
    mirror = Mirror(api).sync()
    assert mirror.mentioned == set()
    assert mirror.entries == {}


def test_an_entry_created_in_bulk_without_history_is_still_dropped_when_archived(api, clock):
    (bulk,) = Article.objects.bulk_create(
        [
            Article(
                vendor=VendorFactory(),
                slug="created-in-bulk",
                kind=Article.Kind.RESEARCH,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(days=1),
            )
        ]
    )
    clock.shift(SETTLED)
    mirror = Mirror(api).sync()
    assert list(mirror.entries) == [bulk.pk]
    clock.shift(timedelta(minutes=1))
    bulk.status = Article.Status.ARCHIVED
    article_touch(article=bulk, user=None)
    clock.shift(SETTLED)
    assert mirror.sync().entries == {} == public_list(api)


def test_a_change_is_served_once_it_is_a_few_seconds_old(api, clock):
    mirror = Mirror(api).sync()
    article = ArticleFactory(published_at=timezone.now() - timedelta(hours=1))
    assert mirror.sync().entries == {}
    clock.shift(SETTLED)
    assert list(mirror.sync().entries) == [article.pk]


def test_the_next_cursor_stays_behind_now_so_late_commits_are_not_skipped(api, clock):
    mirror = Mirror(api).sync()
    # A transaction that stamped its row a second before the sync commits after it.
    late = ArticleFactory(published_at=timezone.now() - timedelta(days=1))
    Article.objects.filter(pk=late.pk).update(updated_at=timezone.now() - timedelta(seconds=1))
    clock.shift(SETTLED)
    assert late.pk in mirror.sync().entries


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
    ["garbage", "W10", "WyJub3QtYS1kYXRlIiwgMCwgMF0", "WyIyMDI1LTAxLTAxVDAwOjAwOjAwIiwgMCwgMF0"],
)
def test_a_malformed_cursor_is_a_400_naming_since(api, cursor):
    response = api.get(CHANGES, {"since": cursor})
    assert response.status_code == 400
    assert list(response.json()) == ["since"]


@pytest.mark.parametrize("page_size", [1, 50])
def test_a_page_of_changes_runs_a_fixed_number_of_queries(
    api, clock, django_assert_num_queries, page_size
):
    framework = make_framework()
    for _ in range(50):
        article = ArticleFactory(languages=["en", "nl"])
        make_scorecard(article=article, framework=framework, ratings={"CBRN": ("Low", None)})
    ArticleFactory().delete()
    clock.shift(SETTLED)
    # 1 entries, 6 prefetches of their page data, 1 deletions
    with django_assert_num_queries(8):
        response = api.get(CHANGES, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
