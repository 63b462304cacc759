"""The history reads well: each version's changes full width, long texts with the words that
changed marked, ratings labelled before and after mitigation; and the demo's oldest version
restores to the whole entry."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from articles.services import article_update
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = " ".join(f"Sentence {n} of a long body about the model's evaluation." for n in range(30))


def history(client, article, **query):
    url = reverse("admin:articles_article_history", args=[article.pk])
    return client.get(url, query).content.decode()


def test_a_long_text_shows_the_words_that_changed_in_one_full_width_row(client):
    article = ArticleFactory(draft=True, languages=["en"])
    writer = UserFactory(role="Writer")
    article_update(article=article, user=writer, translations={"en": {"body": BODY}})
    changed = BODY.replace("Sentence 17 of a long", "Sentence 17 of a short")
    article_update(article=article, user=writer, translations={"en": {"body": changed}})
    client.force_login(writer)

    html = history(client, article)
    newest = html.split('class="version-changes"')[1].split("</table>")[0]
    assert '<td colspan="4">' in html.split('class="version-changes"')[1][:40]
    assert '<td colspan="2" class="words">' in newest
    assert "<del>long</del><ins>short</ins>" in newest
    # The unchanged words are there once, not twice side by side.
    assert newest.count("Sentence 29 of a long body") == 1

    compared = history(client, article, **{"from": 2, "to": 3})
    assert "<del>long</del><ins>short</ins>" in compared
    assert ">Version 2</th>" in compared and ">Version 3</th>" in compared


def test_short_values_stay_side_by_side(client):
    article = ArticleFactory(draft=True, languages=["en"])
    writer = UserFactory(role="Writer")
    article_update(article=article, user=writer, translations={"en": {"title": "Old title"}})
    article_update(article=article, user=writer, translations={"en": {"title": "New title"}})
    client.force_login(writer)
    html = history(client, article)
    assert "<td><del>Old title</del></td><td><ins>New title</ins></td>" in html


def test_restoring_the_demo_entrys_oldest_version_keeps_its_scorecard(client):
    call_command("load_demo")
    seed = Article.objects.get(slug="openai-o3-mini-system-card")
    ratings = sorted(seed.scorecard_ratings.values_list("category__name", "pre_mitigation__name"))
    assert ratings
    publisher = UserFactory(role="Publisher")
    article_update(article=seed, user=publisher, scorecard=None)
    assert not seed.scorecard_ratings.exists()
    client.force_login(publisher)
    html = history(client, seed)
    assert re.search(r"Version 1<br>.*?<small>Imported", html, re.DOTALL)
    url = reverse("admin:articles_article_restore", args=[seed.pk, 1])
    assert client.post(url).status_code == 302
    seed = Article.objects.get(pk=seed.pk)
    assert seed.revisions.order_by("-number").first().reason == "restore"
    assert seed.scorecard.framework.slug
    assert (
        sorted(seed.scorecard_ratings.values_list("category__name", "pre_mitigation__name"))
        == ratings
    )
    assert seed.scorecard.risk_areas.exists()
