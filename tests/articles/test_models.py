from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Vendor
from articles.services import article_update
from tests.factories import (
    ArticleFactory,
    ArticleTranslationFactory,
    VendorFactory,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db


def test_a_second_translation_in_the_same_language_is_rejected_by_the_database():
    article = ArticleFactory(languages=["en"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleTranslationFactory(article=article, language="en")
    ArticleTranslationFactory(article=article, language="nl")
    assert article.available_languages == ["en", "nl"]


def test_a_published_entry_without_a_publication_time_is_rejected_by_the_database():
    article = ArticleFactory(draft=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_public_excludes_draft_in_review_scheduled_and_archived():
    public = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(in_review=True)
    ArticleFactory(scheduled=True)
    ArticleFactory(archived=True)
    assert list(Article.objects.public()) == [public]


def test_a_scheduled_entry_becomes_public_at_its_time_without_any_write():
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert not Article.objects.public().exists()
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert list(Article.objects.public()) == [article]


def test_vendor_counts_only_public_entries():
    vendor = VendorFactory()
    ArticleFactory.create_batch(2, vendor=vendor)
    ArticleFactory(vendor=vendor, draft=True)
    ArticleFactory(vendor=vendor, scheduled=True)
    assert Vendor.objects.with_public_counts().get(pk=vendor.pk).public_article_count == 2


def test_editing_a_translation_or_signal_marks_the_article_updated():
    article = ArticleFactory()
    before = Article.objects.get(pk=article.pk)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        article_update(article=article, user=None, signals={"en": ["Worth a look"]})
    after = Article.objects.get(pk=article.pk)
    assert after.updated_at > before.updated_at and after.version == before.version + 1
    assert [s.text for s in after.signals("en")] == ["Worth a look"]


def test_an_update_that_changes_nothing_writes_nothing():
    article = ArticleFactory(languages=["en"])
    texts = article.translations.values("title", "summary", "audience", "body").get()
    before = Article.objects.get(pk=article.pk)
    edit = article_update(
        article=article,
        user=None,
        fields={"source_authors": " Research Team "},
        translations={"en": {name: f"{value}\r\n" for name, value in texts.items()}},
    )
    assert not edit and edit.changes == []
    after = Article.objects.get(pk=article.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert article.revisions.count() == 1


def test_body_is_stored_as_sanitised_html():
    article = ArticleFactory(languages=[])
    body = "**Bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)"
    article_update(article=article, user=None, translations={"en": {"title": "T", "body": body}})
    translation = article.translations.get()
    assert "<strong>Bold</strong>" in translation.body_html
    assert "<script" not in translation.body_html
    assert "javascript:" not in translation.body_html
    assert 'href="https://a.example"' in translation.body_html


def test_text_from_forms_is_stored_with_unix_line_endings_and_no_trailing_blanks():
    article = ArticleFactory(languages=[])
    article_update(
        article=article,
        user=None,
        translations={"en": {"title": "  Title \r\n", "body": "One  \r\n   \r\nTwo\r\n\r\n"}},
    )
    translation = article.translations.get()
    assert (translation.title, translation.body) == ("Title", "One  \n\nTwo")


def _summary(article):
    return Article.objects.with_page_data().get(pk=article.pk).scorecard.summary


def test_seed_scorecard_is_medium_overall_and_may_be_deployed_and_developed():
    article = ArticleFactory(kind=Article.Kind.SYSTEM_CARD)
    make_scorecard(
        article=article,
        framework=make_framework(),
        ratings={
            "CBRN": ("Medium", "Medium"),
            "Cybersecurity": ("Low", "Low"),
            "Persuasion": ("Medium", "Medium"),
            "Model Autonomy": ("Medium", "Medium"),
        },
    )
    summary = _summary(article)
    assert summary.overall.name == "Medium"
    assert summary.overall_pre_mitigation.name == "Medium"
    assert (summary.may_deploy, summary.may_develop) == (True, True)


def test_high_after_mitigation_may_be_developed_but_not_deployed():
    article = ArticleFactory()
    make_scorecard(
        article=article,
        framework=make_framework(),
        ratings={"CBRN": ("Critical", "High"), "Cybersecurity": ("Low", None)},
    )
    summary = _summary(article)
    assert (summary.overall_pre_mitigation.name, summary.overall.name) == ("Critical", "High")
    assert (summary.may_deploy, summary.may_develop) == (False, True)


def test_another_vendors_framework_with_its_own_scale_and_thresholds_needs_no_code():
    framework = make_framework(
        scale=("ASL-1", "ASL-2", "ASL-3", "ASL-4"),
        deploy_at_or_below="ASL-2",
        develop_at_or_below="ASL-3",
        categories=("CBRN", "Autonomy"),
    )
    article = ArticleFactory()
    make_scorecard(
        article=article,
        framework=framework,
        ratings={"CBRN": ("ASL-3", "ASL-3"), "Autonomy": ("ASL-2", "ASL-2")},
    )
    summary = _summary(article)
    assert summary.overall.name == "ASL-3"
    assert (summary.may_deploy, summary.may_develop) == (False, True)


def test_an_unmitigated_category_counts_at_its_pre_mitigation_level():
    article = ArticleFactory()
    make_scorecard(
        article=article,
        framework=make_framework(),
        ratings={"CBRN": ("High", None), "Cybersecurity": ("Low", "Low")},
    )
    assert _summary(article).overall.name == "High"
    assert not _summary(article).may_deploy


def test_an_entry_in_memory_is_public_exactly_when_the_public_queryset_has_it():
    entries = [
        ArticleFactory(),
        ArticleFactory(draft=True),
        ArticleFactory(in_review=True),
        ArticleFactory(scheduled=True),
        ArticleFactory(archived=True),
    ]
    public = set(Article.objects.public().values_list("pk", flat=True))
    assert {a.pk for a in entries if a.is_public} == public
    assert [a.is_scheduled for a in entries] == [False, False, False, True, False]
