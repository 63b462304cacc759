"""The publication log as the public sees it: its head (the validators' version) and the
change feed with its cursors."""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import PublicationLog
from articles.models.live import REMOVAL_EVENTS, UPSERT_EVENTS
from articles.selectors.rules import visible_documents
from kernel.staleness import Reused

# The change feed serves a change once it is this old, so a commit that carries an earlier
# time can never land behind a cursor.
SETTLE_SECONDS = 5


@dataclass(frozen=True)
class Head:
    """Where the publication log stands for the public now: changes on any public surface
    (a publication, a removal, a scheduled entry's time passing) change it."""

    position: int
    due: datetime | None
    #: The next scheduled change the log knows of: every cacheable answer expires by then.
    next_at: datetime | None = None

    @property
    def token(self) -> str:
        return f"{self.position}-{self.due.timestamp() if self.due else 0}"


def log_head() -> Head:
    """Where the log stands, read from the database the request's data is read from.

    Each process reuses the head it read for ``PUBLIC_HEAD_STALENESS_MS``
    (``kernel.staleness``): a public answer is then validated and cached by a head at most
    that old, never by one newer than the data it is built from (the data is read after the
    head). It is read afresh once the head's next scheduled change is due, and after this
    process committed a publication (``forget_log_heads``)."""
    return _heads.get(router.db_for_read(PublicationLog))


def forget_log_heads() -> None:
    """Read the head afresh on the next request."""
    _heads.forget()


def forget_log_heads_on_commit(**_signal) -> None:
    """A receiver of ``articles.publishing.log_appended``: this process sees its own
    publications at once, once they commit."""
    transaction.on_commit(forget_log_heads)


def _read_head(connection) -> Head:
    """One query: the last position handed out, the latest time any change took effect (a
    scheduled publication raises it when its time comes, without any write), and the time
    of the next scheduled change."""
    table = connection.ops.quote_name(PublicationLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(position) FROM {table}), "
            f"(SELECT MAX(effective_at) FROM {table} WHERE effective_at <= %s), "
            f"(SELECT MIN(effective_at) FROM {table} WHERE effective_at > %s)",
            [now := timezone.now(), now],
        )
        position, due, next_at = cursor.fetchone()
    return Head(position or 0, _aware(due), _aware(next_at))


_heads = Reused(
    _read_head, expired=lambda head: head.next_at is not None and head.next_at <= timezone.now()
)


def _aware(value) -> datetime | None:
    if isinstance(value, str):  # SQLite returns the text it stores
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


class InvalidCursor(ValueError):
    """A ``since`` value that is not a cursor this feed hands out."""


class OutdatedCursor(InvalidCursor):
    """A cursor of the feed's first format, (time, source, id): its places are not log
    positions, so a mirror holding one has to sync again from the start."""


@dataclass(frozen=True, order=True)
class FeedPosition:
    """A place in the change feed: the changes after it come next."""

    effective_at: datetime
    position: int

    def encode(self) -> str:
        raw = json.dumps([self.effective_at.isoformat(), self.position]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "FeedPosition":
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise InvalidCursor(cursor) from None
        if _is_first_format(data):
            raise OutdatedCursor(cursor)
        try:
            time, position = data
            parsed = parse_datetime(time)
        except (ValueError, TypeError):
            raise InvalidCursor(cursor) from None
        if parsed is None or timezone.is_naive(parsed) or type(position) is not int:
            raise InvalidCursor(cursor)
        try:
            return cls(parsed.astimezone(UTC), position)
        except OverflowError:  # year 1 ahead of UTC, or year 9999 behind it
            raise InvalidCursor(cursor) from None


def _is_first_format(data) -> bool:
    if not (isinstance(data, list) and len(data) == 3 and isinstance(data[0], str)):
        return False
    try:
        time = parse_datetime(data[0])
    except ValueError:
        return False
    return time is not None and data[1] in (0, 1, 2) and type(data[2]) is int


START = FeedPosition(datetime(2000, 1, 1, tzinfo=UTC), 0)


@dataclass(frozen=True)
class Change:
    action: str  # "upsert" or "delete"
    id: int
    slug: str
    time: datetime
    position: int
    document: str | None = None  # the entry's JSON, for an upsert
    release: int | None = None  # the release that made the change, if one did


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change] = field(default_factory=list)
    next: FeedPosition = START
    has_more: bool = False


def changes_after(after: FeedPosition | None, *, language: str, limit: int) -> ChangesPage:
    """The changes to public entries after ``after``, oldest first (see docs/rest.md).

    An upsert carries the entry as the public sees it now; an upsert of an entry that is no
    longer public is left out (the removal that follows it in the log says so). A page never
    splits a release's changes: one that would end inside them goes on to their end.
    """
    after = after or START
    until = timezone.now() - timedelta(seconds=SETTLE_SECONDS)
    rows = list(
        PublicationLog.objects.filter(
            Q(effective_at__gt=after.effective_at)
            | Q(effective_at=after.effective_at, position__gt=after.position),
            # Redundant with the line above, it lets the index bound the scan (no sort).
            effective_at__gte=after.effective_at,
            effective_at__lte=until,
            event__in=[*UPSERT_EVENTS, *REMOVAL_EVENTS],
        )
        .order_by("effective_at", "position")
        .only("event", "article_id", "slug", "effective_at", "position", "release_id")[
            # Enough rows to finish a release the page would end inside, in the same query.
            : limit + settings.RELEASE_MAX_ITEMS + 1
        ]
    )
    end = _page_end(rows, limit)
    has_more = len(rows) > end
    rows = rows[:end]
    upserted = {row.article_id for row in rows if row.is_upsert}
    documents = dict(
        visible_documents(language)
        .filter(entry_id__in=upserted)
        .values_list("entry_id", "document")
    )
    changes = []
    for row in rows:
        if row.is_upsert and row.article_id not in documents:
            continue
        changes.append(
            Change(
                action="upsert" if row.is_upsert else "delete",
                id=row.article_id,
                slug=row.slug,
                time=row.effective_at,
                position=row.position,
                document=documents.get(row.article_id) if row.is_upsert else None,
                release=row.release_id,
            )
        )
    last = FeedPosition(rows[-1].effective_at, rows[-1].position) if rows else after
    return ChangesPage(changes, last, has_more)


def _page_end(rows: list[PublicationLog], limit: int) -> int:
    """How many of ``rows`` the page takes: ``limit``, or more when the last of them is a
    release's and more of that release follow (its changes are one batch: consecutive rows
    at one time, at most ``RELEASE_MAX_ITEMS``), so a mirror applies a release whole."""
    if len(rows) <= limit:
        return len(rows)
    last, end = rows[limit - 1], limit
    if last.release_id is None:
        return end
    while end < len(rows) and (rows[end].release_id, rows[end].effective_at) == (
        last.release_id,
        last.effective_at,
    ):
        end += 1
    return end
