"""The editorial workflow as one table: each step with the states it starts from, where it
leads, who may take it, the service that takes it and what the desk is told.

The services enforce a step's state and rule from here; the entry page's buttons, the list's
bulk actions and the publish log's step names are drawn from here. Adding a step is adding a
row (and a migration for the log's choices) and writing its service.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from importlib import import_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop

from articles.choices import UNPUBLISHED_STATES, ArticleStatus
from articles.permissions import (
    may_archive,
    may_edit_content,
    may_publish,
    may_review,
    may_submit,
    may_submit_changes,
)

__all__ = ["STEPS", "UNPUBLISHED_STATES", "Action", "Needs", "Step", "steps_open"]

DRAFT, IN_REVIEW = ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW
PUBLISHED, ARCHIVED = ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED


class Needs(Enum):
    """What a step needs of the working copy of a live entry, besides the entry's state."""

    NOTHING = "nothing"  # a step between states
    CHANGES = "changes"  # the working copy differs from the live version
    UNSUBMITTED_CHANGES = "unsubmitted changes"  # ... not yet submitted for review
    SCHEDULED_CHANGES = "scheduled changes"  # changes scheduled to go live later


@dataclass(frozen=True)
class Step:
    action: str
    done: str  # the publish log's word for it (stored in English), the admin's message once taken
    button: str
    sources: tuple[ArticleStatus, ...]
    target: ArticleStatus | None  # None: the entry keeps its state
    may: Callable[..., bool]  # may(user, article): the rule the service enforces
    service: str  # its function in ``articles.services`` (which reads this table)
    bulk: str = ""  # the list's bulk action; empty: not offered on the list
    needs: Needs = Needs.NOTHING
    # A step whose button is not offered to whoever may take this other one instead (a
    # publisher publishes the changes rather than asking for them to be published).
    superseded_by: str = ""

    def function(self) -> Callable:
        # Named, not imported: the services import this table.
        return getattr(import_module("articles.services"), self.service)

    def refuse_unless_allowed(self, user, article=None) -> None:
        if not self.may(user, article):
            raise PermissionDenied(f"You may not do this: {self.button.lower()}.")

    def refuse_unless_open(self, article) -> None:
        if article.status not in self.sources:
            states = " or ".join(ArticleStatus(s).label.lower() for s in self.sources)
            raise ValidationError(
                f"{self.button} is only possible for an entry that is {states}; this one is "
                f"{article.get_status_display().lower()}."
            )

    def is_open(self, article, *, changed: bool, scheduled: bool = False) -> bool:
        """The step applies to ``article`` as it is (``changed``: its working copy differs
        from its live version; ``scheduled``: changes wait for their time to go live)."""
        if article.status not in self.sources:
            return False
        if self.needs is Needs.NOTHING:
            return True
        if self.needs is Needs.SCHEDULED_CHANGES:
            return scheduled
        submitted = article.changes_submitted_at is not None
        return changed and not (self.needs is Needs.UNSUBMITTED_CHANGES and submitted)


_TABLE = [
    Step(
        "submit_for_review",
        gettext_noop("Submitted for review"),
        gettext_lazy("Submit for review"),
        (DRAFT,),
        IN_REVIEW,
        may_submit,
        "article_submit_for_review",
        bulk=gettext_lazy("Submit selected entries for review"),
    ),
    Step(
        "return_to_draft",
        gettext_noop("Sent back to draft"),
        gettext_lazy("Send back to draft"),
        (IN_REVIEW,),
        DRAFT,
        may_review,
        "article_return_to_draft",
        bulk=gettext_lazy("Send selected entries in review back to draft"),
    ),
    Step(
        "publish",
        gettext_noop("Published"),
        gettext_lazy("Publish"),
        (IN_REVIEW,),
        PUBLISHED,
        may_publish,
        "article_publish",
        bulk=gettext_lazy("Publish selected entries (now, or at their scheduled time)"),
    ),
    Step(
        "unpublish",
        gettext_noop("Unpublished"),
        gettext_lazy("Unpublish"),
        (PUBLISHED,),
        DRAFT,
        may_publish,
        "article_unpublish",
        bulk=gettext_lazy("Unpublish selected entries (back to draft)"),
    ),
    Step(
        "archive",
        gettext_noop("Archived"),
        gettext_lazy("Archive"),
        (PUBLISHED,),
        ARCHIVED,
        may_archive,
        "article_archive",
        bulk=gettext_lazy("Archive selected entries"),
    ),
    Step(
        "reopen",
        gettext_noop("Reopened from archive"),
        gettext_lazy("Reopen as draft"),
        (ARCHIVED,),
        DRAFT,
        may_archive,
        "article_reopen",
        bulk=gettext_lazy("Reopen selected archived entries as drafts"),
    ),
    Step(
        "submit_changes",
        gettext_noop("Changes submitted for review"),
        gettext_lazy("Submit changes for review"),
        (PUBLISHED,),
        None,
        may_submit_changes,
        "article_submit_changes",
        needs=Needs.UNSUBMITTED_CHANGES,
        superseded_by="publish_changes",
    ),
    Step(
        "publish_changes",
        gettext_noop("Changes published"),
        gettext_lazy("Publish changes"),
        (PUBLISHED,),
        None,
        may_publish,
        "article_publish_changes",
        needs=Needs.CHANGES,
    ),
    Step(
        "discard_changes",
        gettext_noop("Changes discarded"),
        gettext_lazy("Discard changes"),
        (PUBLISHED,),
        None,
        may_edit_content,
        "article_discard_changes",
        needs=Needs.CHANGES,
    ),
    Step(
        "schedule_changes",
        gettext_noop("Changes scheduled"),
        gettext_lazy("Schedule changes"),
        (PUBLISHED,),
        None,
        may_publish,
        "article_schedule_changes",
        needs=Needs.CHANGES,
    ),
    Step(
        "reschedule_changes",
        gettext_noop("Scheduled changes moved"),
        gettext_lazy("Reschedule changes"),
        (PUBLISHED,),
        None,
        may_publish,
        "article_reschedule_changes",
        needs=Needs.SCHEDULED_CHANGES,
    ),
    Step(
        "cancel_scheduled_changes",
        gettext_noop("Scheduled changes cancelled"),
        gettext_lazy("Cancel scheduled changes"),
        (PUBLISHED,),
        None,
        may_publish,
        "article_cancel_scheduled_changes",
        needs=Needs.SCHEDULED_CHANGES,
    ),
]

# The steps' names as the publish log stores them.
Action = models.TextChoices("Action", [(s.action.upper(), (s.action, s.done)) for s in _TABLE])

STEPS: dict[Action, Step] = {Action(step.action): step for step in _TABLE}


def steps_open(user, article, *, changed: bool, scheduled: bool = False) -> list[Step]:
    """The steps ``user`` may take on ``article`` as it is: those between the working copy
    and the live version first."""
    steps = [s for s in STEPS.values() if s.is_open(article, changed=changed, scheduled=scheduled)]
    steps = [s for s in steps if s.may(user, article)]
    taken = {s.action for s in steps}
    steps = [s for s in steps if s.superseded_by not in taken]
    return sorted(steps, key=lambda s: s.needs is Needs.NOTHING)
