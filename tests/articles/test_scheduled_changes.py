"""Scheduled changes to live entries: invisible on every public surface until their time,
on all of them after it with no task run; cancelled, moved, pinned against later edits, and
only a publisher's to make."""

from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import (
    LiveDocument,
    PublicationLog,
    PublishEvent,
    RiskArea,
    ScheduledChange,
)
from articles.services import (
    article_cancel_scheduled_changes,
    article_publish_changes,
    article_reschedule_changes,
    article_schedule_changes,
    article_update,
    note_create,
    revisions_prune,
    risk_area_update,
    vendor_update,
)
from tests.factories import (
    ArticleFactory,
    NoteFactory,
    TopicFactory,
    UserFactory,
    VendorFactory,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db

OLD, NEW, LATER = "The first system card", "The corrected system card", "An edit after scheduling"
GRAPHQL = "{ articles(pagination: {limit: 10}) { results { slug translation { title } } } }"


@pytest.fixture
def publisher():
    return UserFactory(role="Publisher")


@pytest.fixture
def entry():
    article = ArticleFactory(slug="system-card", vendor=VendorFactory(slug="openai"))
    retitle(article, OLD)
    article_publish_changes(article=article, user=None)
    return article


def retitle(article, title, language="en"):
    article_update(article=article, user=None, translations={language: {"title": title}})


def schedule(article, user=None, *, hours=1, **options):
    at = timezone.now().replace(microsecond=0) + timedelta(hours=hours)
    return article_schedule_changes(article=article, user=user, at=at, **options)


def titles_everywhere(client) -> dict[str, object]:
    """What each public surface shows of the entry "system-card" (its title), read through
    the real URLs."""
    detail = client.get("/api/v1/articles/system-card/?lang=en").json()
    listed = client.get("/api/v1/articles/?lang=en").json()["results"]
    searched = client.get("/api/v1/articles/", {"q": "corrected", "lang": "en"}).json()
    graphql = client.post("/graphql/", {"query": GRAPHQL}, content_type="application/json")
    feed = feedparser.parse(client.get("/feeds/en.atom").content)
    reader = client.get("/read/en/system-card/").content.decode()
    vendor = client.get("/api/v1/vendors/openai/").json()
    return {
        "detail": detail["title"],
        "list": [row["title"] for row in listed],
        "search": [row["title"] for row in searched["results"]],
        "graphql": [
            r["translation"]["title"] for r in graphql.json()["data"]["articles"]["results"]
        ],
        "feed": [item.title for item in feed.entries],
        "reader": NEW if f"<title>{NEW}" in reader else OLD if f"<title>{OLD}" in reader else "",
        "vendor count": vendor["public_article_count"],
    }


def changed_titles(client) -> list[str]:
    changes = client.get("/api/v1/changes/", {"lang": "en"}).json()["results"]
    return [c["article"]["title"] for c in changes if c["action"] == "upsert"]


def test_a_scheduled_change_shows_on_no_surface_before_its_time_and_on_all_after(
    client, entry, publisher
):
    retitle(entry, NEW)
    change = schedule(entry, publisher)
    before = titles_everywhere(client)
    assert before == {
        "detail": OLD,
        "list": [OLD],
        "search": [],
        "graphql": [OLD],
        "feed": [OLD],
        "reader": OLD,
        "vendor count": 1,
    }
    with time_machine.travel(change.at - timedelta(seconds=1)):
        assert titles_everywhere(client) == before
        assert NEW not in changed_titles(client)
    with time_machine.travel(change.at + timedelta(seconds=10)):  # no task has run
        assert titles_everywhere(client) == {
            "detail": NEW,
            "list": [NEW],
            "search": [NEW],
            "graphql": [NEW],
            "feed": [NEW],
            "reader": NEW,
            "vendor count": 1,
        }
        assert changed_titles(client)[-1] == NEW


def test_the_change_feed_row_and_the_log_head_come_due_at_the_change_time(client, entry):
    retitle(entry, NEW)
    change = schedule(entry)
    row = PublicationLog.objects.order_by("position").last()
    assert (row.event, row.effective_at) == ("entry.updated", change.at)
    head = client.get("/api/v1/articles/").headers["ETag"]
    with time_machine.travel(change.at + timedelta(seconds=1)):
        assert client.get("/api/v1/articles/").headers["ETag"] != head


def test_the_sitemap_shows_the_new_modification_time_of_a_significant_change_at_its_time(
    client, entry
):
    retitle(entry, NEW)
    change = schedule(entry, significant=True)
    stamp = change.at.strftime("%Y-%m-%dT%H:%M:%S")
    assert stamp not in client.get("/sitemap-entries.xml").content.decode()
    with time_machine.travel(change.at + timedelta(seconds=1)):
        assert stamp in client.get("/sitemap-entries.xml").content.decode()


def test_a_cancelled_change_never_goes_live_and_leaves_no_row_in_the_log(client, entry, publisher):
    retitle(entry, NEW)
    change = schedule(entry, publisher)
    rows = PublicationLog.objects.count()
    article_cancel_scheduled_changes(article=entry, user=publisher)
    assert PublicationLog.objects.count() == rows - 1
    with time_machine.travel(change.at + timedelta(seconds=10)):
        assert titles_everywhere(client)["detail"] == OLD
        assert NEW not in changed_titles(client)
    assert PublishEvent.objects.filter(action="cancel_scheduled_changes", user=publisher).exists()


def test_a_rescheduled_change_goes_live_at_its_new_time_only(client, entry, publisher):
    retitle(entry, NEW)
    change = schedule(entry, publisher)
    later = change.at + timedelta(hours=2)
    article_reschedule_changes(article=entry, user=publisher, at=later)
    with time_machine.travel(change.at + timedelta(seconds=10)):
        assert titles_everywhere(client)["detail"] == OLD
    with time_machine.travel(later + timedelta(seconds=10)):
        assert titles_everywhere(client)["detail"] == NEW
        assert changed_titles(client)[-1] == NEW
    assert not PublicationLog.objects.filter(effective_at=change.at).exists()
    assert PublicationLog.objects.filter(effective_at=later).count() == 1


def test_an_edit_after_scheduling_does_not_go_live_with_it(client, entry):
    retitle(entry, NEW)
    change = schedule(entry)
    retitle(entry, LATER)
    with time_machine.travel(change.at + timedelta(seconds=10)):
        assert titles_everywhere(client)["detail"] == NEW
        assert changed_titles(client)[-1] == NEW


def test_a_dutch_translation_appears_with_the_english_update(client, entry):
    retitle(entry, NEW)
    retitle(entry, "De gecorrigeerde kaart", language="nl")
    change = schedule(entry)
    assert client.get("/api/v1/articles/system-card/?lang=nl").json()["fallback"] is True
    with time_machine.travel(change.at + timedelta(seconds=1)):
        dutch = client.get("/api/v1/articles/system-card/?lang=nl").json()
        assert (dutch["title"], dutch["fallback"]) == ("De gecorrigeerde kaart", False)


def test_a_note_goes_live_with_the_change_dated_its_time_and_a_later_one_waits(client, entry):
    retitle(entry, NEW)
    note_create(article=entry, user=None, kind="correction", texts={"en": "We fixed a number."})
    change = schedule(entry)
    client.force_login(UserFactory(role="Publisher"))
    change_page = reverse("admin:articles_article_change", args=[entry.pk])
    assert "and later edits not scheduled" not in client.get(change_page).content.decode()
    note_create(article=entry, user=None, kind="correction", texts={"en": "Written later."})
    assert "and later edits not scheduled" in client.get(change_page).content.decode()
    assert client.get("/api/v1/articles/system-card/").json()["notes"] == []
    with time_machine.travel(change.at + timedelta(seconds=1)):
        notes = client.get("/api/v1/articles/system-card/").json()["notes"]
    assert [note["text"] for note in notes] == ["We fixed a number."]
    assert notes[0]["published_at"].startswith(change.at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_publishing_changes_now_cancels_the_scheduled_ones(client, entry):
    retitle(entry, NEW)
    change = schedule(entry)
    retitle(entry, LATER)
    article_publish_changes(article=entry, user=None)
    assert not ScheduledChange.objects.exists()
    with time_machine.travel(change.at + timedelta(seconds=1)):
        assert titles_everywhere(client)["detail"] == LATER


@pytest.mark.parametrize("take", ["unpublish", "archive"])
def test_unpublishing_or_archiving_cancels_the_scheduled_change_with_a_message(
    client, entry, publisher, take
):
    retitle(entry, NEW)
    change = schedule(entry, publisher)
    client.force_login(publisher)
    url = reverse("admin:articles_article_workflow", args=[entry.pk, take])
    page = client.post(url, follow=True).content.decode()
    assert "The changes scheduled for" in page and "were cancelled" in page
    assert not ScheduledChange.objects.exists()
    assert not PublicationLog.objects.filter(effective_at__gt=timezone.now()).exists()
    with time_machine.travel(change.at + timedelta(seconds=1)):
        assert client.get("/api/v1/articles/system-card/").status_code == 404


def test_deleting_an_entry_cancels_its_scheduled_change_with_a_message(client, entry, publisher):
    retitle(entry, NEW)
    schedule(entry, publisher)
    client.force_login(publisher)
    url = reverse("admin:articles_article_delete", args=[entry.pk])
    page = client.post(url, {"post": "yes"}, follow=True).content.decode()
    assert "were cancelled" in page
    assert not ScheduledChange.objects.exists()


def test_a_translator_cannot_schedule_changes(client, entry):
    retitle(entry, NEW)
    translator = UserFactory(role="Translator")
    with pytest.raises(PermissionDenied):
        schedule(entry, translator)
    client.force_login(translator)
    url = reverse("admin:articles_article_workflow", args=[entry.pk, "schedule_changes"])
    assert client.post(url, {"at": "2099-01-02T09:30"}).status_code == 403
    assert not ScheduledChange.objects.exists()
    assert LiveDocument.objects.filter(entry_id=entry.pk).count() == 2  # English and Dutch


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"at": ""}, "Give the time."),
        ({"at": "next tuesday"}, "Give the publication time as YYYY-MM-DD HH:MM."),
        ({"at": "2001-01-01T09:30"}, "Choose a time in the future"),
    ],
)
def test_a_bad_time_is_a_clear_message_and_changes_nothing(
    client, entry, publisher, change, message
):
    retitle(entry, NEW)
    client.force_login(publisher)
    url = reverse("admin:articles_article_workflow", args=[entry.pk, "schedule_changes"])
    response = client.post(url, change, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScheduledChange.objects.exists()
    assert LiveDocument.objects.filter(entry_id=entry.pk).count() == 2  # English and Dutch


def test_a_change_of_slug_vendor_or_topics_cannot_be_scheduled(entry):
    article_update(article=entry, user=None, fields={"vendor": VendorFactory()})
    entry.topics.add(TopicFactory())
    with pytest.raises(ValidationError, match="cannot change the vendor or the topics"):
        schedule(entry)
    assert not ScheduledChange.objects.exists()


def test_nothing_to_schedule_and_an_entry_not_yet_public_are_refused(entry):
    with pytest.raises(ValidationError, match="same as the live version"):
        schedule(entry)
    upcoming = ArticleFactory(scheduled=True)
    retitle(upcoming, NEW)
    with pytest.raises(ValidationError, match="not public yet"):
        schedule(upcoming)


def test_the_entry_page_shows_the_scheduled_change_and_its_diff_and_then_the_live_state(
    client, entry, publisher
):
    retitle(entry, NEW)
    client.force_login(publisher)
    at = timezone.now() + timedelta(hours=1)
    url = reverse("admin:articles_article_workflow", args=[entry.pk, "schedule_changes"])
    page = client.post(url, {"at": at.strftime("%Y-%m-%dT%H:%M")}, follow=True).content.decode()
    assert f"Changes scheduled for {at:%Y-%m-%d %H:%M} UTC" in page
    assert f"Live, with changes scheduled for {at:%Y-%m-%d %H:%M} UTC" in page
    assert 'id="scheduled-diff"' in page and NEW in page
    assert "/workflow/cancel_scheduled_changes/" in page
    assert "/workflow/reschedule_changes/" in page
    change_page = reverse("admin:articles_article_change", args=[entry.pk])
    with time_machine.travel(ScheduledChange.objects.get().at + timedelta(minutes=1)):
        page = client.get(change_page).content.decode()  # nothing settled yet: a read
        assert ScheduledChange.objects.exists()
        assert '<strong id="entry-state">Live</strong>' in page
        assert 'id="scheduled-diff"' not in page


def test_rebuild_keeps_a_waiting_change_and_settles_one_whose_time_passed(client, entry):
    retitle(entry, NEW)
    change = schedule(entry)
    call_command("rebuild_live")
    assert ScheduledChange.objects.get().at == change.at
    assert titles_everywhere(client)["detail"] == OLD
    with time_machine.travel(change.at + timedelta(seconds=1)):
        call_command("rebuild_live")
        assert not ScheduledChange.objects.exists()
        assert LiveDocument.objects.filter(entry_id=entry.pk).count() == 2  # English and Dutch
        assert titles_everywhere(client)["detail"] == NEW
        assert (
            entry.live.__class__.objects.get(pk=entry.pk).source["translations"]["en"]["title"]
            == NEW
        )


def test_pruning_keeps_the_scheduled_revision(entry):
    retitle(entry, NEW)
    change = schedule(entry)
    for n in range(3):
        retitle(entry, f"{LATER} {n}")
    revisions_prune(keep=1)
    with time_machine.travel(change.at + timedelta(seconds=1)):
        call_command("rebuild_live")  # settles the change from its revision
    assert entry.live.__class__.objects.get(pk=entry.pk).revision_id == change.revision_id


def test_lists_and_details_take_the_same_queries_with_changes_scheduled(
    client, django_assert_num_queries
):
    vendor = VendorFactory(slug="openai")
    for n in range(20):
        article = ArticleFactory(vendor=vendor, languages=["en", "nl"])
        NoteFactory(article=article)
        if n % 2:
            retitle(article, f"{NEW} {n}")
            schedule(article, hours=n + 1)
    budgets = [  # as the budgets of the same answers without scheduled changes
        ("/api/v1/articles/?page_size=50&lang=nl", 2),
        (f"/api/v1/articles/{article.slug}/", 2),
        ("/feeds/en.atom", 2),
        ("/api/v1/vendors/?page_size=50", 3),
        ("/api/v1/topics/", 2),
    ]
    for url, queries in budgets:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    assert len(client.get("/api/v1/articles/?page_size=50").json()["results"]) == 20


def test_a_vendor_or_risk_area_renamed_after_scheduling_shows_renamed_at_the_change_time(
    client, entry
):
    retitle(entry, NEW)
    make_scorecard(
        article=entry,
        framework=make_framework(),
        ratings={"CBRN": ("Medium", "Low")},
        risk_areas=["Jailbreaks"],
    )
    change = schedule(entry)
    vendor_update(vendor=entry.vendor, user=None, fields={"name": "OpenAI, renamed"})
    risk_area_update(
        area=RiskArea.objects.get(slug="jailbreaks"), user=None, name="Jailbreaking", slug="jb"
    )
    assert "Jailbreak" not in client.get("/api/v1/articles/system-card/").content.decode()
    with time_machine.travel(change.at + timedelta(seconds=1)):
        page = client.get("/api/v1/articles/system-card/").content.decode()
    assert "Jailbreaking" in page and "OpenAI, renamed" in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_with_a_change_waiting_and_forward_again(client):
    article = ArticleFactory(slug="system-card", languages=["en", "nl"])
    retitle(article, OLD)
    article_publish_changes(article=article, user=None)
    retitle(article, NEW)
    schedule(article)
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0013_live_revision")])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT language, title FROM articles_livedocument ORDER BY language")
            assert cursor.fetchall() == [("en", OLD), ("nl", f"{article.slug} title (nl)")]
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        search.install(connection)  # as after ``migrate``: SQLite's rebuilt table lost its triggers
    assert client.get("/api/v1/articles/system-card/").json()["title"] == OLD
    assert not LiveDocument.objects.exclude(valid_from=F("published_at")).exists()
