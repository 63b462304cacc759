"""The desk's steps for the live-version property test (``test_live_property``), applied
through the services, beside a model of what must be live: the entries' live versions and
the releases holding them. Every surface's expected content is derived from the model."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, LiveEntry, PublicationLog, Release
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
)
from tests.articles.release_steps import (
    ARCHIVE,
    ARCHIVED,
    CHANGES,
    DRAFT,
    PUBLISH,
    PUBLISHED,
    UNPUBLISH,
    Rel,
    ReleaseSteps,
)
from tests.factories import ArticleFactory, VendorFactory

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
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
    live_until: datetime | None = None  # a scheduled release takes it off then


class Desk(ReleaseSteps):
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
        """Scheduled changes whose time has come are what is live; entries whose withdrawal
        time has come are not live."""
        for e in self.entries:
            if e.scheduled and e.scheduled[1] <= self.now:
                e.live, e.scheduled = e.scheduled[0], None
            if e.live_until and e.live_until <= self.now:
                e.live = e.live_from = e.live_until = None

    def is_live(self, entry: Entry) -> bool:
        return entry.live is not None or entry.status == PUBLISHED

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
            # A live entry goes in with changes to publish (else the add is refused).
            "release_add": [(r, e) for r in adding_to for e in free if e.working != e.live],
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

    # The steps.

    def take(self, step: str, candidate):
        refusal = self.refusal(step, candidate)
        if refusal is None:
            getattr(self, step)(candidate)
            return
        with pytest.raises(ValidationError, match=refusal):
            getattr(self, step)(candidate)
        if step.startswith("release_publish") or step == "release_schedule":
            release = Release.objects.get(pk=candidate.pk)  # open still, with every reason
            assert release.status == Release.Status.OPEN
            assert all(re.search(words, release.failure) for words in refusal.split("|"))

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

    def visible(self) -> dict[str, str]:
        self.settle()
        return {
            e.slug: e.live.title
            for e in self.entries
            if e.live is not None and e.live_from <= self.now
        }
