"""Who may take which step: a writer or translator is refused, by the services themselves and
by the admin's URLs (403), every step their role does not hold, and the live version stays as a
publisher made it. Deleting an entry the public sees (or will see at its scheduled time) takes
the publish right, like unpublishing it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Article, LiveEntry, PublicationLog
from articles.services import article_delete
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

ENTRY_IN = {
    "draft": {"draft": True},
    "in review": {"in_review": True},
    "live": {},
    "scheduled": {"scheduled": True},
    "archived": {"archived": True},
}
# What each role may delete; every other state is refused.
MAY_DELETE = {"Writer": {"draft", "in review"}, "Translator": set()}


def public_page(slug: str):
    return APIClient().get(f"/api/v1/articles/{slug}/")


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


def live_state(article) -> tuple:
    """The entry's row and live version as they are in the database (None: deleted)."""
    row = Article.objects.filter(pk=article.pk).values("status", "version").first()
    return row, LiveEntry.objects.filter(pk=article.pk).values().first()


@pytest.mark.parametrize("role", list(MAY_DELETE))
@pytest.mark.parametrize("state", list(ENTRY_IN))
def test_the_delete_service_refuses_what_the_role_may_not_delete(role, state):
    article = ArticleFactory(**ENTRY_IN[state])
    before = live_state(article)
    if state in MAY_DELETE[role]:
        article_delete(article=article, user=UserFactory(role=role))
        assert not Article.objects.filter(pk=article.pk).exists()
        return
    with pytest.raises(PermissionDenied, match="You may not delete"):
        article_delete(article=article, user=UserFactory(role=role))
    assert live_state(article) == before


@pytest.mark.parametrize("state", ["live", "scheduled"])
def test_a_writer_may_not_delete_an_entry_the_public_sees_or_will_see(client, state):
    article = ArticleFactory(**ENTRY_IN[state])
    log_before = PublicationLog.objects.count()
    client.force_login(UserFactory(role="Writer"))
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200 and 'class="deletelink"' not in page.content.decode()

    assert client.post(delete_url(article), {"post": "yes"}).status_code == 403
    assert LiveEntry.objects.filter(pk=article.pk).exists()
    assert PublicationLog.objects.count() == log_before
    if state == "live":
        assert public_page(article.slug).json()["slug"] == article.slug


def test_a_writer_may_not_delete_a_live_entry_with_the_bulk_action(client):
    live, draft = ArticleFactory(), ArticleFactory(draft=True)
    client.force_login(UserFactory(role="Writer"))
    chosen = {"action": "delete_selected", "_selected_action": [live.pk, draft.pk]}
    url = reverse("admin:articles_article_changelist")
    confirmation = client.post(url, chosen)
    assert "Cannot delete articles" in confirmation.content.decode()

    assert client.post(url, chosen | {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk__in=[live.pk, draft.pk]).count() == 2
    assert public_page(live.slug).json()["slug"] == live.slug


def test_a_writer_deletes_a_draft_from_its_page_and_with_the_bulk_action(client):
    from_page, in_review = ArticleFactory(draft=True), ArticleFactory(in_review=True)
    bulk = ArticleFactory(draft=True)
    client.force_login(UserFactory(role="Writer"))
    assert (
        'class="deletelink"'
        in client.get(
            reverse("admin:articles_article_change", args=[from_page.pk])
        ).content.decode()
    )
    assert client.post(delete_url(from_page), {"post": "yes"}).status_code == 302
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [in_review.pk, bulk.pk], "post": "yes"},
        follow=True,
    )
    assert "Successfully deleted 2 articles." in response.content.decode()
    assert not Article.objects.exists()
