"""Random sequences of the desk's steps never let a public surface disagree with what a
publisher made live: a model of the live set is kept beside the database and compared with
every surface after each step."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import selectors
from articles.models import Article, LiveEntry, PublicationLog
from articles.selectors.log import forget_log_heads
from articles.services import (
    article_archive,
    article_cancel_scheduled_changes,
    article_delete,
    article_discard_changes,
    article_publish,
    article_publish_changes,
    article_reopen,
    article_schedule_changes,
    article_submit_for_review,
    article_unpublish,
)
from tests.factories import ArticleFactory, VendorFactory

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DRAFT, PUBLISHED, ARCHIVED = Article.Status.DRAFT, Article.Status.PUBLISHED, Article.Status.ARCHIVED
GRAPHQL_LIST = "{ articles(pagination: {limit: 100}) { results { slug translation { title } } } }"
# Each step with a weight, so that a sequence builds up entries before it takes them down.
STEPS = {
    "write": 3,
    "edit": 4,
    "publish_now": 3,
    "schedule": 1,
    "publish_changes": 3,
    "schedule_changes": 2,
    "cancel_scheduled_changes": 1,
    "discard_changes": 1,
    "unpublish": 1,
    "archive": 1,
    "reopen": 1,
    "delete": 1,
    "wait": 2,
    "time_passes": 1,
}


@dataclass
class Entry:
    pk: int
    slug: str
    status: str
    working: str
    live: str | None = None
    live_from: datetime | None = None
    scheduled: tuple[str, datetime] | None = None  # a change to the live title, and its time


class Desk:
    """The steps, applied through the services, and the model of what must be live."""

    def __init__(self, traveller):
        LiveEntry.objects.all().delete()
        PublicationLog.objects.all().delete()
        Article.objects.all().delete()
        # The log emptied behind the services' back (never done outside a test): the head this
        # process reuses is read afresh, as after a restart.
        forget_log_heads()
        self.traveller, self.now = traveller, START
        traveller.move_to(START)
        self.vendor = VendorFactory()
        self.entries: list[Entry] = []
        self.edits = 0

    def settle(self):
        """Scheduled changes whose time has come are what is live."""
        for e in self.entries:
            if e.scheduled and e.scheduled[1] <= self.now:
                e.live, e.scheduled = e.scheduled[0], None

    def eligible(self, step: str) -> list[Entry]:
        self.settle()
        changed = [e for e in self.entries if e.status == PUBLISHED and e.working != e.live]
        return {
            "schedule_changes": [e for e in changed if e.live_from <= self.now],
            "cancel_scheduled_changes": [e for e in self.entries if e.scheduled],
            "edit": [e for e in self.entries if e.status in (DRAFT, PUBLISHED)],
            "publish_now": [e for e in self.entries if e.status == DRAFT],
            "schedule": [e for e in self.entries if e.status == DRAFT],
            "publish_changes": changed,
            "discard_changes": changed,
            "unpublish": [e for e in self.entries if e.status == PUBLISHED],
            "archive": [e for e in self.entries if e.status == PUBLISHED],
            "reopen": [e for e in self.entries if e.status == ARCHIVED],
            "delete": self.entries,
        }.get(step, [None])

    def take(self, step: str, entry: Entry | None):
        article = Article.objects.get(pk=entry.pk) if entry else None
        if step == "write":
            article = ArticleFactory(draft=True, vendor=self.vendor)
            title = article.translations.get().title
            self.entries.append(Entry(article.pk, article.slug, DRAFT, title))
        elif step == "edit":
            self.edits += 1
            translation = article.translations.get(language="en")
            translation.title = entry.working = f"{entry.slug} edit {self.edits}"
            translation.save()
        elif step in ("publish_now", "schedule"):
            at = self.now + timedelta(hours=1) if step == "schedule" else None
            article = article_submit_for_review(article=article, user=None)
            article_publish(article=article, user=None, at=at)
            entry.status, entry.live, entry.live_from = PUBLISHED, entry.working, at or self.now
        elif step == "publish_changes":
            article_publish_changes(article=article, user=None)
            entry.live, entry.scheduled = entry.working, None
        elif step == "schedule_changes":
            at = self.now + timedelta(hours=1)
            article_schedule_changes(article=article, user=None, at=at)
            entry.scheduled = (entry.working, at)
        elif step == "cancel_scheduled_changes":
            article_cancel_scheduled_changes(article=article, user=None)
            entry.scheduled = None
        elif step == "discard_changes":
            article_discard_changes(article=article, user=None)
            entry.working = entry.live
        elif step in ("unpublish", "archive"):
            service = article_unpublish if step == "unpublish" else article_archive
            service(article=article, user=None)
            entry.status = DRAFT if step == "unpublish" else ARCHIVED
            entry.live = entry.live_from = entry.scheduled = None
        elif step == "reopen":
            article_reopen(article=article, user=None)
            entry.status = DRAFT
        elif step == "delete":
            article_delete(article=article, user=None)
            self.entries.remove(entry)
        elif step == "wait":
            self.now += timedelta(minutes=40)
            self.traveller.move_to(self.now)
        elif step == "time_passes":  # to the second a scheduled change comes due, or an hour
            times = [e.scheduled[1] for e in self.entries if e.scheduled]
            self.now = min(times) if times else self.now + timedelta(hours=1)
            self.traveller.move_to(self.now)

    def visible(self) -> dict[str, str]:
        self.settle()
        return {
            e.slug: e.live for e in self.entries if e.live is not None and e.live_from <= self.now
        }


def assert_public_surfaces_show(client: Client, desk: Desk):
    visible = desk.visible()
    rows = selectors.entry_list(selectors.EntryFilter(), language="en")
    assert dict(rows.values_list("slug", "title")) == visible
    rest = client.get("/api/v1/articles/?page_size=100&lang=en").json()
    assert {r["slug"]: r["title"] for r in rest["results"]} == visible
    graphql = client.post("/graphql/", {"query": GRAPHQL_LIST}, content_type="application/json")
    results = graphql.json()["data"]["articles"]["results"]
    assert {r["slug"]: r["translation"]["title"] for r in results} == visible
    for entry in desk.entries:
        response = client.get(f"/api/v1/articles/{entry.slug}/?lang=en")
        assert response.status_code == (200 if entry.slug in visible else 404)
    feed = feedparser.parse(client.get("/feeds/en.atom").content)
    assert sorted(item.title for item in feed.entries) == sorted(visible.values())
    vendor = client.get(f"/api/v1/vendors/{desk.vendor.slug}/").json()
    assert vendor["public_article_count"] == len(visible)


@pytest.mark.django_db(transaction=True)
def test_the_public_surfaces_always_show_what_was_made_live(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anonymous": "1000000/minute"},
    }
    with time_machine.travel(START, tick=False) as traveller:

        @hypothesis_settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        )
        @given(
            st.lists(
                st.tuples(
                    st.sampled_from([step for step, n in STEPS.items() for _ in range(n)]),
                    st.integers(0, 50),
                ),
                min_size=10,
                max_size=40,
            )
        )
        def run(steps):
            desk, client = Desk(traveller), Client()
            for step, choice in steps:
                candidates = desk.eligible(step)
                if not candidates:
                    continue
                desk.take(step, candidates[choice % len(candidates)])
                assert_public_surfaces_show(client, desk)

        run()
