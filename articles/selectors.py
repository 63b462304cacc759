"""The one public read path. Every public surface (REST, GraphQL, feeds, the change feed,
feedback's "is this entry public" check) reads the live version through these functions;
visibility and every input rule are decided here once. Transports convert wire values into
the types below and render what comes back, usually stored JSON as it is.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import orjson
from django.db import connection
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import search as full_text
from articles import search_text
from articles.choices import ArticleKind
from articles.models import LiveDocument, LiveEntry, PublicationLog, Topic, Vendor
from articles.models.live import REMOVAL_EVENTS, UPSERT_EVENTS
from articles.previews import preview_documents
from cms.languages import default_language, resolve_translation

MAX_FILTER_VALUES = 50
MAX_SEARCH_LENGTH = 200
# Relevance order ranks this many of a search's matches, those published or updated last: a
# word found in most entries stays fast, and what it finds is recent (docs/rest.md, "Search").
SEARCH_RANKED = 2000
MORE_FROM_VENDOR_DEFAULT = 4
MORE_FROM_VENDOR_MAX = 20
FEED_SIZE = 50
# The change feed serves a change once it is this old, so a commit that carries an earlier
# time can never land behind a cursor.
SETTLE_SECONDS = 5

ORDERINGS = {
    "-published": ("-published_at", "-entry_id"),
    "published": ("published_at", "entry_id"),
    "-updated": ("-updated_at", "-entry_id"),
    "updated": ("updated_at", "entry_id"),
}
DEFAULT_ORDERING = "-published"
RELEVANCE = ("-search_score", "-entry_id")


class InvalidRequest(ValueError):
    """What the caller asked for cannot be answered; ``errors`` names each field's problems
    by the names used here (``vendors``, ``search``, ``limit``, ...)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def _refuse(name: str, message: str):
    raise InvalidRequest({name: [message]})


def valid_time(name: str, moment: datetime | None) -> datetime | None:
    """An aware time in UTC (a time without an offset is UTC), or a refusal for one outside
    what the databases store."""
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        _refuse(name, "This time is out of range.")


def valid_limit(name: str, value: int | None, *, default: int, maximum: int) -> int:
    """One policy for page sizes and limits on every surface: 1 to ``maximum``, else refused."""
    if value is None:
        return default
    if not 1 <= value <= maximum:
        _refuse(name, f"Enter a whole number from 1 to {maximum}.")
    return value


def valid_offset(name: str, value: int | None) -> int:
    """How many entries a page skips: 0 or more."""
    if value is None:
        return 0
    if value < 0:
        _refuse(name, "Enter a whole number, 0 or more.")
    return value


def valid_ordering(value: str | None) -> str:
    if value is None:
        return DEFAULT_ORDERING
    if value not in ORDERINGS:
        _refuse("ordering", f"Use one of: {', '.join(ORDERINGS)}.")
    return value


@dataclass(frozen=True)
class EntryFilter:
    """What a list of entries is narrowed to; all conditions must hold, the values of one
    condition are alternatives. Validated on creation."""

    vendors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    published_after: datetime | None = None
    published_before: datetime | None = None
    updated_since: datetime | None = None
    search: str = ""
    has_scorecard: bool | None = None
    search_query: search_text.Query | None = field(
        default=None, init=False, compare=False, repr=False
    )

    def __post_init__(self):
        for name in ("vendors", "kinds", "topics"):
            values = tuple(dict.fromkeys(getattr(self, name)))
            if len(values) > MAX_FILTER_VALUES:
                _refuse(name, f"Give at most {MAX_FILTER_VALUES} values.")
            object.__setattr__(self, name, values)
        unknown = sorted(set(self.kinds) - set(ArticleKind.values))
        if unknown:
            _refuse("kinds", f"Unknown kind: {', '.join(unknown)}.")
        for name in ("published_after", "published_before", "updated_since"):
            object.__setattr__(self, name, valid_time(name, getattr(self, name)))
        search = (self.search or "").strip()
        if len(search) > MAX_SEARCH_LENGTH:
            _refuse("search", f"Use at most {MAX_SEARCH_LENGTH} characters.")
        object.__setattr__(self, "search", search)
        if search:
            try:
                object.__setattr__(self, "search_query", search_text.parse(search))
            except search_text.SearchSyntaxError as error:
                _refuse("search", str(error))

    def apply(self, documents, *, language: str):
        """``documents`` (in ``language``) narrowed to what this filter asks for."""
        if self.vendors or self.topics:
            known = self._known_slugs()
            errors = {}
            for name in ("vendors", "topics"):
                unknown = [slug for slug in getattr(self, name) if slug not in known[name]]
                if unknown:
                    errors[name] = [f"Unknown: {', '.join(unknown)}."]
            if errors:
                raise InvalidRequest(errors)
        if self.vendors:
            documents = documents.filter(vendor_id__in=known["vendors"].values())
        if self.topics:
            tagged = LiveEntry.topics.through.objects.filter(topic_id__in=known["topics"].values())
            documents = documents.filter(entry_id__in=tagged.values("liveentry_id"))
        if self.kinds:
            documents = documents.filter(kind__in=self.kinds)
        if self.published_after:
            documents = documents.filter(published_at__gte=self.published_after)
        if self.published_before:
            documents = documents.filter(published_at__lt=self.published_before)
        if self.updated_since:
            documents = documents.filter(updated_at__gte=self.updated_since)
        if self.has_scorecard is not None:
            documents = documents.filter(has_scorecard=self.has_scorecard)
        if self.search_query:
            documents = documents.filter(full_text.matching(self.search_query, language))
        return documents

    def _known_slugs(self) -> dict[str, dict[str, int]]:
        """The ids of the vendor and topic slugs asked for, in one query for both."""
        parts = [
            model.objects.filter(slug__in=slugs)
            .order_by()
            .values_list(Value(name, output_field=CharField()), "slug", "pk")
            for name, model, slugs in (
                ("vendors", Vendor, self.vendors),
                ("topics", Topic, self.topics),
            )
            if slugs
        ]
        known = {"vendors": {}, "topics": {}}
        for name, slug, pk in parts[0].union(*parts[1:], all=True).order_by():
            known[name][slug] = pk
        return known


def visible_documents(language: str):
    """The live documents the public may see now, in ``language`` (fallback applied)."""
    return LiveDocument.objects.visible().filter(language=language)


def entry_list(entry_filter: EntryFilter, *, language: str, ordering: str | None = None):
    """Public entries matching ``entry_filter``, in ``ordering`` (a key of ``ORDERINGS``).

    A search lists the ``SEARCH_RANKED`` matches published or updated last, each annotated
    with ``search_score`` (higher is better): most relevant first without ``ordering``
    (``RELEVANCE``: ties newest id first), else in that order. Anything else newest first."""
    if entry_filter.search_query is None:
        documents = entry_filter.apply(visible_documents(language), language=language)
        return documents.order_by(*ORDERINGS[ordering or DEFAULT_ORDERING])
    others = replace(entry_filter, search="").apply(visible_documents(language), language=language)
    found = full_text.scored(others, entry_filter.search_query, language, newest=SEARCH_RANKED)
    return found.order_by(*(RELEVANCE if ordering is None else ORDERINGS[ordering]))


@dataclass(frozen=True)
class SearchHit:
    """Why a document is in a search's results: its score (higher is better; the scale
    differs between SQLite and PostgreSQL) and a passage of its text with the reader's words
    marked (HTML: ``<mark>`` around each, the rest escaped)."""

    score: float
    snippet: str


def stored_documents(ids: list[int]) -> dict[int, str]:
    """The stored documents (JSON text) of the live documents ``ids`` by id, in one query;
    one unpublished since the ids were read is left out. A search reads its page as ids
    first: sorting the matches by score (or over the join with the index) carries every
    selected column, and a document along would be read for every match, not the page's."""
    return dict(LiveDocument.objects.filter(pk__in=ids).values_list("pk", "document"))


def search_hits(
    entry_filter: EntryFilter, *, language: str, documents, scores: list[float]
) -> list[SearchHit]:
    """The hit of each of ``documents`` (a page of ``entry_list`` with a search, as stored
    JSON text or parsed) with its ``search_score`` from ``scores``, in the same order."""
    query = entry_filter.search_query
    parsed = [json.loads(d) if isinstance(d, str | bytes) else d for d in documents]
    return [
        SearchHit(float(f"{score:.6g}"), search_text.snippet(query, d, language))
        for d, score in zip(parsed, scores, strict=True)
    ]


@dataclass(frozen=True)
class Page:
    """One page of a list read in its order from a place in it (keyset paging: pages stay
    stable while rows are added). ``keys`` hold each item's ordering values, to continue
    from; ``more`` says whether rows go on past the page in the direction it was read."""

    items: list
    keys: list[tuple]
    more: bool
    hits: list["SearchHit"] | None = None  # a search's, one per item


def _reverse(order: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)


def _past(order: tuple[str, ...], keys: tuple) -> Q:
    """Rows that come after the row with ``keys`` in ``order``. The first key's bound is
    repeated on its own, so an index on the order bounds the scan (no sort)."""
    condition, equal = Q(), {}
    for name, value in zip(order, keys, strict=True):
        field = name.lstrip("-")
        comparison = "lt" if name.startswith("-") else "gt"
        condition |= Q(**equal, **{f"{field}__{comparison}": value})
        equal[field] = value
    first = order[0]
    bound = "lte" if first.startswith("-") else "gte"
    return condition & Q(**{f"{first.lstrip('-')}__{bound}": keys[0]})


def _keyset_page(queryset, order, *, limit: int, after=None, backwards=False, key) -> Page:
    """``limit`` rows of ``queryset`` after ``after`` in ``order`` (before it, with
    ``backwards``; the page is still in ``order``), in one query."""
    if backwards:
        order = _reverse(order)
    if after is not None:
        queryset = queryset.filter(_past(order, tuple(after)))
    rows = list(queryset.order_by(*order)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    return Page(rows, [key(row) for row in rows], more)


def entry_page(
    entry_filter: EntryFilter,
    *,
    language: str,
    ordering: str | None = None,
    limit: int,
    after: tuple | None = None,
    backwards: bool = False,
) -> Page:
    """A page of :func:`entry_list` as stored documents (JSON text); keys are (time, entry
    id) in ``ordering``'s time, or (score, entry id) in a search's relevance order. A search
    gives each item's hit. Unknown vendor or topic slugs are refused."""
    search = entry_filter.search_query is not None
    order = RELEVANCE if search and ordering is None else ORDERINGS[ordering or DEFAULT_ORDERING]
    # A search's page is read as document ids, then its documents (``stored_documents``).
    read = ("pk", "search_score") if search else ("document",)
    rows = entry_list(entry_filter, language=language, ordering=ordering).values_list(
        *(name.lstrip("-") for name in order), *read
    )
    page = _keyset_page(
        rows, order, limit=limit, after=after, backwards=backwards, key=lambda row: row[:2]
    )
    if not search:
        return Page([row[2] for row in page.items], page.keys, page.more)
    stored = stored_documents([row[2] for row in page.items])
    rows = [row for row in page.items if row[2] in stored]
    documents = [stored[row[2]] for row in rows]
    scores = [row[3] for row in rows]
    hits = search_hits(entry_filter, language=language, documents=documents, scores=scores)
    return Page(documents, [row[:2] for row in rows], page.more, hits)


def entry_detail(*, slug: str, language: str) -> LiveDocument | None:
    return (
        visible_documents(language)
        .filter(slug=slug)
        .only("document", "entry_id", "vendor_id")
        .first()
    )


@dataclass(frozen=True)
class Related:
    """A public entry's "more from this vendor": its vendor's other entries as (id, JSON)."""

    entry_id: int
    vendor_id: int
    others: list[tuple[int, str]]


def related_entries(*, slug: str, language: str, limit: int) -> Related | None:
    """The vendor's other public entries, newest first, as stored cards with their ids; None
    when ``slug`` is not a public entry. Two queries."""
    entry = visible_documents(language).filter(slug=slug).values("entry_id", "vendor_id").first()
    if entry is None:
        return None
    pair = (entry["entry_id"], entry["vendor_id"])
    return Related(*pair, _others([pair], language, limit, "card")[pair[0]])


def more_from_vendor(*, slug: str, language: str, limit: int) -> list[str] | None:
    """The vendor's other public entries, newest first, as stored cards; None when ``slug`` is
    not a public entry."""
    related = related_entries(slug=slug, language=language, limit=limit)
    return None if related is None else [card for _id, card in related.others]


def more_from_vendors(
    entries, language: str, limit: int, *, column: str = "card"
) -> dict[int, list[str]]:
    """Many entries' "more from this vendor" in one query: ``entries`` are (entry id, vendor
    id) pairs; each gets up to ``limit`` of its vendor's other entries, newest first, as stored
    JSON (``column``: "card", or "document" for the full entry)."""
    return {
        entry_id: [text for _id, text in others]
        for entry_id, others in _others(entries, language, limit, column).items()
    }


def _others(entries, language: str, limit: int, column: str) -> dict[int, list[tuple[int, str]]]:
    vendor_ids = {vendor_id for _entry, vendor_id in entries}
    rows = (
        visible_documents(language)
        .filter(vendor_id__in=vendor_ids)
        .annotate(
            position=Window(
                RowNumber(), partition_by=F("vendor_id"), order_by=list(ORDERINGS["-published"])
            )
        )
        .filter(position__lte=limit + 1)
        .order_by("vendor_id", "position")
        .values_list("vendor_id", "entry_id", column)
    )
    by_vendor: dict[int, list[tuple[int, str]]] = {}
    for vendor_id, entry_id, text in rows:
        by_vendor.setdefault(vendor_id, []).append((entry_id, text))
    return {
        entry_id: [row for row in by_vendor.get(vendor_id, []) if row[0] != entry_id][:limit]
        for entry_id, vendor_id in entries
    }


@dataclass(frozen=True)
class VendorPage:
    total: int
    documents: list[str] = field(default_factory=list)


def vendor_pages(
    vendor_ids,
    entry_filter: EntryFilter,
    *,
    language: str,
    ordering: str = DEFAULT_ORDERING,
    offset: int,
    limit: int,
) -> dict[int, VendorPage]:
    """One page of each vendor's public entries matching ``entry_filter`` (the same page of
    ``entry_list`` narrowed to the vendor), with each vendor's total, in one query: window
    functions number each vendor's rows and count them. A vendor's first row always comes
    along, as it carries the total."""
    vendor_ids = set(vendor_ids)
    rows = (
        entry_filter.apply(visible_documents(language), language=language)
        .filter(vendor_id__in=vendor_ids)
        .annotate(
            position=Window(
                RowNumber(), partition_by=F("vendor_id"), order_by=list(ORDERINGS[ordering])
            ),
            total=Window(Count("pk"), partition_by=F("vendor_id")),
        )
        .filter(Q(position__gt=offset, position__lte=offset + limit) | Q(position=1))
        .order_by("vendor_id", "position")
        .values_list("vendor_id", "position", "total", "document")
    )
    totals = dict.fromkeys(vendor_ids, 0)
    documents: dict[int, list[str]] = {vendor_id: [] for vendor_id in vendor_ids}
    for vendor_id, position, total, document in rows:
        totals[vendor_id] = total
        if position > offset:
            documents[vendor_id].append(document)
    return {
        vendor_id: VendorPage(totals[vendor_id], documents[vendor_id]) for vendor_id in vendor_ids
    }


def public_counts(vendor_ids=None) -> dict[int, int]:
    """How many public entries each vendor has."""
    documents = visible_documents(default_language())
    if vendor_ids is not None:
        documents = documents.filter(vendor_id__in=vendor_ids)
    return dict(documents.values_list("vendor_id").annotate(n=Count("entry_id")).order_by())


@dataclass(frozen=True)
class VendorView:
    vendor: Vendor
    language: str
    public_article_count: int

    @property
    def resolved(self):
        return resolve_translation(self.vendor.translations.all(), self.language)


def _vendors():
    """Vendors with their translations and their count of public entries (two queries)."""
    counts = (
        visible_documents(default_language())
        .filter(vendor_id=OuterRef("pk"))
        .order_by()
        .values("vendor_id")
        .annotate(n=Count("entry_id"))
        .values("n")
    )
    return Vendor.objects.prefetch_related("translations").annotate(
        public_count=Coalesce(Subquery(counts), 0)
    )


def vendor_list(*, language: str, slugs=None) -> list[VendorView]:
    """Every vendor (or those with ``slugs``) by slug, with its count of public entries."""
    vendors = Vendor.objects.prefetch_related("translations").order_by("slug")
    if slugs is not None:
        vendors = vendors.filter(slug__in=slugs)
    vendors = list(vendors)
    counts = public_counts([vendor.pk for vendor in vendors])
    return [VendorView(vendor, language, counts.get(vendor.pk, 0)) for vendor in vendors]


def vendor_page(
    *, language: str, limit: int, after: tuple | None = None, backwards: bool = False
) -> Page:
    """A page of vendors by slug, as :class:`VendorView`; keys are (slug,)."""
    page = _keyset_page(
        _vendors(),
        ("slug",),
        limit=limit,
        after=after,
        backwards=backwards,
        key=lambda vendor: (vendor.slug,),
    )
    views = [VendorView(vendor, language, vendor.public_count) for vendor in page.items]
    return Page(views, page.keys, page.more)


def vendor_by_slug(slug: str) -> Vendor | None:
    return Vendor.objects.filter(slug=slug).first()


@dataclass(frozen=True)
class TopicView:
    slug: str
    name: str
    public_article_count: int


def topic_list(*, slugs=None) -> list[TopicView]:
    """Topics with public entries (of those with ``slugs``), by name, with how many each
    has. A topic no public entry carries is not listed: its name may announce one."""
    tagged = LiveEntry.topics.through.objects.filter(
        liveentry_id__in=visible_documents(default_language()).values("entry_id")
    )
    if slugs is not None:
        tagged = tagged.filter(topic__slug__in=slugs)
    rows = (
        tagged.values_list("topic__slug", "topic__name")
        .annotate(count=Count("liveentry_id"))
        .order_by("topic__name", "topic__slug")
    )
    return [TopicView(slug, name, count) for slug, name, count in rows]


def is_public(*, article_id) -> bool:
    """Feedback may be sent about public entries only."""
    return LiveDocument.objects.visible().filter(entry_id=article_id).exists()


def preview_document(*, slug: str, token: str, language: str) -> str | None:
    """Not public: the entry a valid preview token names, in any state, as JSON built from its
    working copy by the code publishing uses (as if it were published now); None for any
    token that is not valid for ``slug``."""
    preview = preview_documents(slug=slug, token=token)
    return None if preview is None else orjson.dumps(preview.documents[language]).decode()


def feed_entries(*, language: str, vendor: Vendor | None = None) -> list[dict]:
    """The public entries for a feed, as documents, the last modified first: a significant
    update or a new note brings an entry back to the top."""
    documents = visible_documents(language)
    if vendor is not None:
        documents = documents.filter(vendor_id=vendor.pk)
    rows = documents.order_by("-modified_at", "-entry_id").values_list("document", flat=True)
    return [json.loads(document) for document in rows[:FEED_SIZE]]


def feed_notes(*, language: str) -> list[tuple[dict, dict]]:
    """The newest notes on public entries as (note, entry document) pairs, newest first.

    The entries whose newest notes are newest hold the ``FEED_SIZE`` newest notes: one query.
    """
    rows = (
        visible_documents(language)
        .filter(noted_at__isnull=False)
        .order_by("-noted_at", "-entry_id")
        .values_list("document", flat=True)
    )
    entries = [json.loads(document) for document in rows[:FEED_SIZE]]
    notes = [(note, entry) for entry in entries for note in entry["notes"]]
    notes.sort(key=lambda pair: (pair[0]["published_at"], pair[0]["id"]), reverse=True)
    return notes[:FEED_SIZE]


# --- The publication log: validators and the change feed ------------------------------------


@dataclass(frozen=True)
class Head:
    """Where the publication log stands for the public now: changes on any public surface
    (a publication, a removal, a scheduled entry's time passing) change it."""

    position: int
    due: datetime | None

    @property
    def token(self) -> str:
        return f"{self.position}-{self.due.timestamp() if self.due else 0}"


def log_head() -> Head:
    """One query: the last position handed out, and the latest time any change took effect
    (a scheduled publication raises it when its time comes, without any write)."""
    table = connection.ops.quote_name(PublicationLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(position) FROM {table}), "
            f"(SELECT MAX(effective_at) FROM {table} WHERE effective_at <= %s)",
            [timezone.now()],
        )
        position, due = cursor.fetchone()
    if isinstance(due, str):  # SQLite returns the text it stores
        due = parse_datetime(due)
    if due is not None and timezone.is_naive(due):
        due = due.replace(tzinfo=UTC)
    return Head(position or 0, due)


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
        return cls(parsed.astimezone(UTC), position)


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


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change] = field(default_factory=list)
    next: FeedPosition = START
    has_more: bool = False


def changes_after(after: FeedPosition | None, *, language: str, limit: int) -> ChangesPage:
    """The changes to public entries after ``after``, oldest first (see docs/rest.md).

    An upsert carries the entry as the public sees it now; an upsert of an entry that is no
    longer public is left out (the removal that follows it in the log says so).
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
        ).order_by("effective_at", "position")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
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
            )
        )
    last = FeedPosition(rows[-1].effective_at, rows[-1].position) if rows else after
    return ChangesPage(changes, last, has_more)
