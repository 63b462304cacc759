"""The change feed behind ``GET /api/v1/changes/``: what a mirror must do, in order.

Every change is an *upsert* (the entry is public: store it) or a *delete* (it is not public any
more: drop it). Applying the changes after a cursor, oldest first, to a mirror taken at that
cursor leaves it equal to the public list.

- A public entry's change time is the latest of its last write, its publication time (a
  scheduled entry becomes public when its time passes, without any write) and its vendor's last
  write (an entry shows its vendor's name).
- An entry that exists but is not public (unpublished, archived, rescheduled) is a delete at
  its last write, if it was ever public. Entries whose history shows they never were public
  stay unmentioned, so drafts and scheduled entries never leak.
- A deleted entry is a delete at its deletion, read from the article's history.

Rows can commit a moment after the time they carry. Changes are therefore served only once
they are ``SETTLE_SECONDS`` old, so a cursor never passes a time at which a commit may still
land; upserts are idempotent, so seeing a change twice is harmless.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article
from articles.querysets import public_q

SETTLE_SECONDS = 5

# Sources of changes, in the order they sort at the same time; END sorts after both.
ARTICLES, DELETIONS, END = 0, 1, 2


class InvalidCursor(ValueError):
    """A ``since`` value that is not a cursor this feed handed out."""


@dataclass(frozen=True, order=True)
class Position:
    """A place in the change feed; the changes strictly after it come next."""

    time: datetime
    source: int = END
    id: int = 0

    def encode(self) -> str:
        raw = json.dumps([self.time.isoformat(), self.source, self.id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            time, source, id_ = json.loads(raw)
            parsed = parse_datetime(time)
        except (ValueError, TypeError, binascii.Error):
            raise InvalidCursor(cursor) from None
        if (
            parsed is None
            or timezone.is_naive(parsed)
            or source not in (ARTICLES, DELETIONS, END)
            or type(id_) is not int
        ):
            raise InvalidCursor(cursor)
        return cls(parsed, source, id_)


@dataclass(frozen=True)
class Change:
    action: str  # "upsert" or "delete"
    id: int
    slug: str
    time: datetime
    position: Position
    article: Article | None = None  # the public entry, for an upsert


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change]
    next: Position
    has_more: bool


def _after(position: Position | None, source: int, *, time: str, id: str) -> Q:
    """Rows of ``source`` whose (time, source, id) sorts after ``position``."""
    if position is None:
        return Q()
    later = Q(**{f"{time}__gt": position.time})
    if source > position.source:
        return later | Q(**{time: position.time})
    if source == position.source:
        return later | Q(**{time: position.time, f"{id}__gt": position.id})
    return later


def _public_versions(now: datetime):
    """Historical article rows that were public at the end of the time they were current."""
    history = Article.history.model
    next_version = (
        history.objects.filter(id=OuterRef("id"), history_date__gt=OuterRef("history_date"))
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return history.objects.annotate(
        current_until=Case(
            When(history_type="-", then=F("history_date")),
            default=Coalesce(Subquery(next_version), Value(now)),
            output_field=DateTimeField(),
        )
    ).filter(public_q(at=F("current_until")))


def may_have_been_public(now: datetime, article_id) -> Q:
    """The entry was public at some time, or its history does not reach back to its creation
    (rows created in bulk), so it cannot be shown that it never was."""
    created = Article.history.model.objects.filter(id=article_id, history_type="+")
    return Q(Exists(_public_versions(now).filter(id=article_id))) | ~Q(Exists(created))


def article_changes(now: datetime):
    """Existing entries as changes: public ones, and ones taken down after being public."""
    return Article.objects.annotate(
        public_now=Case(
            When(public_q(at=now), then=True), default=False, output_field=BooleanField()
        ),
        change_time=Case(
            When(
                public_q(at=now),
                then=Greatest("updated_at", "published_at", "vendor__updated_at"),
            ),
            default=F("updated_at"),
            output_field=DateTimeField(),
        ),
    ).filter(public_q(at=now) | may_have_been_public(now, OuterRef("pk")))


def deletion_changes(now: datetime):
    """Deletions of entries that had been public, from the history."""
    return Article.history.filter(history_type="-").filter(
        may_have_been_public(now, OuterRef("id"))
    )


def changes_after(position: Position | None, *, limit: int) -> ChangesPage:
    now = timezone.now()
    until = now - timedelta(seconds=SETTLE_SECONDS)
    articles = (
        article_changes(now)
        .filter(_after(position, ARTICLES, time="change_time", id="id"), change_time__lte=until)
        .order_by("change_time", "id")
        .with_page_data()[: limit + 1]
    )
    deletions = (
        deletion_changes(now)
        .filter(
            _after(position, DELETIONS, time="history_date", id="history_id"),
            history_date__lte=until,
        )
        .order_by("history_date", "history_id")[: limit + 1]
    )
    changes = sorted(
        [
            Change(
                action="upsert" if article.public_now else "delete",
                id=article.pk,
                slug=article.slug,
                time=article.change_time,
                position=Position(article.change_time, ARTICLES, article.pk),
                article=article if article.public_now else None,
            )
            for article in articles
        ]
        + [
            Change(
                action="delete",
                id=record.id,
                slug=record.slug,
                time=record.history_date,
                position=Position(record.history_date, DELETIONS, record.history_id),
            )
            for record in deletions
        ],
        key=lambda change: change.position,
    )
    page = changes[:limit]
    if len(changes) > limit:
        return ChangesPage(page, page[-1].position, has_more=True)
    caught_up = Position(until)
    return ChangesPage(page, max(caught_up, position) if position else caught_up, has_more=False)


def latest_takedown() -> datetime | None:
    """When an entry last left the public (unpublished, archived, rescheduled or deleted)."""
    now = timezone.now()
    taken_down = article_changes(now).filter(public_now=False).aggregate(latest=Max("updated_at"))
    deleted = deletion_changes(now).aggregate(latest=Max("history_date"))
    times = [t for t in (taken_down["latest"], deleted["latest"]) if t is not None]
    return max(times, default=None)
