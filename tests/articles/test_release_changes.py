"""GET /api/v1/changes/ and releases: each change names the release that made it, and a
page never splits a release, so a mirror applies one whole or not at all."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import PublicationLog
from articles.selectors import SETTLE_SECONDS
from articles.services import (
    release_create,
    release_item_add,
    release_item_review,
    release_publish,
)
from tests.factories import ArticleFactory, UserFactory
from tests.webhooks.utils import publish

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


def release_of(slugs, *, at=None):
    """A release of new entries, reviewed and published (now, or ``at``)."""
    writer, publisher = UserFactory(role="Writer"), UserFactory(role="Publisher")
    release = release_create(title="Launch", user=writer)
    for slug in slugs:
        article = ArticleFactory(slug=slug, draft=True)
        release_item_add(release=release, article=article, user=writer)
    for item in release.items.all():
        release_item_review(item=item, user=publisher)
    return release_publish(release=release, user=publisher, at=at)


def pages(api, page_size) -> list[list[tuple]]:
    """Every page of the feed from the start: (slug, release) of each change."""
    found, params = [], {"page_size": page_size}
    while True:
        body = api.get(CHANGES, params).json()
        found.append([(change["slug"], change["release"]) for change in body["results"]])
        if not body["has_more"]:
            return found
        params["since"] = body["next"]


def test_a_release_shows_as_its_entries_changes_naming_it(api, clock):
    publish("before")
    release = release_of(["first", "second", "third"])
    clock.shift(SETTLED)
    changes = api.get(CHANGES).json()["results"]
    assert [(c["action"], c["slug"], c["release"]) for c in changes] == [
        ("upsert", "before", None),
        ("upsert", "first", release.pk),
        ("upsert", "second", release.pk),
        ("upsert", "third", release.pk),
    ]  # the release's own log row is no change
    assert PublicationLog.objects.filter(event="release.published").count() == 1
    assert len({c["time"] for c in changes[1:]}) == 1


def test_a_page_ending_inside_a_release_goes_on_to_its_end(api, clock):
    publish("before")
    release = release_of(["first", "second", "third"])
    publish("after")
    clock.shift(SETTLED)
    with_release = [("first", release.pk), ("second", release.pk), ("third", release.pk)]
    assert pages(api, 2) == [[("before", None), *with_release], [("after", None)]]
    assert pages(api, 1) == [[("before", None)], with_release, [("after", None)]]
    assert pages(api, 4) == [[("before", None), *with_release], [("after", None)]]


def test_a_scheduled_release_comes_whole_at_its_time(api, clock):
    release = release_of(["first", "second"], at=timezone.now() + timedelta(hours=1))
    clock.shift(SETTLED)
    assert pages(api, 1) == [[]]
    clock.shift(timedelta(hours=1))
    assert pages(api, 1) == [[("first", release.pk), ("second", release.pk)]]


def test_a_page_extended_to_a_releases_end_runs_the_same_queries(
    api, clock, django_assert_num_queries
):
    release_of([f"entry-{n}" for n in range(5)])
    clock.shift(SETTLED)
    with django_assert_num_queries(2):  # the log rows, the documents of their entries
        response = api.get(CHANGES, {"page_size": 1})
    body = response.json()
    assert len(body["results"]) == 5
    assert body["has_more"] is False
