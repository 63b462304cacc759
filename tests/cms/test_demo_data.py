import json

import pytest
from django.core.management import call_command

from articles import selectors
from articles.models import (
    Article,
    ArticleTranslation,
    Release,
    ScorecardRating,
    SignalBullet,
    Vendor,
)
from feedback.models import Feedback

pytestmark = pytest.mark.django_db

SEED_SLUG = "openai-o3-mini-system-card"
HIDDEN = {
    "anthropic-draft-upcoming-model": "draft",
    "google-scheduled-announcement": "published",  # scheduled: published, with a future time
    "google-archived-preview": "archived",
}
ENGLISH_ONLY = "gemini-research-on-long-context"


def _counts():
    return [
        model.objects.count()
        for model in (
            Vendor,
            Article,
            ArticleTranslation,
            SignalBullet,
            ScorecardRating,
            Feedback,
            Release,
        )
    ]


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", stdout=None)
    first = _counts()
    seed_updated = Article.objects.get(slug=SEED_SLUG).updated_at
    call_command("load_demo")
    assert _counts() == first
    assert Article.objects.get(slug=SEED_SLUG).updated_at == seed_updated


def test_the_demo_entries_first_revision_is_the_whole_entry_as_imported(client):
    """No "Created" version that restores to a half entry: the scorecard is in it."""
    call_command("load_demo")
    seed = Article.objects.get(slug=SEED_SLUG)
    first = seed.revisions.order_by("number").first()
    assert (first.reason, first.number) == ("import", 1)
    assert first.content["scorecard"]["ratings"]
    assert first.content["translations"].keys() == {"en", "nl"}
    reasons = list(seed.revisions.order_by("number").values_list("reason", flat=True))
    assert reasons[1:] == ["note"] * (len(reasons) - 3) + ["workflow", "publish"]


def test_the_seed_entry_is_complete_in_english_and_dutch():
    call_command("load_demo")
    seed = Article.objects.with_page_data().get(slug=SEED_SLUG)
    assert seed.vendor.slug == "openai" and seed.authors == ["OpenAI"]
    assert seed.translation("en").translation.audience == (
        "Relevant if you build with AI tools, APIs, or coding agents."
    )
    assert seed.translation("nl").translation.audience == (
        "Relevant als je bouwt met AI-tools, API's of coding agents."
    )
    assert seed.signals("nl")[0].text == (
        "Bekijk dit als OpenAI-update, niet alleen als losse headline."
    )
    summary = seed.scorecard.summary
    assert summary.overall.name == "Medium" and summary.may_deploy and summary.may_develop
    ratings = {r.category.name: r.pre_mitigation.name for r in seed.scorecard_ratings.all()}
    assert ratings == {
        "CBRN": "Medium",
        "Cybersecurity": "Low",
        "Persuasion": "Medium",
        "Model Autonomy": "Medium",
    }
    assert sorted(a.name for a in seed.scorecard.risk_areas.all()) == [
        "Disallowed content",
        "Hallucinations",
        "Jailbreaks",
    ]
    cards = selectors.more_from_vendor(slug=seed.slug, language="en", limit=4)
    more = [json.loads(card)["title"] for card in cards]
    assert more == [
        "OpenAI available at FedRAMP Moderate",
        "Choco automates food distribution with AI agents",
        "An open-source spec for Codex orchestration: Symphony.",
        "The next phase of the Microsoft OpenAI partnership",
    ]


def test_the_demo_has_hidden_entries_that_no_public_surface_shows(client):
    call_command("load_demo")
    assert {a.slug: a.status for a in Article.objects.filter(slug__in=HIDDEN)} == HIDDEN
    listed = [entry["slug"] for entry in client.get("/api/v1/articles/").json()["results"]]
    assert len(listed) == 12 - len(HIDDEN)
    for slug in HIDDEN:
        assert slug not in listed
        assert client.get(f"/api/v1/articles/{slug}/").status_code == 404
    feed = client.get("/feeds/en.atom").content.decode()
    assert "Research on long-context reasoning" in feed
    assert not any(slug in feed for slug in HIDDEN)


def test_every_demo_entry_but_one_is_complete_in_dutch():
    call_command("load_demo")
    for article in Article.objects.with_page_data():
        for language in ["en", "nl"] if article.slug != ENGLISH_ONLY else ["en"]:
            resolved = article.translation(language)
            assert not resolved.fell_back, (article.slug, language)
            texts = resolved.translation
            assert texts.title and texts.summary and texts.audience and texts.body, article.slug
            assert article.signals(language)[0].language == language, article.slug
    assert not ArticleTranslation.objects.filter(article__slug=ENGLISH_ONLY, language="nl").exists()


def test_the_english_only_entry_shows_the_fallback_to_english(client):
    call_command("load_demo")
    body = client.get(f"/api/v1/articles/{ENGLISH_ONLY}/", {"lang": "nl"}).json()
    assert (body["language"], body["requested_language"], body["fallback"]) == ("en", "nl", True)
    assert body["title"] == "Research on long-context reasoning"
    assert (
        body["signals"][0] == "The advertised context window is a limit, not a promise of quality."
    )
    dutch = client.get("/api/v1/articles/gemini-api-batch-mode/", {"lang": "nl"}).json()
    assert (dutch["language"], dutch["fallback"]) == ("nl", False)
    assert dutch["title"] == "Batchmodus in de Gemini API"


def test_the_demo_editor_is_created_only_with_debug_on(settings, django_user_model):
    settings.DEBUG = False
    call_command("load_demo")
    assert not django_user_model.objects.exists()
    settings.DEBUG = True
    call_command("load_demo")
    assert django_user_model.objects.get(username="editor").is_staff


def test_the_demo_shows_a_live_clarification_in_both_languages(client):
    call_command("load_demo")
    slug = "openai-available-at-fedramp-moderate"
    starts = {"en": "FedRAMP Moderate authorises", "nl": "FedRAMP Moderate geeft"}
    for language, start in starts.items():
        [note] = client.get(f"/api/v1/articles/{slug}/", {"lang": language}).json()["notes"]
        assert note["kind"] == "clarification" and note["text"].startswith(start)
        assert (note["language"], note["fallback"]) == (language, False)
    feed = client.get("/feeds/corrections/en.json").json()
    assert [item["_entry"]["slug"] for item in feed["items"]] == [slug]


def test_the_demo_has_a_release_waiting_for_review_that_leaks_nothing(client):
    call_command("load_demo")
    release = Release.objects.get()
    assert [(item.article.slug, item.action) for item in release.items.all()] == [
        ("anthropic-draft-upcoming-model", "publish")
    ]
    assert release.is_open and release.items.get().reviewed_at is None
    assert client.get("/api/v1/articles/anthropic-draft-upcoming-model/").status_code == 404
