"""The desk's workflow: states move only along the transition table, publishing can be
scheduled, every step is logged, and the revisit queue lists what to follow up on."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PublishEvent
from articles.services import (
    article_archive,
    article_mark_revisited,
    article_publish,
    article_reopen,
    article_return_to_draft,
    article_submit_for_review,
    article_unpublish,
    article_update,
)
from tests.factories import ArticleFactory, SignalBulletFactory, UserFactory

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = (
    Article.Status.DRAFT,
    Article.Status.IN_REVIEW,
    Article.Status.PUBLISHED,
    Article.Status.ARCHIVED,
)
STEPS = {
    "submit_for_review": article_submit_for_review,
    "return_to_draft": article_return_to_draft,
    "publish": article_publish,
    "unpublish": article_unpublish,
    "archive": article_archive,
    "reopen": article_reopen,
}
ALLOWED = {
    (DRAFT, "submit_for_review"): IN_REVIEW,
    (IN_REVIEW, "return_to_draft"): DRAFT,
    (IN_REVIEW, "publish"): PUBLISHED,
    (PUBLISHED, "unpublish"): DRAFT,
    (PUBLISHED, "archive"): ARCHIVED,
    (ARCHIVED, "reopen"): DRAFT,
}
REFUSED = [
    (status, step)
    for status in (DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED)
    for step in STEPS
    if (status, step) not in ALLOWED
]


def entry_in(status: str) -> Article:
    published_at = timezone.now() - timedelta(days=1) if status in (PUBLISHED, ARCHIVED) else None
    return ArticleFactory(status=status, published_at=published_at)


@pytest.fixture
def publisher():
    return UserFactory(role="Publisher")


@pytest.mark.parametrize(("status", "step"), list(ALLOWED))
def test_each_allowed_step_moves_the_entry_and_is_logged(publisher, status, step):
    article = entry_in(status)
    STEPS[step](article=article, user=publisher)
    article.refresh_from_db()
    assert article.status == ALLOWED[(status, step)]
    assert article.is_public == (article.status == PUBLISHED)
    event = PublishEvent.objects.get(article=article)
    assert (event.action, event.from_status, event.to_status, event.user) == (
        step,
        status,
        article.status,
        publisher,
    )


@pytest.mark.parametrize(("status", "step"), REFUSED)
def test_every_other_step_is_refused_and_changes_nothing(publisher, status, step):
    article = entry_in(status)
    with pytest.raises(ValidationError, match="only possible for an entry that is"):
        STEPS[step](article=article, user=publisher)
    article.refresh_from_db()
    assert article.status == status
    assert not PublishEvent.objects.exists()


def test_publishing_reports_everything_that_is_missing(publisher):
    article = ArticleFactory(in_review=True, source_url="", languages=["nl"])
    with pytest.raises(ValidationError) as refused:
        article_publish(article=article, user=publisher)
    assert refused.value.messages == [
        "Publishing needs a source URL.",
        "Publishing needs the 'en' translation.",
    ]
    assert Article.objects.get(pk=article.pk).status == IN_REVIEW


def test_a_scheduled_entry_stays_off_the_public_list_until_its_time(publisher):
    article = ArticleFactory(in_review=True)
    at = timezone.now() + timedelta(hours=3)
    article_publish(article=article, user=publisher, at=at)
    assert Article.objects.get(pk=article.pk).is_scheduled
    assert not Article.objects.public().exists()
    with time_machine.travel(at - timedelta(seconds=1)):
        assert not Article.objects.public().exists()
    with time_machine.travel(at + timedelta(seconds=1)):
        assert list(Article.objects.public()) == [article]


def test_the_publish_button_schedules_and_the_admin_labels_and_filters_scheduled_entries(
    client, publisher
):
    article = ArticleFactory(in_review=True)
    client.force_login(publisher)
    url = reverse("admin:articles_article_workflow", args=[article.pk, "publish"])
    response = client.post(url, {"at": "2099-01-02T09:30"}, follow=True)
    assert "Scheduled for 2099-01-02 09:30 UTC" in response.content.decode()
    assert not Article.objects.public().exists()

    changelist = reverse("admin:articles_article_changelist")
    scheduled = client.get(changelist, {"state": "scheduled"}).content.decode()
    live = client.get(changelist, {"state": "live"}).content.decode()
    assert "Scheduled for 2099-01-02 09:30 UTC" in scheduled
    assert article.slug not in live


def test_a_bad_publication_time_is_a_clear_message_not_an_error(client, publisher):
    article = ArticleFactory(in_review=True)
    client.force_login(publisher)
    url = reverse("admin:articles_article_workflow", args=[article.pk, "publish"])
    response = client.post(url, {"at": "next tuesday"}, follow=True)
    assert response.status_code == 200
    assert "Give the publication time as YYYY-MM-DD HH:MM." in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == IN_REVIEW


def test_a_step_not_allowed_from_the_current_state_is_refused_in_the_admin(client, publisher):
    article = ArticleFactory(draft=True)
    client.force_login(publisher)
    url = reverse("admin:articles_article_workflow", args=[article.pk, "archive"])
    response = client.post(url, follow=True)
    assert "Archive is only possible for an entry that is published" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == DRAFT


def test_an_unknown_step_is_a_404_and_a_get_is_refused(client, publisher):
    article = ArticleFactory(draft=True)
    client.force_login(publisher)
    assert client.post(f"/admin/articles/article/{article.pk}/workflow/launch/").status_code == 404
    url = reverse("admin:articles_article_workflow", args=[article.pk, "submit_for_review"])
    assert client.get(url).status_code == 405


def test_the_publish_log_lists_who_did_what_and_filters_by_action_and_user(client, publisher):
    other = UserFactory(role="Publisher", username="second-publisher")
    first = ArticleFactory(in_review=True, slug="first-entry")
    second = entry_in(PUBLISHED)
    article_publish(article=first, user=publisher)
    article_archive(article=second, user=other)
    client.force_login(publisher)

    log = reverse("admin:articles_publishevent_changelist")
    published = client.get(log, {"action__exact": "publish"}).content.decode()
    assert "first-entry" in published and second.slug not in published
    by_other = client.get(log, {"user__id__exact": other.pk}).content.decode()
    assert second.slug in by_other and "first-entry" not in by_other

    page = client.get(reverse("admin:articles_article_change", args=[first.pk])).content.decode()
    assert f"Published · {publisher.username}" in page


def test_the_publish_log_is_read_only(client, publisher):
    article = entry_in(PUBLISHED)
    article_unpublish(article=article, user=publisher)
    event = PublishEvent.objects.get()
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("admin:articles_publishevent_add")).status_code == 403
    url = reverse("admin:articles_publishevent_change", args=[event.pk])
    assert client.post(url, {"action": "publish"}).status_code == 403
    assert PublishEvent.objects.get().action == "unpublish"


def test_the_revisit_queue_lists_entries_whose_date_has_passed(client, publisher):
    today = timezone.localdate()
    ArticleFactory(slug="due-yesterday", revisit_after=today - timedelta(days=1))
    ArticleFactory(slug="due-today", revisit_after=today)
    ArticleFactory(slug="due-next-month", revisit_after=today + timedelta(days=30))
    ArticleFactory(slug="no-follow-up")
    client.force_login(publisher)
    changelist = reverse("admin:articles_article_changelist")
    queue_link = '<a href="?revisit=due">Due for revisit (2)</a>'
    assert queue_link in client.get(changelist).content.decode()
    html = client.get(changelist, {"revisit": "due"}).content.decode()
    assert "due-yesterday" in html and "due-today" in html
    assert "due-next-month" not in html and "no-follow-up" not in html


def test_marking_an_entry_revisited_clears_it_from_the_queue(client, publisher):
    due = ArticleFactory(revisit_after=timezone.localdate() - timedelta(days=2))
    client.force_login(publisher)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "mark_revisited", "_selected_action": [due.pk]},
        follow=True,
    )
    assert "Marked as revisited: 1 entry." in response.content.decode()
    assert Article.objects.get(pk=due.pk).revisit_after is None


def test_the_revisit_date_can_be_moved_instead_of_cleared(publisher):
    due = ArticleFactory(revisit_after=timezone.localdate() - timedelta(days=2))
    article_mark_revisited(article=due, user=publisher, next_revisit=date(2099, 6, 1))
    due.refresh_from_db()
    assert due.revisit_after == date(2099, 6, 1)
    assert due.revisions.first().user == publisher


@pytest.mark.parametrize("entries", [1, 50])
def test_the_desks_lists_run_a_fixed_number_of_queries(
    client, publisher, entries, django_assert_num_queries
):
    articles = ArticleFactory.create_batch(entries, in_review=True, languages=["en", "nl"])
    for article in articles:  # live again, with changes not yet published (shown in the list)
        article_publish(article=article, user=publisher)
        article_unpublish(article=article, user=publisher)
        article_submit_for_review(article=article, user=publisher)
        article_publish(article=article, user=publisher)
        SignalBulletFactory(article=article, language="nl")
    client.force_login(publisher)
    for name, queries in [
        ("admin:articles_article_changelist", 21),
        ("admin:articles_publishevent_changelist", 10),
    ]:
        with django_assert_num_queries(queries):
            assert client.get(reverse(name)).status_code == 200
    first = Article.objects.get(pk=articles[0].pk)
    for position in range(entries):  # as many revisions as entries, each changing a part
        signals = [f"Signal {n}" for n in range(position + 1)]
        article_update(article=first, user=publisher, signals={"en": signals})
    with django_assert_num_queries(8):
        history = reverse("admin:articles_article_history", args=[first.pk])
        assert client.get(history).status_code == 200
