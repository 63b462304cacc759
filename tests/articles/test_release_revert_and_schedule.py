"""Releases over time: scheduled ones lock their entries and take no removals; reverting
puts back what was live before, as new changes mirrors see."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, Note, PublicationLog
from articles.services import (
    article_publish,
    article_submit_for_review,
    article_unpublish,
    note_create,
    release_create,
    release_item_add,
    release_publish,
    release_revert,
    release_unschedule,
    vendor_update,
)
from tests.articles.test_releases import draft, live_entry, retitle, reviewed, titles
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return UserFactory(role="Publisher")


def in_two_hours():
    return timezone.now().replace(microsecond=0) + timedelta(hours=2)


def test_reverting_brings_back_entries_a_release_took_off_and_etags_move_twice(client, publisher):
    kept, archived = live_entry("kept", "Kept"), live_entry("archived", "Archived")
    before = client.get("/api/v1/articles/archived/?lang=en").json()
    etags = [client.get("/api/v1/articles/?lang=en").headers["ETag"]]
    release = release_create(title="Tidy up", user=publisher)
    release_item_add(release=release, article=archived, user=publisher, action="archive")
    release_publish(release=reviewed(release, publisher), user=publisher)
    assert titles(client) == {"kept": "Kept"}
    assert Article.objects.get(pk=archived.pk).status == Article.Status.ARCHIVED
    etags.append(client.get("/api/v1/articles/?lang=en").headers["ETag"])

    revert = reviewed(release_revert(release=release, user=publisher), publisher)
    assert [(i.action, i.article_id) for i in revert.items.all()] == [("publish", archived.pk)]
    release_publish(release=revert, user=publisher)
    etags.append(client.get("/api/v1/articles/?lang=en").headers["ETag"])
    assert titles(client) == {"kept": "Kept", "archived": "Archived"}
    after = client.get("/api/v1/articles/archived/?lang=en").json()
    assert {k: v for k, v in after.items() if k not in {"updated_at", "modified_at"}} == {
        k: v for k, v in before.items() if k not in {"updated_at", "modified_at"}
    }
    assert len(set(etags)) == 3
    assert kept.pk


def test_a_revert_is_refused_while_its_entries_wait_in_another_release(publisher):
    entry = live_entry("entry", "Entry")
    retitle(entry, "Entry, corrected")
    release = release_create(title="Correction", user=publisher)
    release_item_add(release=release, article=entry, user=publisher)
    release_publish(release=reviewed(release, publisher), user=publisher)
    retitle(entry, "Entry, corrected again")
    follow_up = release_create(title="Follow-up", user=publisher)
    release_item_add(release=follow_up, article=entry, user=publisher)
    with pytest.raises(ValidationError, match="entry: the entry is in the release 'Follow-up'"):
        release_revert(release=release, user=publisher)


def test_a_scheduled_release_takes_an_entry_off_every_surface_at_its_time(client, publisher):
    vendor = VendorFactory(slug="openai")
    kept, retired = live_entry("kept", "Kept", vendor), live_entry("retired", "Retired", vendor)
    release = release_create(title="Take down", user=publisher)
    release_item_add(release=release, article=retired, user=publisher, action="unpublish")
    at = in_two_hours()
    release_publish(release=reviewed(release, publisher), user=publisher, at=at)

    def public():
        return (
            titles(client),
            client.get("/api/v1/articles/retired/?lang=en").status_code,
            client.get("/api/v1/vendors/openai/").json()["public_article_count"],
            "/read/en/retired/" in client.get("/sitemap-entries.xml").content.decode(),
        )

    assert public() == ({"kept": "Kept", "retired": "Retired"}, 200, 2, True)
    with time_machine.travel(at + timedelta(seconds=10)):  # no task has run
        assert public() == ({"kept": "Kept"}, 404, 1, False)
        deleted = [
            c["slug"]
            for c in client.get("/api/v1/changes/?lang=en").json()["results"]
            if c["action"] == "delete"
        ]
        assert deleted == ["retired"]
        # Its next write settles it: it can be published again.
        retitle(retired, "Retired, back")
        article_submit_for_review(article=retired, user=publisher)
        article_publish(article=retired, user=publisher)
        assert titles(client) == {"kept": "Kept", "retired": "Retired, back"}
    assert kept.pk


def test_an_unscheduled_withdrawal_leaves_the_entry_as_it_was(client, publisher):
    retired = live_entry("retired", "Retired")
    rows = PublicationLog.objects.count()
    release = release_create(title="Take down", user=publisher)
    release_item_add(release=release, article=retired, user=publisher, action="archive")
    at = in_two_hours()
    release_publish(release=reviewed(release, publisher), user=publisher, at=at)
    assert Article.objects.get(pk=retired.pk).status == Article.Status.ARCHIVED
    release_unschedule(release=release, user=publisher)
    assert PublicationLog.objects.count() == rows
    assert Article.objects.get(pk=retired.pk).status == Article.Status.PUBLISHED
    with time_machine.travel(at + timedelta(seconds=10)):
        assert titles(client) == {"retired": "Retired"}


def test_entries_of_a_scheduled_release_wait_for_it(client, publisher):
    entry = live_entry("entry", "Entry")
    retitle(entry, "Entry, corrected")
    release = release_create(title="Embargo", user=publisher)
    release_item_add(release=release, article=entry, user=publisher)
    release_publish(release=reviewed(release, publisher), user=publisher, at=in_two_hours())
    with pytest.raises(ValidationError, match="goes live with the release 'Embargo'"):
        article_unpublish(article=entry, user=publisher)
    release_unschedule(release=release, user=publisher)
    article_unpublish(article=entry, user=publisher)
    assert titles(client) == {}


def test_an_unscheduled_release_takes_back_the_notes_it_was_to_bring(publisher):
    entry = draft("entry", "Entry")
    note_create(article=entry, user=None, kind="correction", texts={"en": "Fixed a figure."})
    release = release_create(title="Embargo", user=publisher)
    release_item_add(release=release, article=entry, user=publisher)
    release_publish(release=reviewed(release, publisher), user=publisher, at=in_two_hours())
    assert Note.objects.get(article=entry).published_at is not None
    release_unschedule(release=release, user=publisher)
    assert Note.objects.get(article=entry).published_at is None


def test_a_scheduled_release_keeps_its_rows_when_a_vendor_change_re_renders_its_entries(
    client, publisher
):
    vendor = VendorFactory(slug="openai")
    entry = live_entry("entry", "Entry", vendor)
    retitle(entry, "Entry, corrected")
    release = release_create(title="Embargo", user=publisher)
    release_item_add(release=release, article=entry, user=publisher)
    at = in_two_hours()
    release_publish(release=reviewed(release, publisher), user=publisher, at=at)
    vendor_update(vendor=vendor, user=None, fields={"name": "OpenAI, Inc."})
    waiting = PublicationLog.objects.filter(article_id=entry.pk, effective_at=at)
    assert list(waiting.values_list("release_id", flat=True)) == [release.pk]
    with time_machine.travel(at + timedelta(seconds=10)):
        assert titles(client) == {"entry": "Entry, corrected"}


def test_the_admin_names_the_release_instead_of_deleting_an_entry_in_it(client, publisher):
    entry = draft("entry", "Entry")
    release = release_create(title="Launch", user=publisher)
    release_item_add(release=release, article=entry, user=publisher)
    client.force_login(UserFactory(is_superuser=True))
    url = f"/admin/articles/article/{entry.pk}/delete/"
    page = client.get(url).content.decode()
    assert "entry is in the release Launch: remove it from the release first." in page
    client.post(url, {"post": "yes"})
    assert Article.objects.filter(pk=entry.pk).exists()
