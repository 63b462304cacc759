"""Every admin page an editor can open renders, and the article editor works as a desk expects."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_submit_changes, article_update
from tests.factories import (
    ArticleFactory,
    FeedbackFactory,
    SignalBulletFactory,
    TopicFactory,
    VendorTranslationFactory,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = ArticleFactory(languages=["en", "nl"])
    article.topics.add(TopicFactory())
    SignalBulletFactory(article=article)
    make_scorecard(
        article=article,
        framework=make_framework(),
        ratings={"CBRN": ("Medium", "Medium")},
        risk_areas=["Jailbreaks"],
    )
    VendorTranslationFactory(vendor=article.vendor)
    FeedbackFactory(article=article)
    return article


def test_every_changelist_add_and_change_page_renders_for_staff(
    admin_client, admin_user, rf, article
):
    request = rf.get("/")
    request.user = admin_user
    changed = set()
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200, prefix
        if model_admin.has_add_permission(request):
            assert admin_client.get(reverse(f"{prefix}_add")).status_code == 200, prefix
        obj = model.objects.first()
        if obj is not None:
            response = admin_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
            assert response.status_code == 200, prefix
            changed.add(model._meta.label)
    assert changed >= {
        "articles.Article",
        "articles.Vendor",
        "articles.Topic",
        "articles.RiskArea",
        "articles.RiskFramework",
    }


def test_article_editor_shows_both_languages_side_by_side_with_a_rendered_preview(
    admin_client, article
):
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert 'class="side-by-side"' in html
    assert html.count('name="translations-0-title"') == 1
    assert 'name="translations-1-title"' in html
    assert "<h2>" in html.split('class="rendered-body"')[1][:200]  # the Markdown heading


def test_a_new_article_offers_one_translation_form_per_language(admin_client):
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="translations-0-language"' in html and 'name="translations-1-language"' in html
    assert '<option value="nl" selected>' in html


def test_changelist_shows_missing_translations_and_filters_on_them(admin_client):
    ArticleFactory(slug="english-only", languages=["en"])
    ArticleFactory(slug="both", languages=["en", "nl"])
    url = reverse("admin:articles_article_changelist")
    assert "english-only" in admin_client.get(url, {"missing": "nl"}).content.decode()
    assert "both title" not in admin_client.get(url, {"missing": "nl"}).content.decode()


def test_publish_action_reports_what_is_missing(admin_client):
    ready = ArticleFactory(in_review=True)
    incomplete = ArticleFactory(in_review=True, source_url="", languages=["nl"])
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, incomplete.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "Publishing needs a source URL." in text
    assert "Publishing needs the &#x27;en&#x27; translation." in text
    assert Article.objects.public().get() == ready


def test_the_desk_home_page_lists_what_needs_attention_with_links(admin_client):
    ArticleFactory(in_review=True, slug="waiting-for-review")
    live = ArticleFactory(slug="live-entry")
    article_update(article=live, user=None, translations={"en": {"title": "Better wording"}})
    article_submit_changes(article=live, user=None)
    ArticleFactory(scheduled=True, slug="coming-soon")
    ArticleFactory(slug="due-entry", revisit_after=timezone.localdate() - timedelta(days=1))
    FeedbackFactory(correction=True, message="The CBRN rating is wrong.")
    FeedbackFactory(correction=True, message="Already handled.", status="reviewed")

    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "AI news desk" in html and "Django administration" not in html
    queues = html.split('id="desk-queues"')[1].split("</div>")[0]
    for expected in (
        "In review (1)",
        "waiting-for-review title (en)",
        "Changes submitted for review (1)",
        "Better wording",
        "Scheduled next (1)",
        "coming-soon title (en)",
        "Due for revisit (1)",
        "New corrections from readers (1)",
        "The CBRN rating is wrong.",
        "?state=changes_submitted",
        "?kind__exact=correction&amp;status__exact=new",
    ):
        assert expected in queues, expected
    assert "Already handled." not in queues


def test_the_publish_button_names_the_publication_time_field_below_it(admin_client):
    article = ArticleFactory(in_review=True)
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    text = html.content.decode()
    assert "the <em>Published at</em> time in the form below" in text
    assert "set above" not in text
