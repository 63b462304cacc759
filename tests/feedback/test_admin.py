"""Editors triage reader feedback in the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Feedback
from tests.factories import ArticleFactory, FeedbackFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:feedback_feedback_changelist")
TOP_TOPICS = reverse("admin:feedback_feedback_top_topics")


def rows(response):
    return [result.public_id for result in response.context["cl"].result_list]


def test_the_list_shows_kind_entry_language_status_and_time(admin_client):
    article = ArticleFactory(slug="o3-mini-card")
    FeedbackFactory(correction=True, article=article, message="Rating is wrong", language="nl")
    response = admin_client.get(CHANGELIST)
    row = response.content.decode()
    for text in ("Correction", "o3-mini-card", "nl", "New", "Rating is wrong"):
        assert text in row


def test_messages_are_shown_escaped_never_as_html(admin_client):
    feedback = FeedbackFactory(message='<script>alert("x")</script>')
    for url in (CHANGELIST, reverse("admin:feedback_feedback_change", args=[feedback.pk])):
        page = admin_client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=spam", "spam"),
        ("kind=correction", "correction"),
        ("language=nl", "dutch"),
        ("q=gemini", "gemini"),
    ],
)
def test_filters_and_search(admin_client, query, expected):
    made = {
        "spam": FeedbackFactory(status=Feedback.Status.SPAM),
        "correction": FeedbackFactory(correction=True),
        "dutch": FeedbackFactory(language="nl"),
        "gemini": FeedbackFactory(message="More about Gemini please"),
    }
    response = admin_client.get(f"{CHANGELIST}?{query}")
    assert rows(response) == [made[expected].public_id]


def test_filter_by_entry(admin_client):
    article = ArticleFactory(slug="the-entry")
    on_entry = FeedbackFactory(helpful_yes=True, article=article)
    FeedbackFactory(helpful_yes=True)
    response = admin_client.get(CHANGELIST)
    assert "the-entry" in response.content.decode()
    assert rows(admin_client.get(f"{CHANGELIST}?article={article.pk}")) == [on_entry.public_id]


@pytest.mark.parametrize(
    "action, status",
    [("mark_reviewed", "reviewed"), ("mark_actioned", "actioned"), ("mark_spam", "spam")],
)
def test_bulk_actions_set_the_status(admin_client, action, status):
    chosen = FeedbackFactory.create_batch(2)
    other = FeedbackFactory()
    response = admin_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [f.pk for f in chosen]},
        follow=True,
    )
    assert f"2 marked as {status}." in response.content.decode()
    assert set(Feedback.objects.filter(status=status)) == set(chosen)
    other.refresh_from_db()
    assert other.status == Feedback.Status.NEW


def test_delete_comes_last_among_the_bulk_actions_and_asks_first(admin_client):
    feedback = FeedbackFactory.create_batch(2)
    choices = admin_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    actions = [name for name, _label in choices if name]
    assert actions[-1] == "delete_selected" and actions.index("mark_spam") < len(actions) - 1

    chosen = {"action": "delete_selected", "_selected_action": [f.pk for f in feedback]}
    confirm = admin_client.post(CHANGELIST, chosen)
    assert confirm.status_code == 200 and "Are you sure" in confirm.content.decode()
    assert Feedback.objects.count() == 2
    admin_client.post(CHANGELIST, {**chosen, "post": "yes"})
    assert not Feedback.objects.exists()


def test_editors_cannot_invent_feedback(admin_client):
    """Feedback comes from readers only: the add page is refused in words, and a post to it
    stores nothing."""
    add = reverse("admin:feedback_feedback_add")
    page = admin_client.get(add)
    assert page.status_code == 403
    assert "<h1>Permission denied</h1>" in page.content.decode()
    assert "does not have\nthe permission this page needs" in page.content.decode()
    posted = admin_client.post(add, {"kind": "general", "message": "Invented", "language": "en"})
    assert posted.status_code == 403
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("size", [1, 50])
def test_the_list_runs_a_fixed_number_of_queries(admin_client, django_assert_num_queries, size):
    for _ in range(size):
        FeedbackFactory(correction=True)
    with django_assert_num_queries(8):
        response = admin_client.get(CHANGELIST)
    assert len(rows(response)) == size


def test_most_requested_topics_groups_repeats_and_ignores_spam_and_old_requests(admin_client):
    article = ArticleFactory(slug="agents-entry")
    for message in ("More on AI agents", "more on ai agents", "MORE ON AI AGENTS"):
        FeedbackFactory(message=message)
    FeedbackFactory(message="Cover robotics")
    FeedbackFactory(message="Follow-up please", article=article)
    FeedbackFactory(message="More on AI agents", status=Feedback.Status.SPAM)
    FeedbackFactory(message="Cover robotics", created_at=timezone.now() - timedelta(days=31))
    FeedbackFactory(correction=True, message="Cover robotics")

    assert TOP_TOPICS in admin_client.get(CHANGELIST).content.decode()
    response = admin_client.get(TOP_TOPICS)
    assert response.status_code == 200
    table = [
        (row["requests"], row["topic"], row["article__slug"]) for row in response.context["topics"]
    ]
    assert table[0] == (3, "more on ai agents", None)
    assert sorted(table[1:]) == [(1, "cover robotics", None), (1, "follow-up please", article.slug)]
    assert "agents-entry" in response.content.decode()


def test_most_requested_topics_is_for_staff_only(client):
    response = client.get(TOP_TOPICS)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("size", [1, 50])
def test_most_requested_topics_runs_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, size
):
    for n in range(size):
        FeedbackFactory(message=f"Topic {n}", article=ArticleFactory())
    with django_assert_num_queries(3):
        response = admin_client.get(TOP_TOPICS)
    assert len(response.context["topics"]) == size


def test_an_entrys_admin_page_shows_its_corrections_and_helpful_votes(admin_client):
    article = ArticleFactory()
    FeedbackFactory.create_batch(2, correction=True, article=article)
    FeedbackFactory(correction=True, article=article, status=Feedback.Status.SPAM)
    FeedbackFactory.create_batch(3, helpful_yes=True, article=article)
    FeedbackFactory(helpful_no=True, article=article)
    FeedbackFactory(helpful_no=True)  # another entry's vote
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    text = page.content.decode()
    assert "2 correction(s) · helpful: 3 yes, 1 no" in text
    assert f"{CHANGELIST}?article={article.pk}" in text
    add_page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    row = add_page[add_page.index("field-reader_feedback") :]
    assert row[: row.index("</div>", row.index("readonly"))].endswith("Shown after saving.")
