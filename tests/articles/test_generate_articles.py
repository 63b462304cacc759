"""generate_articles: realistic synthetic entries, live and public, the same for the same seed."""

import json

import pytest
from django.core.management import CommandError, call_command

from articles.documents import SharedData, build_documents
from articles.models import (
    Article,
    ArticleTranslation,
    LiveDocument,
    LiveEntry,
    PublicationLog,
    Revision,
    Scorecard,
    Topic,
)
from articles.rendering import render_markdown

pytestmark = pytest.mark.django_db


def _snapshot():
    """Every entry's identity and texts, per language (index 5 is the title, 7 the body)."""
    translations = ArticleTranslation.objects.select_related("article__vendor")
    return [
        (
            *(t.article.slug, t.article.vendor.slug, t.article.kind, t.article.published_at),
            *(t.language, t.title, t.summary, t.body, t.body_html),
        )
        for t in translations.order_by("article__slug", "language")
    ]


def _documents(language):
    return [json.loads(d.document) for d in LiveDocument.objects.filter(language=language)]


def test_entries_are_public_in_the_rest_api_in_english_and_dutch(client):
    call_command("generate_articles", 40, seed=7)

    response = client.get("/api/v1/articles/?page_size=100&lang=nl")
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 40
    assert {entry["language"] for entry in results} == {"nl"}
    english = client.get("/api/v1/articles/?page_size=100&lang=en").json()["results"]
    assert {e["title"] for e in english}.isdisjoint({e["title"] for e in results})
    assert PublicationLog.objects.filter(event="entry.published").count() == 40


def test_entries_have_realistic_bodies_signals_topics_and_some_scorecards():
    call_command("generate_articles", 60, seed=7)

    for language in ("en", "nl"):
        documents = _documents(language)
        assert len(documents) == 60
        for document in documents:
            body = document["body"]
            assert 1000 < len(body) < 2200
            assert body.count("\n\n") >= 4 and "\n## " in body and "\n- " in body
            assert "](https://" in body and "<h2>" in document["body_html"]
            assert len(document["signals"]) == 3
            assert 1 <= len(document["topics"]) <= 3
            assert document["available_languages"] == ["en", "nl"]
            assert not document["fallback"]
        with_scorecard = [d for d in documents if d["scorecard"]]
        assert 0 < len(with_scorecard) < 40
        assert all(1 <= len(d["scorecard"]["risk_areas"]) <= 3 for d in with_scorecard)
    assert Scorecard.objects.count() == len(with_scorecard)


def test_live_documents_are_exactly_what_publishing_renders_from_the_working_copy():
    call_command("generate_articles", 25, seed=5)

    entries = list(LiveEntry.objects.all())
    shared = SharedData([entry.source for entry in entries])
    for entry in entries:
        expected = build_documents(
            article_id=entry.pk,
            source=entry.source,
            published_at=entry.published_at,
            updated_at=entry.updated_at,
            modified_at=entry.modified_at,
            shared=shared,
        )
        stored = {d.language: json.loads(d.document) for d in entry.documents.all()}
        assert stored == {d.language: d.full for d in expected}
        for document in stored.values():
            assert document["body_html"] == render_markdown(document["body"])
    for translation in ArticleTranslation.objects.all():
        assert translation.body_html == render_markdown(translation.body)


def test_same_seed_gives_the_same_entries_and_running_again_adds_nothing():
    call_command("generate_articles", 15, seed=3)
    first = _snapshot()
    assert len({row[7] for row in first}) == 30  # every body differs

    call_command("generate_articles", 15, seed=3)
    assert _snapshot() == first
    Article.objects.all().delete()
    call_command("generate_articles", 15, seed=3)
    assert _snapshot() == first
    call_command("generate_articles", 20, seed=3)
    assert set(first) < set(_snapshot())
    assert LiveEntry.objects.count() == 20


def test_another_seed_gives_other_entries():
    call_command("generate_articles", 5, seed=1)
    call_command("generate_articles", 5, seed=2)
    assert LiveEntry.objects.count() == 10
    assert len({row[5] for row in _snapshot()}) > 10


def test_entries_share_existing_topics_of_the_same_name(client):
    safety = Topic.objects.create(name="Safety", slug="safety")

    call_command("generate_articles", 40, seed=7)

    response = client.get("/api/v1/articles/?topic=safety&page_size=100")
    assert response.status_code == 200
    assert 0 < len(response.json()["results"]) == safety.articles.count() < 40


def test_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_articles", 0)


def test_each_generated_entry_has_one_imported_revision_of_the_whole_entry(client):
    """Restoring it gives the entry back as generated, not a half entry."""
    call_command("generate_articles", 20, seed=7)
    revisions = Revision.objects.order_by("article_id")
    assert [r.reason for r in revisions] == ["import"] * 20
    for revision, entry in zip(revisions, LiveEntry.objects.order_by("pk"), strict=True):
        assert (revision.article_id, revision.pk) == (entry.pk, entry.revision_id)
        assert revision.content == entry.source
        assert revision.content["translations"].keys() == {"en", "nl"}
