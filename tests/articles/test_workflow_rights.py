"""Who may take which step: a writer or translator is refused, by the services themselves and
by the admin's URLs (403), every step their role does not hold, and the live version stays as a
publisher made it. Deleting an entry the public sees (or will see at its scheduled time) takes
the publish right, like unpublishing it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from articles.admin.entries import ArticleAdmin
from articles.admin.panel import CHANGE_STEPS, TRANSITION_SERVICES
from articles.models import Article, LiveEntry, PublicationLog, PublishEvent
from articles.services import article_delete, article_submit_changes, article_update
from articles.workflow import TRANSITIONS, Action
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

ENTRY_IN = {
    "draft": {"draft": True},
    "in review": {"in_review": True},
    "live": {},
    "scheduled": {"scheduled": True},
    "archived": {"archived": True},
}
STATE_OF = {
    Article.Status.DRAFT: "draft",
    Article.Status.IN_REVIEW: "in review",
    Article.Status.PUBLISHED: "live",
    Article.Status.ARCHIVED: "archived",
}
# What each role may delete; every other state is refused.
MAY_DELETE = {"Writer": {"draft", "in review"}, "Translator": set(), "Publisher": set(ENTRY_IN)}
NO_ROLE = "staff without a role"
# The steps each role may take. Every other step of the workflow is refused, a step added to
# ``Action`` later included, until it is granted here.
MAY_TAKE = {
    "Writer": {Action.SUBMIT_FOR_REVIEW, Action.SUBMIT_CHANGES, Action.DISCARD_CHANGES},
    "Translator": {Action.SUBMIT_CHANGES},
    "Publisher": set(Action),
    NO_ROLE: set(),
}
REFUSED_STEPS = [
    (role, action) for role, steps in MAY_TAKE.items() for action in Action if action not in steps
]
SERVICES = TRANSITION_SERVICES | {action: step.service for action, step in CHANGE_STEPS.items()}


def entry_ready_for(action: Action) -> Article:
    """An entry in the state ``action`` starts from, so only the role can stop the step: the
    transition's source state, or a live entry with changes submitted for review."""
    if action in TRANSITIONS:
        return ArticleFactory(**ENTRY_IN[STATE_OF[TRANSITIONS[action].source]])
    article = ArticleFactory()
    article_update(article=article, user=None, translations={"en": {"title": "A better title"}})
    return article_submit_changes(article=article, user=None)


def account(role: str):
    return UserFactory(role=None if role == NO_ROLE else role)


def public_page(slug: str):
    return APIClient().get(f"/api/v1/articles/{slug}/")


def change_page(client, article) -> str:
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200
    return page.content.decode()


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
    assert 'class="deletelink"' not in change_page(client, article)

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
    assert 'class="deletelink"' in change_page(client, from_page)
    assert client.post(delete_url(from_page), {"post": "yes"}).status_code == 302
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [in_review.pk, bulk.pk], "post": "yes"},
        follow=True,
    )
    assert "Successfully deleted 2 articles." in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("role", list(MAY_TAKE))
@pytest.mark.parametrize("action", list(Action))
def test_the_services_let_each_role_take_only_its_own_steps(role, action):
    article = entry_ready_for(action)
    before = live_state(article)
    user = account(role)
    if action in MAY_TAKE[role]:
        SERVICES[action](article=article, user=user)
        assert PublishEvent.objects.filter(article=article, action=action, user=user).exists()
        return
    with pytest.raises(PermissionDenied, match="You may not"):
        SERVICES[action](article=article, user=user)
    assert live_state(article) == before
    assert not PublishEvent.objects.filter(user=user).exists()


@pytest.mark.parametrize(("role", "action"), REFUSED_STEPS)
def test_the_admin_answers_403_to_a_step_the_role_may_not_take(client, role, action):
    article = entry_ready_for(action)
    before = live_state(article)
    client.force_login(account(role))
    url = reverse("admin:articles_article_workflow", args=[article.pk, action.value])
    refused = client.post(url)
    assert refused.status_code == 403
    assert "You may not do this" in refused.content.decode()
    if action.value in ArticleAdmin.actions:
        chosen = {"action": action.value, "_selected_action": [article.pk]}
        assert client.post(reverse("admin:articles_article_changelist"), chosen).status_code == 403
    assert live_state(article) == before
