"""Bringing back earlier content into the working copy: a revision from the history
(restore), or the live version's source (discarding unpublished changes). Both apply a
source (``articles.documents.working_copy``) through ``article_apply_source``. And pruning
the oldest revisions (``revisions_prune``)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count

from articles.documents import ENTRY_FIELDS
from articles.models import Article, LiveEntry, ReleaseItem, Revision, RevisionReason
from articles.permissions import may_edit_content
from articles.services.content import Edit
from articles.services.edits import plan_edit, write_edit


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def article_restore(*, article: Article, number: int, user) -> Article:
    """Bring back the content of revision ``number`` into the working copy: the entry's
    fields, topics, translations, signals, scorecard with its risk areas and ratings, and its
    revisit date, as they were. The restore is itself a new revision; like any edit of a live
    entry it is public only once its changes are published.

    The workflow state (status, publication time) and the notes are left alone: restoring
    never publishes or unpublishes anything, and a live note never changes.
    """
    from articles.revisions import revision_get

    if not may_edit_content(user, article):
        raise PermissionDenied("You may not change this entry.")
    revision = revision_get(article_id=article.pk, number=number)
    if revision is None:
        raise ValidationError("That version does not belong to this entry.")
    slug, revisit = revision.content["slug"], revision.workflow.get("revisit_after")
    if Article.objects.filter(slug=slug).exclude(pk=article.pk).exists():
        raise ValidationError(f"Another entry now uses the slug {slug!r}.")
    return article_apply_source(
        article=article,
        source=revision.content,
        revisit_after=revisit and date.fromisoformat(revisit),
        user=user,
        reason=RevisionReason.RESTORE,
        message=f"Restored version {number} of {revision.created_at:%Y-%m-%d %H:%M:%S} UTC",
    )


@transaction.atomic
def article_apply_source(
    *, article: Article, source: dict, user, reason: str, message: str = "", **fields
) -> Article:
    """Make the working copy equal to ``source`` (notes aside), as one revision; ``fields``
    may give workflow dates to set with it (``revisit_after``). Wagtail's
    ``with_content_json``: the inverse of ``working_copy``."""
    article = _locked(article)
    languages = {t.language for t in article.translations.all()}
    signal_languages = {b.language for b in article.signal_bullets.all()}
    card = source["scorecard"]
    plan = plan_edit(
        article,
        # A source from before a field existed had none: restoring it empties the field
        # (no image, no caption), as the history's comparison shows it.
        fields={name: source.get(name) for name in ENTRY_FIELDS} | fields,
        topics=source["topics"],
        translations=dict.fromkeys(languages) | source["translations"],
        signals={language: [] for language in signal_languages} | source["signals"],
        scorecard=None
        if card is None
        else {
            "framework": card["framework"],
            "risk_areas": card["risk_areas"],
            "ratings": {category: (pre, post) for category, pre, post in card["ratings"]},
        },
    )
    if Edit(article, plan.changes()):
        write_edit(article, plan, user=user, reason=reason, message=message)
    return article


def revision_pinned(*, article_id: int) -> set[int]:
    """The ids of the entry's revisions that pruning never removes: the one its live version
    was published from, one scheduled to go live, and those releases name (pinned, the base
    they were pinned on, the one live before: a release can still be reverted)."""
    pinned = LiveEntry.objects.filter(pk=article_id).values_list(
        "revision_id", "scheduled_change__revision_id"
    )
    released = ReleaseItem.objects.filter(article_id=article_id).values_list(
        "revision_id", "base_id", "previous_id"
    )
    return {pk for rows in (pinned, released) for row in rows for pk in row if pk is not None}


@transaction.atomic
def revisions_prune(*, keep: int) -> int:
    """Remove the oldest revisions of every entry that has more than ``keep`` (at least 1),
    except the pinned ones (``revision_pinned``). Returns how many were removed."""
    keep = max(keep, 1)
    crowded = list(
        Revision.objects.values("article_id")
        .annotate(count=Count("pk"))
        .filter(count__gt=keep)
        .values_list("article_id", flat=True)
    )
    removed = 0
    for article_id in crowded:
        revisions = Revision.objects.filter(article_id=article_id)
        oldest_kept = revisions.order_by("-number").values_list("number", flat=True)[keep - 1]
        old = revisions.filter(number__lt=oldest_kept).exclude(
            pk__in=revision_pinned(article_id=article_id)
        )
        removed += old.delete()[0]
    return removed
