"""What the desk reads of a release: the state of each item against the entry as it is now.

An item is *ready* once reviewed; *needs review* until then (adding, updating or rebasing it
asks for a review again); *outdated* when the entry's working copy moved on since it was
pinned (the pinned revision still is what goes live); *conflicting* when the live entry
moved on since it was pinned (publishing refuses unless the Publisher rebases or
overrides); *invalid* when its action no longer fits the entry or the pinned revision could
not be published.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.models import (
    REMOVALS,
    Article,
    LiveEntry,
    Release,
    ReleaseAction,
    ReleaseItem,
    Revision,
)
from images.selectors import image_ready
from kernel.languages import default_language


class ItemState(StrEnum):
    READY = "ready"
    NEEDS_REVIEW = "needs review"
    OUTDATED = "outdated"
    CONFLICTING = "conflicting"
    INVALID = "invalid"


STATE_LABELS = {
    ItemState.READY: gettext_lazy("ready"),
    ItemState.NEEDS_REVIEW: gettext_lazy("needs review"),
    ItemState.OUTDATED: gettext_lazy("outdated"),
    ItemState.CONFLICTING: gettext_lazy("conflicting"),
    ItemState.INVALID: gettext_lazy("invalid"),
}


@dataclass
class ItemReport:
    item: ReleaseItem
    live: int | None  # the revision live now (None: not live)
    current: int | None  # the revision of the working copy now
    problems: list[str] = field(default_factory=list)

    @property
    def conflicting(self) -> bool:
        return self.live != self.item.base_id

    @property
    def outdated(self) -> bool:
        return self.item.action not in REMOVALS and self.current != self.item.revision_id

    @property
    def states(self) -> list[ItemState]:
        """Every state that applies, the one to act on first."""
        states = []
        if self.problems:
            states.append(ItemState.INVALID)
        if self.conflicting:
            states.append(ItemState.CONFLICTING)
        if self.outdated:
            states.append(ItemState.OUTDATED)
        if self.item.reviewed_at is None:
            states.append(ItemState.NEEDS_REVIEW)
        return states or [ItemState.READY]


UNCHANGED = "The pinned revision is what is live already: edit the entry, then update the item."


def live_revisions(article_ids: Iterable[int]) -> dict[int, int | None]:
    """The revision each live entry of ``article_ids`` shows now (a scheduled change whose
    time has passed counts, settled or not); entries not live are absent."""
    now = timezone.now()
    rows = LiveEntry.objects.filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=now), pk__in=list(article_ids)
    ).values_list("pk", "revision_id", "scheduled_change__revision_id", "scheduled_change__at")
    return {pk: changed if at is not None and at <= now else rev for pk, rev, changed, at in rows}


def current_revisions(article_ids: Iterable[int]) -> dict[int, int]:
    """The revision of each entry's working copy (its version's)."""
    return dict(
        Revision.objects.filter(
            article_id__in=list(article_ids), number=F("article__version")
        ).values_list("article_id", "pk")
    )


def source_problems(source: dict, *, slugs_taken: set[str]) -> list[str]:
    """What stops an entry's source (a working copy, a pinned revision) from going live, in
    words an editor can act on. ``slugs_taken``: the slugs other live entries use."""
    problems = [
        f"Publishing needs {need}."
        for need, present in (
            ("a vendor", source.get("vendor")),
            ("a source URL", source.get("source_url")),
            (
                f"the {default_language()!r} translation",
                default_language() in source["translations"],
            ),
        )
        if not present
    ]
    if source.get("image") and not image_ready(source["image"]):
        problems.append(
            "The entry's image is still being rendered (or its renditions failed): publish "
            "once the image library shows it ready, so the live entry never names a missing file."
        )
    if source.get("slug") in slugs_taken:
        problems.append(f"Another live entry still uses the slug {source['slug']!r}.")
    return problems


def action_problem(action: str, article: Article, live: int | None) -> str | None:
    """Why ``action`` does not fit the entry as it is now, if it does not."""
    is_live = live is not None or article.status == Article.Status.PUBLISHED
    if action == ReleaseAction.PUBLISH and is_live:
        return "The entry is live already: publish its changes instead."
    if action != ReleaseAction.PUBLISH and not is_live:
        return "The entry is not live."
    return None


def pending_release_of(article_id: int) -> Release | None:
    """The release still to go live that holds the entry, if one does."""
    return Release.objects.pending().filter(items__article_id=article_id).first()


def release_reports(items: list[ReleaseItem]) -> list[ItemReport]:
    """Each item with its states, in a fixed number of queries. ``items`` come with their
    article and revision (``select_related``)."""
    ids = [item.article_id for item in items]
    live = live_revisions(ids)
    current = current_revisions(ids)
    slugs = {item.revision.content.get("slug") for item in items}
    leaving = {item.article_id for item in items if item.action in REMOVALS}
    taken = dict(
        LiveEntry.objects.filter(slug__in=slugs).exclude(pk__in=leaving).values_list("slug", "pk")
    )
    reports = []
    for item in items:
        report = ItemReport(item, live.get(item.article_id), current.get(item.article_id))
        problem = action_problem(item.action, item.article, report.live)
        if problem:
            report.problems.append(problem)
        elif item.action == ReleaseAction.PUBLISH_CHANGES and item.revision_id == report.live:
            report.problems.append(UNCHANGED)
        if item.action not in REMOVALS:
            others = {slug for slug, pk in taken.items() if pk != item.article_id}
            report.problems += source_problems(item.revision.content, slugs_taken=others)
        reports.append(report)
    return reports
