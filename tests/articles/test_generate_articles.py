import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def _snapshot():
    return [
        (a.slug, a.vendor.slug, a.kind, a.published_at, a.translation("nl").translation.title)
        for a in Article.objects.with_page_data().order_by("slug")
    ]


def test_generates_public_translated_entries_with_signals_and_some_scorecards():
    call_command("generate_articles", 40, seed=7)
    articles = Article.objects.public().with_page_data()
    assert articles.count() == 40
    for article in articles:
        assert article.available_languages == ["en", "nl"]
        assert len(article.signals("nl")) == 3
        assert article.translation("nl").translation.body_html.startswith("<h2>")
    assert 0 < Article.objects.with_scorecard().count() < 40


def test_same_seed_gives_the_same_entries_and_running_again_adds_nothing():
    call_command("generate_articles", 15, seed=3)
    first = _snapshot()
    call_command("generate_articles", 15, seed=3)
    assert _snapshot() == first
    Article.objects.all().delete()
    call_command("generate_articles", 15, seed=3)
    assert _snapshot() == first
