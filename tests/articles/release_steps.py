"""The release steps of the live-version property test's desk (``live_desk.Desk``), and the
model of its releases: which items each holds, pinned on which revision, reviewed or not;
what publishing them makes live, and what reverting them must put back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models.signals import pre_save

from articles.models import Article, LiveEntry, Release, ReleaseAction
from articles.services import (
    release_create,
    release_item_add,
    release_item_review,
    release_item_update,
    release_publish,
    release_revert,
    release_unschedule,
)

if TYPE_CHECKING:
    from tests.articles.live_desk import Entry, Version

DRAFT, PUBLISHED, ARCHIVED = Article.Status.DRAFT, Article.Status.PUBLISHED, Article.Status.ARCHIVED
PUBLISH, CHANGES = ReleaseAction.PUBLISH, ReleaseAction.PUBLISH_CHANGES
UNPUBLISH, ARCHIVE = ReleaseAction.UNPUBLISH, ReleaseAction.ARCHIVE
TARGET = {PUBLISH: PUBLISHED, CHANGES: PUBLISHED, UNPUBLISH: DRAFT, ARCHIVE: ARCHIVED}


@dataclass(eq=False)
class Item:
    entry: Entry
    action: str
    pinned: Version
    base: Version | None  # live when pinned
    reviewed: bool = False
    # What publishing replaced:
    previous: Version | None = None
    previous_status: str = ""
    previous_from: datetime | None = None
    restore_from: datetime | None = None  # a revert's: the publication time to put back


@dataclass(eq=False)
class Rel:
    pk: int
    items: list[Item] = field(default_factory=list)
    at: datetime | None = None  # published (or scheduled) for
    published: bool = False
    reverts: Rel | None = None
    # Before it went live: each entry's model state and public document (None: not shown).
    before: dict[int, tuple] = field(default_factory=dict)


def rest_document(client, slug: str) -> dict | None:
    """The entry's public REST document without its update times, or None (404)."""
    response = client.get(f"/api/v1/articles/{slug}/?lang=en")
    if response.status_code == 404:
        return None
    return {k: v for k, v in response.json().items() if k not in {"updated_at", "modified_at"}}


class ReleaseSteps:
    """The release steps of ``Desk``, and the model's reading of its releases."""

    def waiting(self, rel: Rel) -> bool:
        return rel.published and rel.at is not None and rel.at > self.now

    def pending(self) -> list[Rel]:
        return [r for r in self.releases if not r.published or self.waiting(r)]

    def held_by(self, entry: Entry) -> Rel | None:
        return next((r for r in self.pending() for i in r.items if i.entry is entry), None)

    def problems(self, rel: Rel, *, at=None, override=False) -> list[str]:
        """Why publishing ``rel`` is refused, as the words the refusal uses."""
        self.settle()
        problems = []
        for item in rel.items:
            live = self.is_live(item.entry)
            if live == (item.action == PUBLISH):
                problems.append("The entry is (not )?live")
            if item.action == CHANGES and item.pinned == item.entry.live:
                problems.append("is what is live already")
            if not item.reviewed:
                problems.append("not reviewed")
            if item.entry.live != item.base and not override:
                problems.append("conflicts")
            if at is not None and item.action != PUBLISH and item.entry.live_from > self.now:
                problems.append("not public yet")
        return problems

    def revert_items(self, rel: Rel) -> list[Item]:
        """The items of the release that puts back what was live before ``rel``."""
        items = []
        for item in rel.items:
            if item.action == PUBLISH:
                action = ARCHIVE if item.previous_status == ARCHIVED else UNPUBLISH
                pinned, base = item.pinned, item.pinned
            elif item.action == CHANGES:
                action, pinned, base = CHANGES, item.previous, item.pinned
            else:
                action, pinned, base = PUBLISH, item.previous, None
            if pinned is not None:
                items.append(
                    Item(item.entry, action, pinned, base, restore_from=item.previous_from)
                )
        return items

    def release_add(self, candidate, action=None):
        rel, entry = candidate[:2]
        if rel is None:
            release = release_create(title=f"Release {len(self.releases) + 1}", user=None)
            rel = Rel(release.pk)
            self.releases.append(rel)
        release = Release.objects.get(pk=rel.pk)
        release_item_add(release=release, article=self.article(entry), user=None, action=action)
        action = action or (CHANGES if self.is_live(entry) else PUBLISH)
        rel.items.append(Item(entry, action, entry.working, entry.live))

    def release_add_removal(self, candidate):
        self.release_add(candidate, action=candidate[2])

    def release_item(self, item: Item):
        rel = next(r for r in self.releases if item in r.items)
        return Release.objects.get(pk=rel.pk).items.get(article_id=item.entry.pk)

    def release_update(self, item: Item):
        """Update to the current revision, rebased on what is live now."""
        release_item_update(item=self.release_item(item), user=None)
        item.pinned, item.base, item.reviewed = item.entry.working, item.entry.live, False

    def release_review(self, rel: Rel):
        """A Publisher reviews the items that need it."""
        for item in rel.items:
            if not item.reviewed:
                release_item_review(item=self.release_item(item), user=None)
                item.reviewed = True

    def release_publish(self, rel: Rel, *, at=None, override=False):
        before = {
            i.entry.pk: (i.entry.live, i.entry.live_from, rest_document(self.client, i.entry.slug))
            for i in rel.items
        }
        release = Release.objects.get(pk=rel.pk)
        release_publish(release=release, user=None, at=at, override=override)
        rel.published, rel.at, rel.before = True, at or self.now, before
        for item in rel.items:
            self.go_live(item, at)
        if rel.reverts is not None and at is None:
            self.assert_put_back(rel.reverts, rel)

    def go_live(self, item: Item, at):
        entry = item.entry
        item.previous, item.previous_status = entry.live, entry.status
        item.previous_from = entry.live_from
        if item.action in (UNPUBLISH, ARCHIVE) and at is not None:
            entry.live_until = at  # it leaves every surface then
        elif item.action in (UNPUBLISH, ARCHIVE):
            entry.live = entry.live_from = entry.scheduled = None
        elif item.action == PUBLISH:
            entry.live = item.pinned
            entry.live_from = at or item.restore_from or self.now
        elif at is None:
            entry.live, entry.scheduled = item.pinned, None
        else:
            entry.scheduled = (item.pinned, at)
        entry.status = TARGET[item.action]

    def assert_put_back(self, reverted: Rel, revert: Rel):
        """The entries a published revert holds show what they showed before ``reverted``
        (update times aside), unless they moved on since."""
        for item in revert.items:
            entry = item.entry
            if entry.pk not in reverted.before:  # added to the revert afterwards
                continue
            live, live_from, document = reverted.before[entry.pk]
            shown = live is not None and live_from <= self.now
            if (entry.live, entry.live_from) == (live, live_from) and shown == bool(document):
                assert rest_document(self.client, entry.slug) == document

    def release_publish_override(self, rel: Rel):
        self.release_publish(rel, override=True)

    def release_schedule(self, rel: Rel):
        self.release_publish(rel, at=self.now + timedelta(hours=1))

    def release_publish_failing(self, rel: Rel):
        """A database error at the k-th live entry written (k varies with the sequence): nothing
        changes, and the release keeps the reason."""
        writes = sum(item.action in (PUBLISH, CHANGES) for item in rel.items)
        failing, saved = 1 + self.revisions % writes, []

        def fail_at_item(sender, instance, **kwargs):
            saved.append(instance.pk)
            if len(saved) == failing:
                raise DatabaseError("could not extend file: No space left on device")

        pre_save.connect(fail_at_item, sender=LiveEntry)
        try:
            with pytest.raises(ValidationError, match="Nothing was published: could not extend"):
                release_publish(release=Release.objects.get(pk=rel.pk), user=None)
        finally:
            pre_save.disconnect(fail_at_item, sender=LiveEntry)
        assert len(saved) == failing
        release = Release.objects.get(pk=rel.pk)
        assert (release.status, release.failure) == (
            Release.Status.OPEN,
            "could not extend file: No space left on device",
        )

    def release_unschedule(self, rel: Rel):
        release_unschedule(release=Release.objects.get(pk=rel.pk), user=None)
        rel.published, rel.at = False, None
        for item in rel.items:
            entry = item.entry
            if item.action == PUBLISH:
                entry.live = entry.live_from = None
                entry.status = item.previous_status
            elif item.action in (UNPUBLISH, ARCHIVE):
                entry.live_until = None
                entry.status = item.previous_status
            else:
                entry.scheduled = None

    def release_revert(self, rel: Rel):
        revert = release_revert(release=Release.objects.get(pk=rel.pk), user=None)
        self.releases.append(Rel(revert.pk, items=self.revert_items(rel), reverts=rel))
