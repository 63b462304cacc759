"""The desk's steps for the live-version property test (``test_live_property``), applied
through the services, beside a model of what must be live: the entries' live versions and
the releases holding them. Every surface's expected content is derived from the model."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models.signals import pre_save

from articles.models import Article, LiveEntry, PublicationLog, Release, ReleaseAction
from articles.selectors.log import forget_log_heads
from articles.services import (
    article_archive,
    article_cancel_scheduled_changes,
    article_delete,
    article_discard_changes,
    article_publish,
    article_publish_changes,
    article_reopen,
    article_schedule_changes,
    article_submit_for_review,
    article_unpublish,
    article_update,
    release_create,
    release_item_add,
    release_item_review,
    release_item_update,
    release_publish,
    release_revert,
    release_unschedule,
)
from tests.factories import ArticleFactory, VendorFactory

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DRAFT, PUBLISHED, ARCHIVED = Article.Status.DRAFT, Article.Status.PUBLISHED, Article.Status.ARCHIVED
PUBLISH, CHANGES = ReleaseAction.PUBLISH, ReleaseAction.PUBLISH_CHANGES
UNPUBLISH, ARCHIVE = ReleaseAction.UNPUBLISH, ReleaseAction.ARCHIVE
TARGET = {PUBLISH: PUBLISHED, CHANGES: PUBLISHED, UNPUBLISH: DRAFT, ARCHIVE: ARCHIVED}
# Each step with a weight, so that a sequence builds up entries before it takes them down.
STEPS = {
    "write": 3,
    "edit": 3,
    "publish_now": 3,
    "schedule": 1,
    "publish_changes": 2,
    "schedule_changes": 2,
    "cancel_scheduled_changes": 1,
    "discard_changes": 1,
    "unpublish": 1,
    "archive": 1,
    "reopen": 1,
    "delete": 1,
    "wait": 1,
    "time_passes": 1,
    "release_add": 3,
    "release_add_removal": 1,
    "release_update": 1,
    "release_review": 4,
    "release_publish": 3,
    "release_publish_override": 1,
    "release_publish_failing": 1,
    "release_schedule": 2,
    "release_unschedule": 2,
    "release_revert": 2,
}
WORKFLOW = {
    "publish_now",
    "schedule",
    "publish_changes",
    "schedule_changes",
    "cancel_scheduled_changes",
    "discard_changes",
    "unpublish",
    "archive",
    "reopen",
}


@dataclass(frozen=True)
class Version:
    """A revision of an entry: ``rev`` is equal exactly when the database's revision ids are
    (every recorded revision gets a new one)."""

    title: str
    rev: int


@dataclass(eq=False)
class Entry:
    pk: int
    slug: str
    status: str
    working: Version
    live: Version | None = None
    live_from: datetime | None = None
    scheduled: tuple[Version, datetime] | None = None  # a change to the live version, its time


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
    reverts: "Rel | None" = None
    # Before it went live: each entry's model state and public document (None: not shown).
    before: dict[int, tuple] = field(default_factory=dict)


def rest_document(client, slug: str) -> dict | None:
    """The entry's public REST document without its update times, or None (404)."""
    response = client.get(f"/api/v1/articles/{slug}/?lang=en")
    if response.status_code == 404:
        return None
    return {k: v for k, v in response.json().items() if k not in {"updated_at", "modified_at"}}


class Desk:
    """The steps, applied through the services, and the model of what must be live."""

    def __init__(self, traveller, client):
        Release.objects.all().delete()
        LiveEntry.objects.all().delete()
        PublicationLog.objects.all().delete()
        Article.objects.all().delete()
        # The log emptied behind the services' back (never done outside a test): the head this
        # process reuses is read afresh, as after a restart.
        forget_log_heads()
        self.traveller, self.client, self.now = traveller, client, START
        traveller.move_to(START)
        self.vendor = VendorFactory()
        self.entries: list[Entry] = []
        self.releases: list[Rel] = []
        self.revisions = 0

    # The model's reading of the state.

    def revision(self, title: str) -> Version:
        self.revisions += 1
        return Version(title, self.revisions)

    def settle(self):
        """Scheduled changes whose time has come are what is live."""
        for e in self.entries:
            if e.scheduled and e.scheduled[1] <= self.now:
                e.live, e.scheduled = e.scheduled[0], None

    def waiting(self, rel: Rel) -> bool:
        return rel.published and rel.at is not None and rel.at > self.now

    def pending(self) -> list[Rel]:
        return [r for r in self.releases if not r.published or self.waiting(r)]

    def held_by(self, entry: Entry) -> Rel | None:
        return next((r for r in self.pending() for i in r.items if i.entry is entry), None)

    def is_live(self, entry: Entry) -> bool:
        return entry.live is not None or entry.status == PUBLISHED

    def problems(self, rel: Rel, *, at=None, override=False) -> list[str]:
        """Why publishing ``rel`` is refused, as the words the refusal uses."""
        self.settle()
        problems = []
        for item in rel.items:
            live = self.is_live(item.entry)
            if live == (item.action == PUBLISH):
                problems.append("The entry is (not )?live")
            if not item.reviewed:
                problems.append("not reviewed")
            if item.entry.live != item.base and not override:
                problems.append("conflicts")
            if at is not None and item.action in (UNPUBLISH, ARCHIVE):
                problems.append("cannot unpublish or archive")
        return problems

    def refusal(self, step: str, candidate) -> str | None:
        """The words of the refusal a step must meet, if it must be refused."""
        waiting = (rel := self.held_by(candidate)) and self.waiting(rel)
        if (step in WORKFLOW or step == "delete") and waiting:
            return "unschedule the release"
        if step == "delete" and self.held_by(candidate):
            return "remove it from the release first"
        if step == "release_revert":
            entries = {item.entry for item in self.revert_items(candidate)}
            if any(self.held_by(e) for e in entries):
                return "is in the release"
        if step.startswith("release_publish") or step == "release_schedule":
            at = self.now + timedelta(hours=1) if step == "release_schedule" else None
            problems = self.problems(candidate, at=at, override=step.endswith("override"))
            return "|".join(sorted(set(problems))) or None
        return None

    def candidates(self) -> dict[str, list]:
        """What each step may be taken on now (a step with none is not taken)."""
        self.settle()
        open_releases = [r for r in self.releases if not r.published]
        # Most workflow steps leave entries in open releases alone (publishing changes does
        # not: the items conflict); those in a scheduled release refuse them.
        outside = [e for e in self.entries if self.held_by(e) not in open_releases]
        free = [e for e in self.entries if not self.held_by(e)]
        changed = [
            e
            for e in self.entries
            if e.status == PUBLISHED and (e.live is None or e.working.title != e.live.title)
        ]
        open_items = [i for r in open_releases for i in r.items]
        # Entries go into an open release, or into a new one (None).
        adding_to = [*open_releases, None]
        filled = [r for r in open_releases if r.items]
        return {
            "schedule_changes": [e for e in changed if e in outside and e.live_from <= self.now],
            "cancel_scheduled_changes": [e for e in outside if e.scheduled],
            "edit": [e for e in self.entries if e.status in (DRAFT, PUBLISHED)],
            "publish_now": [e for e in outside if e.status == DRAFT],
            "schedule": [e for e in outside if e.status == DRAFT],
            "publish_changes": changed,
            "discard_changes": [e for e in changed if e in outside],
            "unpublish": [e for e in outside if e.status == PUBLISHED],
            "archive": [e for e in outside if e.status == PUBLISHED],
            "reopen": [e for e in outside if e.status == ARCHIVED],
            "delete": self.entries,
            "release_add": [(r, e) for r in adding_to for e in free],
            "release_add_removal": [
                (r, e, action)
                for r in adding_to
                for e in free
                if self.is_live(e)
                for action in (UNPUBLISH, ARCHIVE)
            ],
            "release_update": open_items,
            "release_review": [r for r in filled if not all(i.reviewed for i in r.items)],
            "release_publish": filled,
            "release_publish_override": filled,
            "release_publish_failing": [
                r
                for r in filled
                if not self.problems(r) and any(i.action in (PUBLISH, CHANGES) for i in r.items)
            ],
            "release_schedule": filled,
            "release_unschedule": [r for r in self.releases if self.waiting(r)],
            "release_revert": [r for r in self.releases if r.published and not self.waiting(r)],
        }

    def steps(self) -> list[tuple[str, list]]:
        """The steps that may be taken now, each with its candidates, as often as it weighs."""
        candidates = self.candidates()
        steps = [(step, candidates.get(step, [None])) for step in STEPS]
        return [(step, options) for step, options in steps if options for _ in range(STEPS[step])]

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

    # The steps.

    def take(self, step: str, candidate):
        refusal = self.refusal(step, candidate)
        if refusal is None:
            getattr(self, step)(candidate)
            return
        with pytest.raises(ValidationError, match=refusal):
            getattr(self, step)(candidate)
        if step.startswith("release_publish") or step == "release_schedule":
            release = Release.objects.get(pk=candidate.pk)
            assert (release.status, release.failed_at is not None) == (Release.Status.OPEN, True)

    def article(self, entry: Entry) -> Article:
        return Article.objects.get(pk=entry.pk)

    def write(self, _):
        article = ArticleFactory(draft=True, vendor=self.vendor)
        title = article.translations.get().title
        self.entries.append(Entry(article.pk, article.slug, DRAFT, self.revision(title)))

    def edit(self, entry: Entry):
        title = f"{entry.slug} edit {self.revisions + 1}"
        translations = {"en": {"title": title}}
        article_update(article=self.article(entry), user=None, translations=translations)
        entry.working = self.revision(title)

    def publish_now(self, entry: Entry, at=None):
        article = article_submit_for_review(article=self.article(entry), user=None)
        article_publish(article=article, user=None, at=at)
        entry.working = entry.live = self.revision(entry.working.title)
        entry.status, entry.live_from = PUBLISHED, at or self.now

    def schedule(self, entry: Entry):
        self.publish_now(entry, at=self.now + timedelta(hours=1))

    def publish_changes(self, entry: Entry):
        article_publish_changes(article=self.article(entry), user=None)
        entry.working = entry.live = self.revision(entry.working.title)
        entry.scheduled = None

    def schedule_changes(self, entry: Entry):
        at = self.now + timedelta(hours=1)
        article_schedule_changes(article=self.article(entry), user=None, at=at)
        entry.working = self.revision(entry.working.title)
        entry.scheduled = (entry.working, at)

    def cancel_scheduled_changes(self, entry: Entry):
        article_cancel_scheduled_changes(article=self.article(entry), user=None)
        entry.scheduled = None

    def discard_changes(self, entry: Entry):
        article_discard_changes(article=self.article(entry), user=None)
        entry.working = self.revision(entry.live.title)

    def take_off(self, entry: Entry, service, status):
        service(article=self.article(entry), user=None)
        entry.working = self.revision(entry.working.title)
        entry.status = status
        entry.live = entry.live_from = entry.scheduled = None

    def unpublish(self, entry: Entry):
        self.take_off(entry, article_unpublish, DRAFT)

    def archive(self, entry: Entry):
        self.take_off(entry, article_archive, ARCHIVED)

    def reopen(self, entry: Entry):
        article_reopen(article=self.article(entry), user=None)
        entry.working = self.revision(entry.working.title)
        entry.status = DRAFT

    def delete(self, entry: Entry):
        article_delete(article=self.article(entry), user=None)
        self.entries.remove(entry)
        for rel in self.releases:  # only published releases hold it (the rows go with it)
            rel.items = [item for item in rel.items if item.entry is not entry]

    def wait(self, _):
        self.now += timedelta(minutes=40)
        self.traveller.move_to(self.now)

    def time_passes(self, _):
        """To the second a scheduled change or release comes due, or an hour."""
        times = [e.scheduled[1] for e in self.entries if e.scheduled]
        times += [r.at for r in self.releases if self.waiting(r)]
        self.now = min(times) if times else self.now + timedelta(hours=1)
        self.traveller.move_to(self.now)

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
        if item.action in (UNPUBLISH, ARCHIVE):
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
        """A database error at the k-th live entry written: nothing changes."""
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
            else:
                entry.scheduled = None

    def release_revert(self, rel: Rel):
        revert = release_revert(release=Release.objects.get(pk=rel.pk), user=None)
        self.releases.append(Rel(revert.pk, items=self.revert_items(rel), reverts=rel))

    def visible(self) -> dict[str, str]:
        self.settle()
        return {
            e.slug: e.live.title
            for e in self.entries
            if e.live is not None and e.live_from <= self.now
        }
