"""Who may take which step: a writer or translator is refused, by the services themselves and
by the admin's URLs (403), every step their role does not hold, and the live version stays as a
publisher made it. Deleting an entry the public sees (or will see at its scheduled time) takes
the publish right, like unpublishing it."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import Article, LiveEntry, PublicationLog, PublishEvent
from articles.services import (
    article_delete,
    article_schedule_changes,
    article_submit_changes,
    article_update,
)
from articles.workflow import STEPS, Action, Needs
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
SERVICES = {action: step.function() for action, step in STEPS.items()}
# What a step's form gives its service besides the entry and the user.
TIMED = (Action.SCHEDULE_CHANGES, Action.RESCHEDULE_CHANGES)


def options(action: Action) -> dict:
    return {"at": timezone.now() + timedelta(hours=2)} if action in TIMED else {}


def entry_ready_for(action: Action) -> Article:
    """An entry in the state ``action`` starts from, so only the role can stop the step: the
    transition's source state, or a live entry with changes submitted for review."""
    step = STEPS[action]
    if step.needs is Needs.NOTHING:
        return ArticleFactory(**ENTRY_IN[STATE_OF[step.sources[0]]])
    article = ArticleFactory()
    article_update(article=article, user=None, translations={"en": {"title": "A better title"}})
    if step.needs is Needs.SCHEDULED_CHANGES:
        article_schedule_changes(article=article, user=None, at=timezone.now() + timedelta(hours=1))
        return Article.objects.get(pk=article.pk)
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
        SERVICES[action](article=article, user=user, **options(action))
        assert PublishEvent.objects.filter(article=article, action=action, user=user).exists()
        return
    with pytest.raises(PermissionDenied, match="You may not"):
        SERVICES[action](article=article, user=user, **options(action))
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
    if STEPS[action].bulk:
        chosen = {"action": action.value, "_selected_action": [article.pk]}
        assert client.post(reverse("admin:articles_article_changelist"), chosen).status_code == 403
    assert live_state(article) == before


# Every state the desk tells apart, for the steps it opens.
DESK_STATES = [*ENTRY_IN, "live, changed", "changes submitted", "changes scheduled"]
STEP_BUTTON = re.compile(
    r'/workflow/(\w+)/">.*?<button type="submit" class="button">([^<]+)</button>', re.DOTALL
)
BULK_OPTION = re.compile(r'<option value="(\w+)">([^<]+)</option>')


def entry_in_desk_state(state: str) -> tuple[Article, bool, bool]:
    """An entry in ``state``, whether its working copy differs from its live version, and
    whether changes are scheduled."""
    if state in ENTRY_IN:
        return ArticleFactory(**ENTRY_IN[state]), False, False
    article = ArticleFactory()
    article_update(article=article, user=None, translations={"en": {"title": "A better title"}})
    if state == "changes submitted":
        article_submit_changes(article=article, user=None)
    if state == "changes scheduled":
        article_schedule_changes(article=article, user=None, at=timezone.now() + timedelta(hours=1))
    return Article.objects.get(pk=article.pk), True, state == "changes scheduled"


@pytest.mark.parametrize("role", ["Writer", "Translator", "Publisher"])
@pytest.mark.parametrize("state", DESK_STATES)
def test_the_panel_offers_exactly_the_steps_of_the_table_the_role_may_take_there(
    client, role, state
):
    article, changed, scheduled = entry_in_desk_state(state)
    client.force_login(account(role))
    offered = dict(STEP_BUTTON.findall(change_page(client, article)))
    expected = {
        action.value: STEPS[action].button
        for action in MAY_TAKE[role]
        if STEPS[action].is_open(article, changed=changed, scheduled=scheduled)
    }
    # A step another one offered supersedes is not offered beside it.
    expected = {
        action: button
        for action, button in expected.items()
        if STEPS[Action(action)].superseded_by not in expected
    }
    assert offered == expected
    # The table's states, written out: a step added to it shows here, in its states.
    opened_by_a_publisher = {
        "draft": {"submit_for_review"},
        "in review": {"return_to_draft", "publish"},
        "live": {"unpublish", "archive"},
        "scheduled": {"unpublish", "archive"},
        "archived": {"reopen"},
        "live, changed": {"publish_changes", "discard_changes"}
        | {"schedule_changes", "unpublish", "archive"},
        "changes submitted": {"publish_changes", "discard_changes", "schedule_changes"}
        | {"unpublish", "archive"},
        "changes scheduled": {"publish_changes", "discard_changes"}
        | {"schedule_changes", "reschedule_changes", "cancel_scheduled_changes"}
        | {"unpublish", "archive"},
    }
    if role == "Publisher":
        assert set(offered) == opened_by_a_publisher[state]


@pytest.mark.parametrize("role", list(MAY_TAKE))
def test_the_list_offers_exactly_the_bulk_steps_of_the_table_the_role_may_take(client, role):
    ArticleFactory(draft=True)
    client.force_login(account(role))
    page = client.get(reverse("admin:articles_article_changelist"))
    if role == NO_ROLE:
        assert page.status_code == 403
        return
    offered = {
        name: text
        for name, text in BULK_OPTION.findall(page.content.decode())
        if name in set(Action)
    }
    assert offered == {
        action.value: STEPS[action].bulk for action in MAY_TAKE[role] if STEPS[action].bulk
    }


@pytest.mark.parametrize("action", [action for action, step in STEPS.items() if step.bulk])
def test_each_bulk_step_takes_its_step_and_says_so(client, action):
    article = entry_ready_for(action)
    publisher = account("Publisher")
    client.force_login(publisher)
    chosen = {"action": action.value, "_selected_action": [article.pk]}
    response = client.post(reverse("admin:articles_article_changelist"), chosen, follow=True)
    assert f"{STEPS[action].done}: 1 entry." in response.content.decode()
    article.refresh_from_db()
    assert article.status == STEPS[action].target
    assert PublishEvent.objects.filter(article=article, action=action, user=publisher).exists()
