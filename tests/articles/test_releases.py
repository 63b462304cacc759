"""Releases: entries that go live together, each exactly as pinned and reviewed, or not at all;
scheduled, unscheduled and reverted; refused to whoever may not."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.db.models.signals import pre_save
from django.utils import timezone

from articles.models import Article, LiveEntry, PublicationLog, Release, ReleaseItem
from articles.services import (
    article_delete,
    article_publish,
    article_publish_changes,
    article_update,
    release_create,
    release_item_add,
    release_item_review,
    release_item_update,
    release_publish,
    release_revert,
    release_unschedule,
)
from edge.models import Purge
from tests.factories import ArticleFactory, UserFactory, VendorFactory
from webhooks.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return UserFactory(role="Publisher")


@pytest.fixture
def writer():
    return UserFactory(role="Writer")


def retitle(article, title, language="en"):
    article_update(article=article, user=None, translations={language: {"title": title}})


def live_entry(slug, title, vendor=None):
    article = ArticleFactory(slug=slug, in_review=True, vendor=vendor or VendorFactory())
    retitle(article, title)
    return article_publish(article=article, user=None)


def draft(slug, title, vendor=None):
    article = ArticleFactory(slug=slug, draft=True, vendor=vendor or VendorFactory())
    retitle(article, title)
    return article


def reviewed(release, publisher):
    for item in release.items.all():
        release_item_review(item=item, user=publisher)
    return release


def titles(client) -> dict[str, str]:
    return {
        row["slug"]: row["title"]
        for row in client.get("/api/v1/articles/?lang=en").json()["results"]
    }


def changed(client) -> list[tuple]:
    """The change feed's upserts: slug, title and release."""
    changes = client.get("/api/v1/changes/?lang=en").json()["results"]
    return [
        (c["slug"], c["article"]["title"], c.get("release"))
        for c in changes
        if c["action"] == "upsert"
    ]


@pytest.fixture
def launch(writer, publisher):
    """A model launch: a new system card, a correction to a live entry, a related new entry."""
    vendor = VendorFactory(slug="openai")
    correction = live_entry("last-week", "Last week", vendor)
    retitle(correction, "Last week, corrected")
    card, related = draft("system-card", "System card", vendor), draft("related", "Related", vendor)
    release = release_create(title="Launch", user=writer)
    for article in (card, correction, related):
        release_item_add(release=release, article=article, user=writer)
    return reviewed(release, publisher)


def test_a_release_publishes_every_entry_at_once_as_one_batch(client, launch, publisher):
    assert titles(client) == {"last-week": "Last week"}
    release_publish(release=launch, user=publisher)
    assert titles(client) == {
        "system-card": "System card",
        "last-week": "Last week, corrected",
        "related": "Related",
    }
    rows = list(PublicationLog.objects.order_by("position"))[-4:]
    assert [row.release_id for row in rows] == [launch.pk] * 4
    assert rows[-1].event == "release.published"
    assert len({row.effective_at for row in rows}) == 1
    launch.refresh_from_db()
    assert (launch.status, launch.published_by) == (Release.Status.PUBLISHED, publisher)


def test_an_edit_after_pinning_does_not_go_live_and_shows_as_outdated(client, launch, publisher):
    card = Article.objects.get(slug="system-card")
    retitle(card, "Edited after review")
    from articles.releases import ItemState, release_reports

    reports = release_reports(list(launch.items.select_related("article", "revision")))
    assert [r.states for r in reports if r.item.article == card] == [[ItemState.OUTDATED]]
    release_publish(release=launch, user=publisher)
    assert titles(client)["system-card"] == "System card"


@pytest.mark.parametrize("failing", [1, 2, 3])
def test_a_failure_at_any_item_leaves_nothing_live_and_nothing_sent(
    client, launch, publisher, failing
):
    """A database error while writing item k of 3 (raised where the live entry is saved)."""
    before = (titles(client), PublicationLog.objects.count(), Event.objects.count())
    saved = []

    def fail_at_item(sender, instance, **kwargs):
        saved.append(instance.pk)
        if len(saved) == failing:
            raise DatabaseError("could not extend file: No space left on device")

    pre_save.connect(fail_at_item, sender=LiveEntry)
    try:
        with pytest.raises(ValidationError, match="Nothing was published: could not extend"):
            release_publish(release=launch, user=publisher)
    finally:
        pre_save.disconnect(fail_at_item, sender=LiveEntry)
    assert len(saved) == failing
    assert (titles(client), PublicationLog.objects.count(), Event.objects.count()) == before
    assert Article.objects.get(slug="system-card").status == Article.Status.DRAFT
    assert not Purge.objects.exists()
    launch.refresh_from_db()
    assert (launch.status, launch.failure) == (
        Release.Status.OPEN,
        "could not extend file: No space left on device",
    )


def test_a_conflict_is_refused_and_listed_unless_overridden(client, launch, publisher):
    correction = Article.objects.get(slug="last-week")
    release_item = launch.items.get(article=correction)
    retitle(correction, "Published meanwhile")
    article_publish_changes(article=correction, user=publisher)
    with pytest.raises(ValidationError, match="last-week: conflicts"):
        release_publish(release=launch, user=publisher)
    launch.refresh_from_db()
    assert "last-week: conflicts" in launch.failure
    assert "system-card" not in titles(client)
    release_publish(release=launch, user=publisher, override=True)
    assert titles(client)["last-week"] == "Last week, corrected"
    assert release_item.pk


def test_a_rebased_item_needs_review_again(client, launch, publisher, writer):
    correction = Article.objects.get(slug="last-week")
    retitle(correction, "Published meanwhile")
    article_publish_changes(article=correction, user=publisher)
    retitle(correction, "Last week, corrected on top")
    item = release_item_update(item=launch.items.get(article=correction), user=writer)
    with pytest.raises(ValidationError, match="not reviewed"):
        release_publish(release=launch, user=publisher)
    release_item_review(item=item, user=publisher)
    release_publish(release=launch, user=publisher)
    assert titles(client)["last-week"] == "Last week, corrected on top"


def test_an_item_with_nothing_to_publish_is_refused(writer, publisher):
    entry = live_entry("unchanged", "Unchanged")
    release = release_create(title="Nothing", user=writer)
    with pytest.raises(ValidationError, match="same as the live version"):
        release_item_add(release=release, article=entry, user=writer)


def test_a_scheduled_release_goes_live_at_its_time_on_every_surface(client, launch, publisher):
    at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    release_publish(release=launch, user=publisher, at=at)
    assert titles(client) == {"last-week": "Last week"}
    with time_machine.travel(at - timedelta(seconds=1)):
        assert titles(client) == {"last-week": "Last week"}
        assert changed(client) == [("last-week", "Last week", None)]
    with time_machine.travel(at + timedelta(seconds=10)):  # no task has run
        assert titles(client) == {
            "system-card": "System card",
            "last-week": "Last week, corrected",
            "related": "Related",
        }
        assert changed(client)[1:] == [  # in the order the release applied them
            ("last-week", "Last week, corrected", launch.pk),
            ("system-card", "System card", launch.pk),
            ("related", "Related", launch.pk),
        ]


def test_an_unscheduled_release_leaves_no_trace(client, launch, publisher):
    at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    rows = PublicationLog.objects.count()
    release_publish(release=launch, user=publisher, at=at)
    release_unschedule(release=launch, user=publisher)
    assert PublicationLog.objects.count() == rows
    with time_machine.travel(at + timedelta(seconds=10)):
        assert titles(client) == {"last-week": "Last week"}
    assert Article.objects.get(slug="system-card").status == Article.Status.DRAFT


def test_a_revert_restores_what_was_live_before(client, launch, publisher):
    before = client.get("/api/v1/articles/last-week/?lang=en").json()
    release_publish(release=launch, user=publisher)
    revert = reviewed(release_revert(release=launch, user=publisher), publisher)
    release_publish(release=revert, user=publisher)
    assert titles(client) == {"last-week": "Last week"}
    after = client.get("/api/v1/articles/last-week/?lang=en").json()
    ignored = {"updated_at", "modified_at"}
    assert {k: v for k, v in after.items() if k not in ignored} == {
        k: v for k, v in before.items() if k not in ignored
    }


def test_writers_add_items_but_only_publishers_publish_schedule_and_revert(launch, writer):
    with pytest.raises(PermissionDenied):
        release_publish(release=launch, user=writer)
    with pytest.raises(PermissionDenied):
        release_item_review(item=launch.items.first(), user=writer)


def test_an_entry_sits_in_one_pending_release_and_is_not_deleted_while_there(launch, writer):
    card = Article.objects.get(slug="system-card")
    other = release_create(title="Other", user=writer)
    with pytest.raises(ValidationError, match="already in the release 'Launch'"):
        release_item_add(release=other, article=card, user=writer)
    with pytest.raises(ValidationError, match="in the release 'Launch'"):
        article_delete(article=card, user=None)


def test_a_release_over_its_size_limit_is_refused(settings, launch, writer):
    settings.RELEASE_MAX_ITEMS = 3
    with pytest.raises(ValidationError, match="at most 3"):
        release_item_add(release=launch, article=draft("fourth", "Fourth"), user=writer)
    assert ReleaseItem.objects.filter(release=launch).count() == 3


def test_a_revert_is_refused_while_an_entry_sits_in_another_pending_release(
    launch, publisher, writer
):
    release_publish(release=launch, user=publisher)
    follow_up = release_create(title="Follow-up", user=writer)
    retitle(Article.objects.get(slug="related"), "Related, again")
    release_item_add(release=follow_up, article=Article.objects.get(slug="related"), user=writer)
    with pytest.raises(ValidationError, match="related: the entry is in the release 'Follow-up'"):
        release_revert(release=launch, user=publisher)
    assert not Release.objects.filter(reverts=launch).exists()
    assert ReleaseItem.objects.filter(article__slug="related").count() == 2


def test_a_reverted_release_brings_back_a_scheduled_entry_it_took_off_at_its_time(
    client, writer, publisher
):
    at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    embargoed = ArticleFactory(slug="embargoed", in_review=True, vendor=VendorFactory())
    article_publish(article=embargoed, user=None, at=at)
    release = release_create(title="Pull it", user=writer)
    release_item_add(release=release, article=embargoed, user=writer, action="unpublish")
    release_publish(release=reviewed(release, publisher), user=publisher)
    revert = reviewed(release_revert(release=release, user=publisher), publisher)
    release_publish(release=revert, user=publisher)
    assert "embargoed" not in titles(client)
    with time_machine.travel(at + timedelta(seconds=1)):
        assert "embargoed" in titles(client)


def test_a_scheduled_release_does_not_change_an_entry_that_is_not_public_yet(
    client, writer, publisher
):
    at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    embargoed = ArticleFactory(slug="embargoed", in_review=True, vendor=VendorFactory())
    article_publish(article=embargoed, user=None, at=at)
    retitle(embargoed, "Embargoed, corrected")
    release = release_create(title="Correction", user=writer)
    release_item_add(release=release, article=embargoed, user=writer)
    with pytest.raises(ValidationError, match="embargoed: not public yet"):
        release_publish(release=reviewed(release, publisher), user=publisher, at=at)
    release.refresh_from_db()
    assert (release.status, release.failure.startswith("embargoed: not public yet")) == (
        Release.Status.OPEN,
        True,
    )
    vendor = client.get(f"/api/v1/vendors/{embargoed.vendor.slug}/").json()
    assert vendor["public_article_count"] == 0
