"""The edges an editor meets every day on the desk: where *View site* goes, what the home page
lists, who may delete the main text, which buttons a publisher sees, how a note is amended,
which levels a rating offers and where the slug comes from."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from articles.models import Article, Note
from articles.services import article_publish_changes, article_update
from tests.factories import (
    ArticleFactory,
    NoteFactory,
    UserFactory,
    admin_form_data,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def login(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


def test_view_site_opens_the_reader_site(client):
    login(client, "Writer")
    html = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("reader:list")}">View site</a>' in html


def test_the_desk_home_does_not_list_the_background_tasks(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Task Results" not in html and "Tasks Database Backend" not in html
    with pytest.raises(NoReverseMatch):
        reverse("admin:django_tasks_db_dbtaskresult_changelist")
    assert "Subscriptions" in html  # the webhooks themselves stay


def test_a_translator_has_no_delete_on_the_main_text_and_cannot_post_one(client):
    login(client, "Translator")
    article = ArticleFactory(draft=True, languages=["en", "nl"])
    page = client.get(change_url(article))
    form = page.context["inline_admin_formsets"][0].formset
    by_language = {f.instance.language: f for f in form.forms if f.instance.pk}
    english, dutch = by_language["en"], by_language["nl"]
    html = page.content.decode()
    assert f'type="checkbox" name="{dutch.add_prefix("DELETE")}"' in html
    assert f'type="checkbox" name="{english.add_prefix("DELETE")}"' not in html

    data = admin_form_data(page) | {english.add_prefix("DELETE"): "on"}
    assert client.post(change_url(article), data).status_code == 302
    assert article.translations.filter(language="en").exists()

    # Deleting the Dutch text is a translator's own work.
    data = admin_form_data(client.get(change_url(article))) | {dutch.add_prefix("DELETE"): "on"}
    assert client.post(change_url(article), data).status_code == 302
    assert list(article.translations.values_list("language", flat=True)) == ["en"]


def test_the_services_refuse_a_translator_removing_the_main_text():
    article = ArticleFactory(draft=True, languages=["en", "nl"])
    translator = UserFactory(role="Translator")
    with pytest.raises(PermissionDenied):
        article_update(article=article, user=translator, translations={"en": None})
    assert article.translations.filter(language="en").exists()


def test_a_publisher_publishes_changes_and_is_not_offered_to_submit_them(client):
    article = ArticleFactory(languages=["en"])
    writer = UserFactory(role="Writer")
    article_update(article=article, user=writer, fields={"source_authors": "Desk"})

    login(client, "Publisher")
    html = client.get(change_url(article)).content.decode()
    assert ">Publish changes</button>" in html
    assert ">Submit changes for review</button>" not in html

    client.force_login(writer)
    html = client.get(change_url(article)).content.decode()
    assert ">Submit changes for review</button>" in html
    assert ">Publish changes</button>" not in html


def test_amends_offers_the_entrys_live_notes_by_their_text(client):
    login(client, "Writer")
    article = ArticleFactory(languages=["en"])
    publisher = UserFactory(role="Publisher")
    earlier = NoteFactory(article=article, text={"en": "The model was released in March."})
    article_publish_changes(article=article, user=publisher)
    elsewhere = NoteFactory(article=ArticleFactory(languages=["en"]), text={"en": "Other entry."})
    article_publish_changes(article=elsewhere.article, user=publisher)
    earlier.refresh_from_db()
    assert earlier.is_live

    add = reverse("admin:articles_note_add")
    html = client.get(add, {"article": article.pk}).content.decode()
    assert re.search(r"<select[^>]*name=\"amends\"", html)
    assert "The model was released in March." in html
    assert "Other entry." not in html

    data = {"article": article.pk, "kind": "correction", "text_en": "It was April."}
    refused = client.post(add, data | {"amends": elsewhere.pk})
    assert refused.status_code == 200
    assert "amends" in refused.context["adminform"].form.errors
    assert not Note.objects.filter(text__en="It was April.").exists()

    assert client.post(add, data | {"amends": earlier.pk}).status_code == 302
    assert Note.objects.get(text__en="It was April.").amends == earlier


def test_rating_dropdowns_say_each_levels_framework(client):
    login(client, "Writer")
    preparedness = make_framework()
    other = make_framework(
        name="Other scale",
        scale=["Green", "Red"],
        deploy_at_or_below="Green",
        develop_at_or_below="Red",
        categories=["Misuse"],
    )
    article = ArticleFactory(draft=True, languages=["en"])
    make_scorecard(article=article, framework=preparedness, ratings={})
    html = client.get(change_url(article)).content.decode()
    options = re.findall(r'<option value="\d+" data-framework="(\d+)"', html)
    # The saved scorecard's framework only; on a new entry the page filters by the framework
    # chosen in the form.
    assert options and set(options) == {str(preparedness.pk)}
    add = client.get(reverse("admin:articles_article_add")).content.decode()
    offered = set(re.findall(r'<option value="\d+" data-framework="(\d+)"', add))
    assert offered == {str(preparedness.pk), str(other.pk)}


def form_config(response) -> dict:
    found = re.search(r'<script id="entry-form-config"[^>]*>(.*?)</script>', response)
    return json.loads(found.group(1))


def test_the_slug_follows_the_title_only_before_the_entry_is_published(client):
    login(client, "Publisher")
    add = client.get(reverse("admin:articles_article_add")).content.decode()
    assert form_config(add) == {"defaultLanguage": "en", "slugFollowsTitle": True}
    assert "admin/js/urlify.js" in add and "articles/entry_form.js" in add
    draft = client.get(change_url(ArticleFactory(draft=True))).content.decode()
    assert form_config(draft)["slugFollowsTitle"] is True
    live = client.get(change_url(ArticleFactory(status=Article.Status.PUBLISHED)))
    assert form_config(live.content.decode())["slugFollowsTitle"] is False
