"""The live documents of an entry, rendered from the source it was published from and, with
a change scheduled for it, from that change's revision too (valid from its time). Only
``articles.publishing`` writes them."""

from datetime import datetime

import orjson

from articles import search
from articles.documents import SharedData, build_documents
from articles.models import LiveDocument, LiveEntry, ScheduledChange


def dumps(data) -> str:
    return orjson.dumps(data).decode()


def _noted_at(source: dict, visible_at: datetime) -> datetime | None:
    """The newest note's time; a note not dated yet goes live (and is dated) at ``visible_at``."""
    times = [
        datetime.fromisoformat(note["published_at"]) if note["published_at"] else visible_at
        for note in source["notes"]
    ]
    return max(times) if times else None


def _render(
    entry: LiveEntry,
    shared: SharedData,
    *,
    source: dict,
    updated_at: datetime,
    modified_at: datetime,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> list[LiveDocument]:
    withdrawn_at = entry.withdrawn_at if valid_until is None else None
    return [
        LiveDocument(
            entry=entry,
            language=document.language,
            slug=entry.slug,
            vendor_id=entry.vendor_id,
            kind=source["kind"],
            published_at=entry.published_at,
            updated_at=updated_at,
            modified_at=modified_at,
            noted_at=_noted_at(source, updated_at),
            has_scorecard=source["scorecard"] is not None,
            fallback=document.fallback,
            title=document.card["title"],
            summary=document.card["summary"],
            document=dumps(document.full),
            card=dumps(document.card),
            valid_from=valid_from,
            valid_until=valid_until or withdrawn_at,
            withdrawn_at=withdrawn_at,
            **search.index_fields(document.full, document.language),
        )
        for document in build_documents(
            article_id=entry.pk,
            source=source,
            published_at=entry.published_at,
            updated_at=updated_at,
            modified_at=modified_at,
            shared=shared,
        )
    ]


def documents_of(
    entry: LiveEntry, shared: SharedData, waiting: ScheduledChange | None = None
) -> list[LiveDocument]:
    """Every document of ``entry``: the current ones, and with a change ``waiting`` for its
    time, the ones it brings, valid from then."""
    documents = _render(
        entry,
        shared,
        source=entry.source,
        updated_at=entry.updated_at,
        modified_at=entry.modified_at,
        valid_from=entry.published_at,
        valid_until=waiting.at if waiting else None,
    )
    if waiting is not None:
        documents += _render(
            entry,
            shared,
            source=waiting.revision.content,
            updated_at=waiting.at,
            modified_at=waiting.at if waiting.significant else entry.modified_at,
            valid_from=waiting.at,
        )
    return documents


def shared_for(entries: list[LiveEntry], waiting: dict[int, ScheduledChange], **options):
    sources = [entry.source for entry in entries]
    return SharedData(sources + [change.revision.content for change in waiting.values()], **options)


def documents_store(
    entries: list[LiveEntry],
    *,
    rendered: dict[str, str] | None = None,
    waiting: dict[int, ScheduledChange] | None = None,
) -> None:
    """Write the documents of ``entries`` (already saved) from their sources, and from the
    changes ``waiting`` for them."""
    waiting = waiting or {}
    shared = shared_for(entries, waiting, rendered=rendered)
    LiveDocument.objects.filter(entry__in=entries).delete()
    LiveDocument.objects.bulk_create(
        [
            document
            for entry in entries
            for document in documents_of(entry, shared, waiting.get(entry.pk))
        ]
    )
