"""Public entries: lists and their pages (search included), one entry, more from the vendor,
the feeds, and whether an entry is public."""

import json
from dataclasses import dataclass, replace

import orjson
from django.db.models import Q

from articles import search as full_text
from articles import search_text
from articles.models import LiveDocument, Vendor
from articles.previews import preview_documents
from articles.selectors.rules import (
    DEFAULT_ORDERING,
    ORDERINGS,
    RELEVANCE,
    EntryFilter,
    visible_documents,
)
from kernel.sql import slices_union

# Relevance order ranks this many of a search's matches, those published or updated last: a
# word found in most entries stays fast, and what it finds is recent (docs/rest.md, "Search").
SEARCH_RANKED = 2000


FEED_SIZE = 50


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


@dataclass(frozen=True)
class StoredMatch:
    """A search's match as stored: its document (JSON text) and its search columns (the
    stemmed words of each field), which tell its snippet where the reader's words are."""

    document: str
    indexed: dict[str, str]


def stored_matches(ids: list[int]) -> dict[int, StoredMatch]:
    """The live documents ``ids`` by id, in one query; one unpublished since the ids were
    read is left out. A search reads its page as ids first: sorting the matches by score (or
    over the join with the index) carries every selected column, and a document along would
    be read for every match, not the page's."""
    rows = LiveDocument.objects.filter(pk__in=ids).values_list("pk", "document", *full_text.FIELDS)
    return {
        pk: StoredMatch(document, dict(zip(full_text.FIELDS, fields, strict=True)))
        for pk, document, *fields in rows
    }


def search_hits(
    entry_filter: EntryFilter, *, language: str, matches: list[StoredMatch], scores: list[float]
) -> list[SearchHit]:
    """The hit of each of ``matches`` (a page of ``entry_list`` with a search) with its
    ``search_score`` from ``scores``, in the same order."""
    query = entry_filter.search_query
    return [
        SearchHit(
            float(f"{score:.6g}"),
            search_text.snippet(query, orjson.loads(match.document), language, match.indexed),
        )
        for match, score in zip(matches, scores, strict=True)
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


def keyset_page(queryset, order, *, limit: int, after=None, backwards=False, key) -> Page:
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
    # A search's page is read as document ids, then its documents (``stored_matches``);
    # each column once (a score read twice would be computed twice for every match).
    keys = [name.lstrip("-") for name in order]
    read = ["pk", "search_score"] if search else ["document"]
    columns = list(dict.fromkeys([*keys, *read]))
    rows = entry_list(entry_filter, language=language, ordering=ordering).values_list(*columns)
    page = keyset_page(
        rows, order, limit=limit, after=after, backwards=backwards, key=lambda row: row[:2]
    )
    at = {name: columns.index(name) for name in read}
    if not search:
        return Page([row[at["document"]] for row in page.items], page.keys, page.more)
    stored = stored_matches([row[at["pk"]] for row in page.items])
    rows = [row for row in page.items if row[at["pk"]] in stored]
    matches = [stored[row[at["pk"]]] for row in rows]
    scores = [row[at["search_score"]] for row in rows]
    hits = search_hits(entry_filter, language=language, matches=matches, scores=scores)
    documents = [match.document for match in matches]
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
    vendor_slug: str = ""


def related_entries(*, slug: str, language: str, limit: int) -> Related | None:
    """The vendor's other public entries, newest first, as stored cards with their ids; None
    when ``slug`` is not a public entry. Two queries."""
    entry = (
        visible_documents(language)
        .filter(slug=slug)
        .values("entry_id", "vendor_id", "vendor__slug")
        .first()
    )
    if entry is None:
        return None
    pair = (entry["entry_id"], entry["vendor_id"])
    return Related(*pair, _others([pair], language, limit, "card")[pair[0]], entry["vendor__slug"])


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
    """Each vendor's newest ``limit + 1`` public entries (one may be the entry asking), in one
    query (``per_vendor_rows``)."""
    vendor_ids = sorted({vendor_id for _entry, vendor_id in entries})
    rows = per_vendor_rows(
        visible_documents(language),
        vendor_ids,
        ORDERINGS["-published"],
        offset=0,
        limit=limit + 1,
        columns=("entry_id", column),
    )
    by_vendor: dict[int, list[tuple[int, str]]] = {}
    for vendor_id, entry_id, text in rows:
        by_vendor.setdefault(vendor_id, []).append((entry_id, text))
    return {
        entry_id: [row for row in by_vendor.get(vendor_id, []) if row[0] != entry_id][:limit]
        for entry_id, vendor_id in entries
    }


def per_vendor_rows(documents, vendor_ids, order, *, offset: int, limit: int, columns):
    """For each of ``vendor_ids``, its ``limit`` rows of ``documents`` after ``offset`` in
    ``order``, as (vendor id, *``columns``), by vendor and in ``order``. One query: a LIMIT
    subquery per vendor (``kernel.sql.slices_union``) reads only those rows off the vendor's
    index, however many entries the vendor has."""
    if not vendor_ids:
        return []
    page_ids = [
        documents.filter(vendor_id=vendor_id).order_by(*order).values("pk")[offset : offset + limit]
        for vendor_id in vendor_ids
    ]
    return (
        LiveDocument.objects.filter(pk__in=slices_union(page_ids))
        .order_by("vendor_id", *order)
        .values_list("vendor_id", *columns)
    )


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
