import pytest
from django.core.management import call_command

from articles.models import Article, ArticleTranslation, ScorecardRating, SignalBullet, Vendor
from feedback.models import Feedback

pytestmark = pytest.mark.django_db

SEED_SLUG = "openai-o3-mini-system-card"


def _counts():
    return [
        model.objects.count()
        for model in (Vendor, Article, ArticleTranslation, SignalBullet, ScorecardRating, Feedback)
    ]


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", stdout=None)
    first = _counts()
    seed_updated = Article.objects.get(slug=SEED_SLUG).updated_at
    call_command("load_demo")
    assert _counts() == first
    assert Article.objects.get(slug=SEED_SLUG).updated_at == seed_updated


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
    more = [
        a.translation("en").translation.title
        for a in Article.objects.more_from_vendor(seed, limit=4)
    ]
    assert more == [
        "OpenAI available at FedRAMP Moderate",
        "Choco automates food distribution with AI agents",
        "An open-source spec for Codex orchestration: Symphony.",
        "The next phase of the Microsoft OpenAI partnership",
    ]


def test_the_demo_has_hidden_entries_that_stay_hidden():
    call_command("load_demo")
    hidden = Article.objects.exclude(pk__in=Article.objects.public())
    assert {a.status for a in hidden} >= {"draft", "archived", "published"}  # published = scheduled
    assert not Article.objects.public().filter(slug__in=[a.slug for a in hidden]).exists()


def test_the_demo_editor_is_created_only_with_debug_on(settings, django_user_model):
    settings.DEBUG = False
    call_command("load_demo")
    assert not django_user_model.objects.exists()
    settings.DEBUG = True
    call_command("load_demo")
    assert django_user_model.objects.get(username="editor").is_staff
