"""The live preview: the entry's unsaved form answered in the reader's preview shape, in every
language, with nothing saved; refused clearly for bad input, other roles and too many calls."""

import pytest
from django.urls import reverse

from articles.models import Article, Revision
from tests.factories import ArticleFactory, UserFactory, admin_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def live_url(article):
    return reverse("article-live-preview", args=[article.pk])


def form_with(client, article, language, **texts):
    """The entry's page as the browser would post it, with ``texts`` typed into the
    translation in ``language``."""
    page = client.get(change_url(article))
    formset = page.context["inline_admin_formsets"][0].formset
    row = next(f for f in formset.forms if f.initial.get("language") == language)
    return admin_form_data(page) | {row.add_prefix(name): value for name, value in texts.items()}


def stored(article) -> tuple:
    article.refresh_from_db()
    titles = dict(article.translations.values_list("language", "title"))
    return article.version, article.slug, titles, Revision.objects.filter(article=article).count()


@pytest.mark.parametrize("role", ["Writer", "Translator", "Publisher"])
def test_the_unsaved_dutch_title_is_previewed_in_every_language_and_nothing_is_saved(client, role):
    article = ArticleFactory(languages=["en", "nl"])
    before = stored(article)
    client.force_login(UserFactory(role=role))
    data = form_with(client, article, "nl", title="Een nieuwe titel, nog niet bewaard")
    response = client.post(live_url(article), data)
    assert response.status_code == 200, response.content
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    answers = response.json()["answers"]
    assert response.json()["slug"] == article.slug
    dutch, english = answers["nl"]["article"], answers["en"]["article"]
    assert dutch["translation"]["title"] == "Een nieuwe titel, nog niet bewaard"
    assert dutch["translation"]["language"] == "NL"
    assert english["translation"]["title"] == before[2]["en"]
    assert stored(article) == before


def test_a_draft_is_previewed_with_its_unsaved_slug_and_scorecard_free_shape(client):
    article = ArticleFactory(draft=True, languages=["en"])
    before = stored(article)
    client.force_login(UserFactory(role="Writer"))
    data = form_with(client, article, "en", title="Fresh") | {"slug": "a-fresh-slug"}
    response = client.post(live_url(article), data)
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "a-fresh-slug"
    # No Dutch text: the Dutch answer falls back to English, as a reader's would.
    assert response.json()["answers"]["nl"]["article"]["translation"]["fallback"] is True
    assert stored(article) == before
    assert not Article.objects.filter(slug="a-fresh-slug").exists()


def test_a_form_the_page_would_refuse_is_a_400_with_its_reasons(client):
    article = ArticleFactory(draft=True, languages=["en"])
    before = stored(article)
    client.force_login(UserFactory(role="Writer"))
    data = form_with(client, article, "en", title="x" * 1000) | {"slug": "not a slug!"}
    response = client.post(live_url(article), data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any("Slug" in error for error in errors), errors
    assert stored(article) == before


def test_a_stale_form_is_refused_as_the_save_would_be(client):
    article = ArticleFactory(draft=True, languages=["en"])
    client.force_login(UserFactory(role="Writer"))
    data = form_with(client, article, "en", title="Mine")
    data["expected_revision"] = str(article.version - 1)
    response = client.post(live_url(article), data)
    assert response.status_code == 400
    assert "changed by" in " ".join(response.json()["errors"])


def test_only_the_desk_previews_and_only_by_post(client):
    article = ArticleFactory(languages=["en"])
    client.force_login(UserFactory(role="Writer"))
    assert client.get(live_url(article)).status_code == 405
    client.force_login(UserFactory(is_staff=True))
    response = client.post(live_url(article), {})
    assert response.status_code == 403
    client.logout()
    assert client.post(live_url(article), {}).status_code == 302  # to the login page
    client.force_login(UserFactory(role="Writer"))
    missing = reverse("article-live-preview", args=[article.pk + 1000])
    assert client.post(missing, {}).status_code == 404


def test_too_many_previews_are_refused_with_when_to_try_again(client, settings):
    settings.LIVE_PREVIEW_RATE = "2/minute"
    article = ArticleFactory(languages=["en"])
    client.force_login(UserFactory(role="Writer"))
    data = form_with(client, article, "en", title="Again")
    assert [client.post(live_url(article), data).status_code for _ in range(2)] == [200, 200]
    refused = client.post(live_url(article), data)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json() == {"errors": ["Previewing too often: wait a moment."]}
