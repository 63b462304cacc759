"""Corrections, clarifications and updates: from a reader's correction to a published note,
minor and significant changes, and every public surface that shows them."""

import json
from datetime import datetime, timedelta

import feedparser
import pytest
import time_machine
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Note, PublicationLog
from articles.services import article_update, note_update
from feedback.models import Feedback
from tests.factories import (
    ArticleFactory,
    ArticleTranslationFactory,
    FeedbackFactory,
    NoteFactory,
    UserFactory,
    VendorFactory,
)
from tests.schema_org import problems
from tests.utils import go_live

pytestmark = pytest.mark.django_db

ENTRY = """
query ($slug: String!, $language: Language) {
  article(slug: $slug, language: $language) {
    modifiedAt updatedAt structuredData
    notes { id kind text language fallback amends publishedAt }
  }
}
"""


def rest(client, slug, lang="en"):
    response = client.get(f"/api/v1/articles/{slug}/", {"lang": lang})
    assert response.status_code == 200, response.content
    return response.json()


def graphql(client, slug, language="EN"):
    response = client.post(
        "/graphql/",
        {"query": ENTRY, "variables": {"slug": slug, "language": language}},
        content_type="application/json",
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["article"]


def publish_changes(client, article, *, significant: bool):
    data = {"significant": "1"} if significant else {}
    url = reverse("admin:articles_article_workflow", args=[article.pk, "publish_changes"])
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response


@pytest.fixture
def entry():
    article = ArticleFactory(
        slug="o3-mini-card",
        vendor=VendorFactory(name="OpenAI", slug="openai", website="https://openai.com"),
        source_authors="OpenAI",
        languages=[],
        published_at=timezone.now() - timedelta(days=3),
    )
    ArticleTranslationFactory(article=article, language="en", title="o3-mini system card")
    ArticleTranslationFactory(article=article, language="nl", title="Systeemkaart van o3-mini")
    go_live(article)
    return article


@pytest.fixture
def publisher(client):
    user = UserFactory(role="Publisher")
    client.force_login(user)
    return user


def test_a_readers_correction_becomes_a_published_note_through_the_admin(client, entry, publisher):
    feedback = FeedbackFactory(
        kind=Feedback.Kind.CORRECTION, article=entry, message="The date is wrong."
    )
    listing = client.get(reverse("admin:feedback_feedback_changelist"))
    write_url = reverse("admin:articles_note_add") + f"?feedback={feedback.pk}"
    assert write_url.replace("&", "&amp;") in listing.content.decode()

    form = client.get(write_url)
    assert "The date is wrong." in form.content.decode()  # the reader's words, to act on
    response = client.post(
        write_url,
        {
            "article": entry.pk,
            "kind": "correction",
            "text_en": "An earlier version gave the wrong release date.",
            "text_nl": "Een eerdere versie noemde de verkeerde releasedatum.",
            "feedback": feedback.pk,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:articles_article_change", args=[entry.pk])
    note = Note.objects.get(article=entry)
    feedback.refresh_from_db()
    assert (feedback.status, feedback.note) == (Feedback.Status.ACTIONED, note)
    assert "The date is wrong." not in json.dumps(note.text)  # the note is the desk's words

    # Until a publisher publishes the changes, the note is the desk's only.
    assert rest(client, entry.slug)["notes"] == []
    page = client.get(reverse("admin:articles_article_change", args=[entry.pk]))
    assert "New correction (en)" in page.content.decode()

    before = rest(client, entry.slug)
    publish_changes(client, entry, significant=False)
    after = rest(client, entry.slug, "nl")
    [shown] = after["notes"]
    assert shown["kind"] == "correction"
    assert shown["text"] == "Een eerdere versie noemde de verkeerde releasedatum."
    assert (shown["language"], shown["fallback"]) == ("nl", False)
    # A note is significant whether or not the publisher ticked the box.
    assert after["modified_at"] > before["modified_at"]
    assert graphql(client, entry.slug, "NL")["notes"][0]["text"] == shown["text"]


def test_a_minor_fix_changes_the_text_but_not_the_public_modified_time(client, entry, publisher):
    before = rest(client, entry.slug)
    article_update(article=entry, user=publisher, translations={"en": {"title": "o3-mini card"}})
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        publish_changes(client, entry, significant=False)
        after = rest(client, entry.slug)
        atom = feedparser.parse(client.get("/feeds/en.atom").content)
    assert after["title"] == "o3-mini card"
    assert after["updated_at"] > before["updated_at"]  # mirrors still see the change
    assert after["modified_at"] == before["modified_at"] == before["published_at"]
    assert after["structured_data"]["dateModified"] == before["modified_at"]
    assert PublicationLog.objects.order_by("position").last().significant is False
    item = next(e for e in atom.entries if e.title == "o3-mini card")
    assert datetime.fromisoformat(item.updated) == datetime.fromisoformat(before["modified_at"])


def test_a_significant_update_moves_the_public_time_and_resurfaces_in_feeds(
    client, entry, publisher
):
    newer = ArticleFactory(published_at=timezone.now() - timedelta(hours=1))
    assert feedparser.parse(client.get("/feeds/en.rss").content).entries[0].title == str(newer)

    article_update(article=entry, user=publisher, translations={"en": {"summary": "New facts."}})
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later):
        publish_changes(client, entry, significant=True)
        document = rest(client, entry.slug)
        rss = feedparser.parse(client.get("/feeds/en.rss").content)
        json_feed = client.get("/feeds/en.json").json()
    assert document["modified_at"] > document["published_at"]
    assert document["modified_at"] == document["updated_at"]
    assert document["structured_data"]["dateModified"] == document["modified_at"]
    assert rss.entries[0].title == "o3-mini system card"  # back on top, as updated
    assert json_feed["items"][0]["date_modified"] == document["modified_at"]
    assert PublicationLog.objects.order_by("position").last().significant is True


def test_notes_fall_back_per_note_and_come_oldest_first(client, entry):
    first = NoteFactory(article=entry, kind="correction", text={"en": "Fixed a name."})
    go_live(entry)
    second = NoteFactory(
        article=entry, kind="update", amends=first, text={"en": "Added.", "nl": "Toegevoegd."}
    )
    go_live(entry)
    notes = rest(client, entry.slug, "nl")["notes"]
    assert [(n["id"], n["text"], n["fallback"]) for n in notes] == [
        (first.pk, "Fixed a name.", True),
        (second.pk, "Toegevoegd.", False),
    ]
    assert notes[1]["amends"] == first.pk
    assert graphql(client, entry.slug, "NL")["notes"] == [
        {
            "id": n["id"],
            "kind": n["kind"].upper(),
            "text": n["text"],
            "language": n["language"].upper(),
            "fallback": n["fallback"],
            "amends": n["amends"],
            "publishedAt": n["published_at"].replace("Z", "+00:00"),
        }
        for n in notes
    ]


def test_json_ld_is_a_valid_news_article_with_its_corrections(client, entry, settings):
    NoteFactory(article=entry, kind="correction", text={"en": "Fixed a date."})
    NoteFactory(article=entry, kind="update", text={"en": "More benchmarks."})
    go_live(entry)
    data = rest(client, entry.slug, "nl")["structured_data"]
    assert problems(data) == []
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Systeemkaart van o3-mini"
    assert data["inLanguage"] == "nl"
    assert data["url"] == f"{settings.SITE_URL}/read/nl/{entry.slug}/"
    assert data["isBasedOn"] == entry.source_url
    assert data["author"] == [
        {"@type": "Organization", "name": "OpenAI", "url": "https://openai.com"}
    ]
    assert data["publisher"]["name"] == settings.SITE_NAME
    assert [c["text"] for c in data["correction"]] == ["Fixed a date."]  # updates are not
    assert data["correction"][0]["@type"] == "CorrectionComment"
    assert graphql(client, entry.slug, "NL")["structuredData"] == data


def test_the_json_ld_names_people_and_follows_the_canonical_url_setting(client, settings):
    settings.CANONICAL_URL_TEMPLATE = "https://news.example/{lang}/{slug}"
    settings.SITE_LOGO_URL = "https://news.example/logo.png"
    article = ArticleFactory(slug="people", source_authors="Jane Doe, Acme")
    data = rest(client, article.slug)["structured_data"]
    assert problems(data) == []
    assert data["url"] == "https://news.example/en/people"
    assert data["author"][0] == {"@type": "Person", "name": "Jane Doe"}
    assert data["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": "https://news.example/logo.png",
    }


def test_the_corrections_feed_lists_live_notes_newest_first_per_language(client, entry):
    NoteFactory(article=entry, text={"en": "First fix.", "nl": "Eerste correctie."})
    go_live(entry)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        NoteFactory(article=entry, kind="clarification", text={"en": "To be clear."})
        go_live(entry)
        NoteFactory(article=entry, text={"en": "Not published yet."})
        atom = feedparser.parse(client.get("/feeds/corrections/nl.atom").content)
        json_feed = client.get("/feeds/corrections/nl.json").json()
        rss = client.get("/feeds/corrections/en.rss")
    assert not atom.bozo, atom.bozo_exception
    assert [e.title for e in atom.entries] == [
        "Verduidelijking: Systeemkaart van o3-mini",
        "Correctie: Systeemkaart van o3-mini",
    ]
    assert atom.feed.title == "AI-nieuws: correcties en updates (nl)"
    assert "Eerste correctie." in atom.entries[1].summary
    assert [i["content_text"] for i in json_feed["items"]] == ["To be clear.", "Eerste correctie."]
    assert json_feed["items"][0]["url"].endswith(f"/read/nl/{entry.slug}/")
    assert rss.status_code == 200 and b"Not published yet." not in rss.content
    assert [i.title for i in feedparser.parse(rss.content).entries] == [
        "Clarification: o3-mini system card",
        "Correction: o3-mini system card",
    ]
    assert client.get("/feeds/corrections/fr.atom").status_code == 404


def test_entry_feeds_carry_the_notes_of_each_item(client, entry):
    NoteFactory(article=entry, text={"en": "We fixed the benchmark table."})
    go_live(entry)
    rss = feedparser.parse(client.get("/feeds/en.rss").content)
    item = next(e for e in rss.entries if e.title == "o3-mini system card")
    assert "We fixed the benchmark table." in item.summary
    items = client.get("/feeds/en.json").json()["items"]
    item = next(i for i in items if i["title"] == "o3-mini system card")
    assert "We fixed the benchmark table." in item["content_html"]
    assert item["_notes"][0]["kind"] == "correction"


def test_draft_notes_and_notes_on_entries_not_public_never_show(client, entry):
    NoteFactory(article=entry, text={"en": "Waiting for a publisher."})
    hidden = ArticleFactory(slug="hidden-one", draft=True)
    NoteFactory(article=hidden, text={"en": "On a draft."})
    scheduled = ArticleFactory(slug="later-one", scheduled=True)
    NoteFactory(article=scheduled, text={"en": "On a scheduled entry."})
    go_live(scheduled)
    bodies = [
        client.get(f"/api/v1/articles/{entry.slug}/").content,
        client.get("/api/v1/articles/").content,
        client.get("/feeds/en.json").content,
        client.get("/feeds/corrections/en.json").content,
        client.get("/feeds/corrections/en.atom").content,
        client.post(
            "/graphql/",
            {"query": "{ articles { results { notes { text } structuredData } } }"},
            content_type="application/json",
        ).content,
    ]
    for body in bodies:
        text = body.decode()
        for secret in ("Waiting for a publisher.", "On a draft.", "On a scheduled entry."):
            assert secret not in text


def test_a_live_note_never_changes_a_later_note_amends_it(client, entry, publisher):
    note = NoteFactory(article=entry, text={"en": "Original wording."})
    go_live(entry)
    with pytest.raises(ValidationError, match="amends"):
        note_update(note=note, user=publisher, texts={"en": "Quietly rewritten."})
    change = client.get(reverse("admin:articles_note_change", args=[note.pk]))
    assert 'name="text_en"' not in change.content.decode()  # shown read-only
    client.post(
        reverse("admin:articles_note_change", args=[note.pk]),
        {"kind": "update", "text_en": "Quietly rewritten."},
    )
    delete = client.post(reverse("admin:articles_note_delete", args=[note.pk]), {"post": "yes"})
    assert delete.status_code == 403
    note.refresh_from_db()
    assert (note.kind, note.text) == ("correction", {"en": "Original wording."})
    assert rest(client, entry.slug)["notes"][0]["text"] == "Original wording."


def test_a_note_not_live_yet_can_be_edited_and_discarding_changes_removes_it(
    client, entry, publisher
):
    note = NoteFactory(article=entry, text={"en": "Draft wording."})
    note_update(note=note, user=publisher, texts={"en": "Better wording."})
    note.refresh_from_db()
    assert note.text == {"en": "Better wording."}
    url = reverse("admin:articles_article_workflow", args=[entry.pk, "discard_changes"])
    client.post(url)
    assert not Note.objects.filter(pk=note.pk).exists()


def test_bad_note_input_is_refused_and_nothing_is_stored(client, entry, publisher):
    add = reverse("admin:articles_note_add")
    for data in (
        {"article": entry.pk, "kind": "correction", "text_en": ""},
        {"article": entry.pk, "kind": "retraction", "text_en": "x"},
        {"article": entry.pk, "kind": "correction", "text_en": "x" * 1001},
    ):
        response = client.post(add, data)
        assert response.status_code == 200  # the form again, with its errors
        assert response.context["adminform"].form.errors
    assert not Note.objects.exists()


def test_a_translator_may_translate_a_waiting_note_but_not_write_one(client, entry):
    note = NoteFactory(article=entry, text={"en": "Fixed."})
    client.force_login(UserFactory(role="Translator"))
    assert client.get(reverse("admin:articles_note_add")).status_code == 403
    response = client.post(
        reverse("admin:articles_note_change", args=[note.pk]),
        {"text_en": "Fixed.", "text_nl": "Gecorrigeerd."},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == {"en": "Fixed.", "nl": "Gecorrigeerd."}


def test_the_revisit_queue_counts_open_reader_corrections(client, entry):
    client.force_login(UserFactory(is_superuser=True))
    entry.revisit_after = timezone.localdate() - timedelta(days=1)
    entry.save(update_fields=["revisit_after"])
    FeedbackFactory.create_batch(2, kind=Feedback.Kind.CORRECTION, article=entry)
    FeedbackFactory(kind=Feedback.Kind.CORRECTION, article=entry, status="actioned")
    home = client.get(reverse("admin:index")).content.decode()
    assert "2 open corrections" in home
    listing = client.get(reverse("admin:articles_article_changelist"), {"revisit": "due"})
    assert listing.context["cl"].result_list[0].open_corrections == 2


@pytest.mark.parametrize(
    ("template", "usable"),
    [
        ("https://news.example/{lang}/{slug}", True),
        ("https://news.example/entries/{id}", True),
        ("https://news.example/{lang}/", False),  # names no entry
        ("https://news.example/{slugg}", False),
    ],
)
def test_the_canonical_url_template_is_checked_at_start_up(settings, template, usable):
    settings.CANONICAL_URL_TEMPLATE = template
    errors = [error for error in run_checks() if error.id == "articles.E001"]
    assert (not errors) == usable
    assert all(template in error.msg for error in errors)
