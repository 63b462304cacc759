"""What a webhook says: Standard Webhooks' ``{type, timestamp, data}``, with the entry's id and
slug, its publication-log position (and a change-feed cursor to resume from), and its
documents in each language as the REST API serves them, or URLs to fetch them when they are
too large."""

from collections import defaultdict
from urllib.parse import quote

import orjson
from django.conf import settings

from articles.models import LiveDocument, PublicationLog
from articles.models.live import UPSERT_EVENTS
from articles.selectors import FeedPosition
from webhooks.models import Delivery, Event, Subscription

PING = "webhook.ping"


def _fetch_url(slug: str, language: str) -> str:
    base = settings.WEBHOOK_SITE_URL.rstrip("/")
    return f"{base}/api/v1/articles/{quote(slug)}/?lang={language}"


def _json(by_language: dict[str, str], by_reference: bool) -> str:
    if by_reference:
        return orjson.dumps(by_language).decode()
    return orjson.dumps({k: orjson.Fragment(v) for k, v in by_language.items()}).decode()


def _valid_at(documents, moment) -> dict[str, str]:
    """The documents of an entry (language, JSON, valid from, valid until) the public sees at
    ``moment``: a scheduled change's row carries the change, the row before it what it
    replaces."""
    return {
        language: document
        for language, document, valid_from, valid_until in documents
        if valid_from <= moment and (valid_until is None or moment < valid_until)
    }


def events_build(rows: list[PublicationLog]) -> list[Event]:
    """Events for ``rows`` with the documents as they are now, in this transaction: the
    version these rows published (one query for all of them)."""
    documents = defaultdict(list)
    upserts = [row.article_id for row in rows if row.event in UPSERT_EVENTS]
    for entry_id, *document in LiveDocument.objects.filter(entry_id__in=upserts).values_list(
        "entry_id", "language", "document", "valid_from", "valid_until"
    ):
        documents[entry_id].append(document)
    events = []
    for row in rows:
        by_language = (
            _valid_at(documents.get(row.article_id, []), row.effective_at)
            if row.event in UPSERT_EVENTS
            else {}
        )
        by_reference = sum(map(len, by_language.values())) > settings.WEBHOOK_MAX_DOCUMENTS_BYTES
        if by_reference:
            by_language = {language: _fetch_url(row.slug, language) for language in by_language}
        events.append(
            Event(
                log=row,
                type=row.event,
                position=row.position,
                effective_at=row.effective_at,
                significant=row.significant,
                article_id=row.article_id,
                vendor_id=row.vendor_id,
                slug=row.slug,
                documents=_json(by_language, by_reference) if by_language else "",
                documents_by_reference=by_reference,
            )
        )
    return events


def _data(event: Event, subscription: Subscription) -> dict:
    data = {"position": event.position, "effective_at": event.effective_at}
    data["cursor"] = FeedPosition(event.effective_at, event.position).encode()
    if event.type == "vendor.updated":
        return {**data, "vendor_id": event.vendor_id, "slug": event.slug}
    data |= {"id": event.article_id, "slug": event.slug, "vendor_id": event.vendor_id}
    if event.type == "entry.updated":
        data["significant"] = bool(event.significant)
    if event.documents:
        documents = orjson.loads(event.documents)
        if subscription.languages:
            documents = {k: v for k, v in documents.items() if k in subscription.languages}
        data["fetch" if event.documents_by_reference else "documents"] = documents
    return data


def body(delivery: Delivery) -> str:
    """The request body of ``delivery``: the same bytes at every attempt."""
    if delivery.is_ping:
        payload = {
            "type": PING,
            "timestamp": delivery.created_at,
            "data": {"subscription": delivery.subscription.name},
        }
    else:
        event = delivery.event
        payload = {
            "type": event.type,
            "timestamp": event.effective_at,
            "data": _data(event, delivery.subscription),
        }
    return orjson.dumps(payload).decode()
