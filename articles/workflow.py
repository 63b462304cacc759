"""The editorial workflow: which step moves an entry from which state to which, and who may."""

from dataclasses import dataclass

from django.db import models

from articles.choices import ArticleStatus


class Action(models.TextChoices):
    SUBMIT_FOR_REVIEW = "submit_for_review", "Submitted for review"
    RETURN_TO_DRAFT = "return_to_draft", "Sent back to draft"
    PUBLISH = "publish", "Published"
    UNPUBLISH = "unpublish", "Unpublished"
    ARCHIVE = "archive", "Archived"
    REOPEN = "reopen", "Reopened from archive"
    SUBMIT_CHANGES = "submit_changes", "Changes submitted for review"
    PUBLISH_CHANGES = "publish_changes", "Changes published"
    DISCARD_CHANGES = "discard_changes", "Changes discarded"


@dataclass(frozen=True)
class Transition:
    action: Action
    source: ArticleStatus
    target: ArticleStatus
    permission: str
    button: str


TRANSITIONS = {
    transition.action: transition
    for transition in [
        Transition(
            Action.SUBMIT_FOR_REVIEW,
            ArticleStatus.DRAFT,
            ArticleStatus.IN_REVIEW,
            "articles.submit_for_review",
            "Submit for review",
        ),
        Transition(
            Action.RETURN_TO_DRAFT,
            ArticleStatus.IN_REVIEW,
            ArticleStatus.DRAFT,
            "articles.review_article",
            "Send back to draft",
        ),
        Transition(
            Action.PUBLISH,
            ArticleStatus.IN_REVIEW,
            ArticleStatus.PUBLISHED,
            "articles.publish_article",
            "Publish",
        ),
        Transition(
            Action.UNPUBLISH,
            ArticleStatus.PUBLISHED,
            ArticleStatus.DRAFT,
            "articles.publish_article",
            "Unpublish",
        ),
        Transition(
            Action.ARCHIVE,
            ArticleStatus.PUBLISHED,
            ArticleStatus.ARCHIVED,
            "articles.archive_article",
            "Archive",
        ),
        Transition(
            Action.REOPEN,
            ArticleStatus.ARCHIVED,
            ArticleStatus.DRAFT,
            "articles.archive_article",
            "Reopen as draft",
        ),
    ]
}

# States in which the desk may still change an entry's content without the publish right.
UNPUBLISHED_STATES = {ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW}


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == status]


def may_take(user, transition: Transition) -> bool:
    return user.has_perm(transition.permission)
