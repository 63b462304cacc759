"""The entry image's caption on the entry's page: a text box per language, kept as
language -> caption; a translator changes the captions of the languages other than the
default one, as with the translations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.models import Article
from articles.services import article_update
from tests.factories import ArticleFactory, UserFactory, admin_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_writer_gives_the_caption_in_each_language(client, library_image):
    client.force_login(UserFactory(role="Writer"))
    article = ArticleFactory(draft=True, image=library_image(), image_caption={"en": "Drawn."})
    page = client.get(change_url(article))
    html = page.content.decode()
    assert 'name="image_caption_0"' in html and 'name="image_caption_1"' in html
    assert "English (en)" in html and "Nederlands (nl)" in html
    assert 'value="Drawn."' in html

    data = admin_form_data(page) | {
        "image_caption_0": " Drawn for the desk. ",
        "image_caption_1": "Getekend voor de redactie.",
    }
    assert client.post(change_url(article), data).status_code == 302
    article = Article.objects.get(pk=article.pk)
    captions = {"en": "Drawn for the desk.", "nl": "Getekend voor de redactie."}
    assert article.image_caption == captions
    assert article.revisions.first().content["image_caption"] == captions

    data = admin_form_data(client.get(change_url(article))) | {"image_caption_1": ""}
    assert client.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).image_caption == {"en": "Drawn for the desk."}


def test_a_translator_changes_the_dutch_caption_but_not_the_english(client, library_image):
    client.force_login(UserFactory(role="Translator"))
    article = ArticleFactory(image=library_image(), image_caption={"en": "Drawn."})
    page = client.get(change_url(article))
    html = page.content.decode()
    assert 'name="image_caption_1"' in html and 'name="slug"' not in html
    english = html[html.index('name="image_caption_0"') :].split(">", 1)[0]
    assert "disabled" in english

    data = admin_form_data(page) | {
        "image_caption_0": "Rewritten by a translator.",
        "image_caption_1": "Getekend.",
    }
    assert client.post(change_url(article), data).status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.image_caption == {"en": "Drawn.", "nl": "Getekend."}
    assert article.is_public  # translating a live entry's caption does not unpublish it


def test_the_services_refuse_a_translator_the_default_language_caption(library_image):
    translator = UserFactory(role="Translator")
    article = ArticleFactory(image=library_image(), image_caption={"en": "Drawn."})
    with pytest.raises(PermissionDenied):
        article_update(
            article=article, user=translator, fields={"image_caption": {"en": "Redrawn."}}
        )
    article_update(
        article=article,
        user=translator,
        fields={"image_caption": {"en": "Drawn.", "nl": "Getekend."}},
    )
    assert Article.objects.get(pk=article.pk).image_caption == {"en": "Drawn.", "nl": "Getekend."}
