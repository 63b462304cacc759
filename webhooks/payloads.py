"""What a webhook says: Standard Webhooks' ``{type, timestamp, data}``, with the entry's id and
slug, its publication-log position (and a change-feed cursor to resume from), the release
that made the change if one did, and its documents in each language as the REST API serves
them, or URLs to fetch them when they are too large. A ``release.published`` event says
which release went live and what it did to each of its entries."""

from collections import defaultdict
from urllib.parse import quote

import orjson
from django.conf import settings

from articles.models import LiveDocument, PublicationEvent, PublicationLog, Release, ReleaseItem
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


def _release_summaries(rows: list[PublicationLog]) -> dict[int, dict]:
    """What each ``release.published`` row of ``rows`` says of its release, read in the
    publishing transaction (two queries): the release, and its items with each entry's slug
    and vendor as its row in the same batch names them (as its pinned revision does for an
    entry whose removal left no row: the public never saw it)."""
    released = [row.release_id for row in rows if row.event == PublicationEvent.RELEASE_PUBLISHED]
    if not released:
        return {}
    changed = {(row.release_id, row.article_id): row for row in rows if row.article_id}
    releases = {release.pk: release for release in Release.objects.filter(pk__in=released)}
    items = defaultdict(list)
    for item in (
        ReleaseItem.objects.filter(release_id__in=released)
        .select_related("revision")
        .order_by("article_id")
    ):
        row = changed.get((item.release_id, item.article_id))
        content = item.revision.content
        items[item.release_id].append(
            {
                "id": item.article_id,
                "slug": row.slug if row else content.get("slug", ""),
                "vendor_id": row.vendor_id if row else content.get("vendor"),
                "action": item.action,
            }
        )
    summaries = {}
    for row in rows:
        release = releases.get(row.release_id)
        if row.event != PublicationEvent.RELEASE_PUBLISHED or release is None:
            continue
        summaries[row.position] = {
            "id": release.pk,
            "title": release.title,
            "published_at": row.effective_at.isoformat(),
            "reverts": release.reverts_id,
            "items": items[release.pk],
        }
    return summaries


def events_build(rows: list[PublicationLog]) -> list[Event]:
    """Events for ``rows`` with the documents as they are now, in this transaction: the
    version these rows published (one query for all of them), and what a release's row says
    of the release (``_release_summaries``)."""
    summaries = _release_summaries(rows)
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
                release_id=row.release_id,
                release_summary=summaries.get(row.position),
            )
        )
    return events


def _data(event: Event, subscription: Subscription) -> dict:
    data = {"position": event.position, "effective_at": event.effective_at}
    data["cursor"] = FeedPosition(event.effective_at, event.position).encode()
    if event.type == PublicationEvent.VENDOR_UPDATED:
        return {**data, "vendor_id": event.vendor_id, "slug": event.slug}
    if event.type == PublicationEvent.RELEASE_PUBLISHED:
        return {"release": event.release_summary, **data}
    data |= {
        "id": event.article_id,
        "slug": event.slug,
        "vendor_id": event.vendor_id,
        "release": event.release_id,
    }
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
