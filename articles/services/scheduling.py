"""Scheduled changes to live entries: a pinned revision of the working copy that goes live at
its time on every surface at once, with no job (``articles.publishing.live_schedule``)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, RevisionReason, ScheduledChange
from articles.publishing import live_schedule, working_and_live
from articles.scheduled_changes import live_scheduled, live_unschedule
from articles.services.edits import article_touch
from articles.services.workflow import _locked, _log_step, _refuse_problems, _require_changes
from articles.workflow import STEPS, Action

# What a scheduled change keeps as it is: the lists, counts and pages that key on them read
# the entry, not its documents, so a change to them goes live only when published.
FIXED = {"slug": "the slug", "vendor": "the vendor", "topics": "the topics"}


def _refuse_past(at: datetime) -> None:
    if at <= timezone.now():
        raise ValidationError(
            "Choose a time in the future; to make the changes live now, publish them."
        )


def _refuse_fixed_changes(working: dict, live: dict) -> None:
    changed = [name for key, name in FIXED.items() if working[key] != live[key]]
    if changed:
        raise ValidationError(
            f"A scheduled change cannot change {' or '.join(changed)}: publish that change now, "
            "or undo it in the working copy."
        )


def _waiting(article: Article) -> ScheduledChange:
    change = live_scheduled(article_id=article.pk)
    if change is None:
        raise ValidationError("No changes are scheduled for this entry.")
    return change


@transaction.atomic
def article_schedule_changes(
    *, article: Article, user, at: datetime, significant: bool = False
) -> ScheduledChange:
    """Make the working copy of a live entry go live at ``at``: its revision is pinned, so
    later edits do not go with it. Replaces a change already waiting. Needs the publish right
    and the same checks as publishing changes; the entry must be public already."""
    step = STEPS[Action.SCHEDULE_CHANGES]
    step.refuse_unless_allowed(user, article)
    article = _locked(article)
    _require_changes(article)
    _refuse_problems(article)
    if article.is_scheduled:
        raise ValidationError(
            "This entry is not public yet: publish the changes, they go live at its time."
        )
    _refuse_past(at)
    working, live = working_and_live([article.pk])[article.pk]
    _refuse_fixed_changes(working, live)
    revision = article_touch(
        article=article, user=user, reason=RevisionReason.SCHEDULE, message=step.done
    )
    change = live_schedule(
        article=article, user=user, revision=revision, at=at, significant=significant
    )
    Article.objects.filter(pk=article.pk).update(changes_submitted_at=None)
    article.changes_submitted_at = None
    _log_step(article, Action.SCHEDULE_CHANGES, user, article.status)
    return change


@transaction.atomic
def article_reschedule_changes(*, article: Article, user, at: datetime) -> ScheduledChange:
    """Move the change waiting on a live entry to ``at``; what goes live stays the same."""
    STEPS[Action.RESCHEDULE_CHANGES].refuse_unless_allowed(user, article)
    article = _locked(article)
    change = _waiting(article)
    _refuse_past(at)
    change = live_schedule(
        article=article,
        user=user,
        revision=change.revision,
        at=at,
        significant=change.significant,
    )
    _log_step(article, Action.RESCHEDULE_CHANGES, user, article.status)
    return change


@transaction.atomic
def article_cancel_scheduled_changes(*, article: Article, user) -> ScheduledChange:
    """Cancel the change waiting on a live entry: nobody saw it, so it leaves no trace on
    the public surfaces; the working copy keeps its edits."""
    STEPS[Action.CANCEL_SCHEDULED_CHANGES].refuse_unless_allowed(user, article)
    article = _locked(article)
    _waiting(article)
    change = live_unschedule(article_id=article.pk)
    _log_step(article, Action.CANCEL_SCHEDULED_CHANGES, user, article.status)
    return change
