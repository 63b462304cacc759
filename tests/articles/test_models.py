import pytest
from django.db import IntegrityError

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    ArticleTranslationFactory,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db


def test_a_second_translation_in_the_same_language_is_rejected():
    article = ArticleFactory(languages=["en"])
    with pytest.raises(IntegrityError):
        ArticleTranslationFactory(article=article, language="en")


def test_public_excludes_draft_scheduled_and_archived():
    public = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    ArticleFactory(archived=True)
    ArticleFactory(in_review=True)
    assert list(Article.objects.public()) == [public]


def test_seedlike_scorecard_summary():
    framework = make_framework()
    article = ArticleFactory(kind=Article.Kind.SYSTEM_CARD)
    make_scorecard(
        article=article,
        framework=framework,
        ratings={"CBRN": ("Medium", "Medium"), "Cybersecurity": ("Low", None)},
    )
    summary = Article.objects.with_page_data().get(pk=article.pk).scorecard.summary
    assert summary.overall.name == "Medium"
    assert summary.may_deploy and summary.may_develop


def test_search_matches_the_served_language_with_fallback():
    dutch = ArticleFactory(languages=["en", "nl"])
    dutch.translations.filter(language="nl").update(title="Nieuwe redeneermodellen")
    english_only = ArticleFactory(languages=["en"])
    english_only.translations.update(title="Reasoning models")
    assert list(Article.objects.search("redeneer", language="nl")) == [dutch]
    assert list(Article.objects.search("reasoning", language="nl")) == [english_only]
    assert list(Article.objects.search("redeneer", language="en")) == []
