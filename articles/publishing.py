"""Writes to the live version and the publication log. Only the services in
``articles.services`` call these, inside their transactions.

Every change to what the public sees appends a ``PublicationLog`` row in the same transaction:
the change feed, validators, caches and webhooks all key on the log.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

import orjson
from django.db import transaction
from django.db.models import Count, F, Q
from django.dispatch import Signal
from django.utils import timezone

from articles import search
from articles.documents import working_copy
from articles.live_documents import documents_of, documents_store, shared_for
from articles.models import (
    Article,
    LiveDocument,
    LiveEntry,
    LiveTopicCount,
    LiveVendorCount,
    Note,
    PublicationCounter,
    PublicationEvent,
    PublicationLog,
    Revision,
    ScheduledChange,
)
from articles.scheduled_changes import due_source, live_settle, live_unschedule

#: Sent by ``log_append`` inside the publishing transaction with the stored ``rows``: what a
#: receiver writes commits or rolls back with them (the webhooks outbox).
log_appended = Signal()


_batch: ContextVar[list[PublicationLog] | None] = ContextVar("log_batch", default=None)


@contextmanager
def log_batch():
    """Hold the rows appended inside and append them together on the way out: one batch of
    consecutive positions at one time, one ``log_appended`` (a release)."""
    rows = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    log_append(rows)


def log_append(rows: list[PublicationLog]) -> None:
    """Give ``rows`` the next positions and store them (inside ``log_batch``: at its end).

    The counter row stays locked until the transaction commits, so positions become visible
    in order. A row's ``effective_at`` is the time under the lock, or its later publication
    time if it has one (a scheduled publication). Rows of the same entries that were still
    waiting for their time are dropped: nobody saw them, and the new rows supersede them.
    """
    if not rows:
        return
    if (batch := _batch.get()) is not None:
        batch.extend(rows)
        return
    PublicationCounter.objects.get_or_create(pk=1)
    PublicationCounter.objects.filter(pk=1).update(position=F("position") + len(rows))
    last = PublicationCounter.objects.get(pk=1).position
    now = timezone.now()
    waiting = PublicationLog.objects.filter(
        article_id__in={row.article_id for row in rows if row.article_id}, effective_at__gt=now
    )
    # A waiting row re-written (an entry re-rendered) stays its release's.
    released = dict(
        waiting.filter(release_id__isnull=False).values_list("article_id", "release_id")
    )
    waiting.delete()
    for offset, row in enumerate(rows):
        row.position = last - len(rows) + 1 + offset
        row.effective_at = max(now, row.effective_at) if row.effective_at else now
        row.created_at = now
        if row.release_id is None and row.effective_at > now:
            row.release_id = released.get(row.article_id)
    PublicationLog.objects.bulk_create(rows)
    log_appended.send(sender=PublicationLog, rows=rows)


def _count_entries(changes: Counter, model=LiveVendorCount) -> None:
    """Add ``changes`` (vendor id, or topic id with ``LiveTopicCount``: entries gained or
    lost) to the kept counts, as increments: concurrent publications each add theirs."""
    key = model._meta.pk.attname
    for pk, change in sorted(changes.items()):
        if not change:
            continue
        counts = model.objects.filter(**{key: pk})
        if not counts.update(entries=F("entries") + change):
            model.objects.get_or_create(**{key: pk})
            counts.update(entries=F("entries") + change)


def _recount_entries() -> None:
    """Count every vendor's and topic's live entries afresh (``live_rebuild``)."""
    for model, rows, key in (
        (LiveVendorCount, LiveEntry.objects, "vendor_id"),
        (LiveTopicCount, LiveEntry.topics.through.objects, "topic_id"),
    ):
        model.objects.all().delete()
        counts = rows.order_by().values_list(key).annotate(n=Count("pk"))
        model.objects.bulk_create(model(**{key: pk}, entries=n) for pk, n in counts)


def working_and_live(article_ids: Iterable[int]) -> dict[int, tuple[dict, dict]]:
    """The one read of "working copy against live version": (working copy's source, live
    source) of each of the entries that has a live version, in two queries. A scheduled
    change whose time has passed is live, settled or not."""
    now = timezone.now()
    live = {}
    for pk, source, at, content in LiveEntry.objects.filter(pk__in=list(article_ids)).values_list(
        "pk", "source", "scheduled_change__at", "scheduled_change__revision__content"
    ):
        live[pk] = due_source(content, at) if at is not None and at <= now else source
    if not live:
        return {}
    return {
        article.pk: (working_copy(article), live[article.pk])
        for article in Article.objects.with_page_data().filter(pk__in=live)
    }


def _visible_at(published_at: datetime, now: datetime) -> datetime:
    return max(published_at, now)


def _modified_at(previous, published_at, visible_at, significant, was_visible) -> datetime:
    """First publication: the publication time; then a significant change's time."""
    if not was_visible:
        return published_at
    return visible_at if significant else previous.modified_at


@transaction.atomic
def live_write(
    *,
    article: Article,
    user,
    published_at: datetime,
    significant: bool = False,
    record: Callable[[], Revision] | None = None,
    revision: Revision | None = None,
    release_id: int | None = None,
) -> LiveEntry:
    """Make the working copy of ``article`` its live version, visible from ``published_at``.

    Its notes not live yet go live with it, dated when the change becomes visible (with a
    first publication: its publication time). An entry the public saw keeps its public
    modification time unless the change is ``significant`` or brings a note.

    ``record()`` writes the revision the live version is published from, once the notes are
    dated, so that what is live is exactly that revision's source (the publishing services
    pass it); without it, the entry's latest revision is named. A pinned ``revision`` (a
    release's) goes live instead of the working copy, with only the notes it holds; its
    log row names ``release_id``.
    """
    live_settle(article_ids=[article.pk])
    _settle_withdrawn(
        Q(pk=article.pk) | Q(slug=(revision.content if revision else {}).get("slug", article.slug))
    )
    live_unschedule(article_id=article.pk)  # what goes live now replaces what was waiting
    now = timezone.now()
    visible_at = _visible_at(published_at, now)
    previous = LiveEntry.objects.filter(pk=article.pk).first()
    was_visible = previous is not None and previous.published_at <= now
    noted_at = visible_at if was_visible else published_at
    notes = Note.objects.filter(article=article, published_at__isnull=True)
    if revision is not None:
        notes = notes.filter(pk__in=[n["id"] for n in revision.content["notes"]])
    noted = notes.update(published_at=noted_at)
    significant = significant or noted > 0
    if revision is not None:
        source = due_source(revision.content, noted_at)
    elif record is not None:
        revision = record()
        source = revision.content
    else:
        revision = Revision.objects.filter(article_id=article.pk).order_by("-number").first()
        source = working_copy(Article.objects.with_page_data().get(pk=article.pk))
    entry = LiveEntry(
        article=article,
        slug=source["slug"],
        vendor_id=source["vendor"],
        kind=source["kind"],
        published_at=published_at,
        updated_at=visible_at,
        modified_at=_modified_at(previous, published_at, visible_at, significant, was_visible),
        has_scorecard=source["scorecard"] is not None,
        source=source,
        revision=revision,
        published_by=user,
    )
    tagged = Counter(source["topics"])
    counted = Counter({entry.vendor_id: 1})
    if previous is not None:  # nothing to count unless the vendor or a topic changed
        counted[previous.vendor_id] -= 1
        tagged.subtract(previous.topics.values_list("pk", flat=True))
    entry.save()
    entry.topics.set(source["topics"])
    documents_store([entry])
    _count_entries(counted)
    _count_entries(tagged, LiveTopicCount)
    row = _log_row(entry, PublicationEvent.PUBLISHED, user, effective_at=published_at)
    if was_visible:
        row.event, row.significant = PublicationEvent.UPDATED, significant
    row.release_id = release_id
    log_append([row])
    return entry


@transaction.atomic
def live_remove(
    *, article: Article, user, event=PublicationEvent.UNPUBLISHED, release_id: int | None = None
) -> bool:
    """Take ``article`` off every public surface. A removal is logged only if the public saw
    the entry; one that was still scheduled leaves no trace (its slug must not leak)."""
    live_settle(article_ids=[article.pk])
    _settle_withdrawn(Q(pk=article.pk))
    live_unschedule(article_id=article.pk)
    entry = LiveEntry.objects.filter(pk=article.pk).first()
    if entry is None:
        return False
    was_visible = entry.published_at <= timezone.now()
    row = _log_row(entry, event, user)
    row.release_id = release_id
    _delete_entry(entry)
    if was_visible:
        log_append([row])
    else:
        PublicationLog.objects.filter(
            article_id=article.pk, effective_at__gt=timezone.now()
        ).delete()
    return was_visible


def _delete_entry(entry: LiveEntry) -> None:
    untagged = Counter({topic: -1 for topic in entry.topics.values_list("pk", flat=True)})
    entry.delete()
    _count_entries(Counter({entry.vendor_id: -1}))
    _count_entries(untagged, LiveTopicCount)


def _settle_withdrawn(which: Q) -> None:
    """Delete the entries of ``which`` whose withdrawal time has passed (the public stopped
    seeing them then, and their log rows came due; only the bookkeeping follows)."""
    for entry in LiveEntry.objects.filter(which, withdrawn_at__lte=timezone.now()):
        _delete_entry(entry)


@transaction.atomic
def live_withdraw(
    *, article: Article, user, at: datetime, event=PublicationEvent.UNPUBLISHED, release_id=None
) -> None:
    """Take a visible live entry off every public surface at ``at``, with no job: its
    documents are valid until then, its removal row is dated then, and the public counts
    leave it out from then (``LiveDocumentQuerySet.hidden``). Its next write, or
    ``live_rebuild``, deletes it."""
    live_settle(article_ids=[article.pk])
    live_unschedule(article_id=article.pk)
    entry = LiveEntry.objects.get(pk=article.pk)
    entry.withdrawn_at = at
    entry.save(update_fields=["withdrawn_at"])
    LiveDocument.objects.filter(entry=entry).update(valid_until=at, withdrawn_at=at)
    row = _log_row(entry, event, user, effective_at=at)
    row.release_id = release_id
    log_append([row])


def live_unwithdraw(*, article_id: int) -> None:
    """Cancel a withdrawal still waiting for its time: nobody saw it, so it leaves no trace."""
    now = timezone.now()
    LiveEntry.objects.filter(pk=article_id, withdrawn_at__gt=now).update(withdrawn_at=None)
    LiveDocument.objects.filter(entry_id=article_id, withdrawn_at__gt=now).update(
        valid_until=None, withdrawn_at=None
    )
    PublicationLog.objects.filter(article_id=article_id, effective_at__gt=now).delete()


def _log_row(entry: LiveEntry, event, user, *, effective_at=None) -> PublicationLog:
    return PublicationLog(
        event=event,
        article_id=entry.pk,
        vendor_id=entry.vendor_id,
        slug=entry.slug,
        effective_at=effective_at,
        user=user,
    )


def _without_update_time(document: str) -> dict:
    data = orjson.loads(document)
    data.pop("updated_at", None)
    return data


@transaction.atomic
def live_refresh(*, entries: Iterable[LiveEntry], user=None, vendor=None) -> int:
    """Re-render live entries from the sources they were published from, and the changes
    scheduled for them from their revisions (after a vendor, topic or framework they show
    changed, or after the document's shape changed). Entries whose documents come out
    different get a new update time and are logged as updated (a scheduled change's row
    again at its time); with ``vendor``, a ``vendor.updated`` row follows. Returns how many
    entries changed."""
    ids = [entry.pk for entry in entries]
    waiting = live_settle(article_ids=ids)
    _settle_withdrawn(Q(pk__in=ids))
    entries = list(LiveEntry.objects.filter(pk__in=ids).order_by("pk"))
    before = defaultdict(dict)  # entry id: (language, valid from): document
    for d in LiveDocument.objects.filter(entry__in=entries).only(
        "entry_id", "language", "valid_from", "document"
    ):
        before[d.entry_id][(d.language, d.valid_from)] = _without_update_time(d.document)
    shared = shared_for(entries, waiting)
    now = timezone.now()
    changed, documents = [], []
    for entry in entries:
        previous_time, entry.updated_at = entry.updated_at, _visible_at(entry.published_at, now)
        rendered = documents_of(entry, shared, waiting.get(entry.pk))
        stored = before[entry.pk]
        if len(rendered) != len(stored) or any(
            stored.get((d.language, d.valid_from)) != _without_update_time(d.document)
            for d in rendered
        ):
            changed.append(entry)
            documents += rendered
        else:
            entry.updated_at = previous_time
    LiveEntry.objects.bulk_update(changed, ["updated_at"])
    LiveDocument.objects.filter(entry__in=changed).delete()
    LiveDocument.objects.bulk_create(documents)
    rows = [
        _log_row(entry, PublicationEvent.UPDATED, user, effective_at=entry.published_at)
        for entry in changed
    ]
    for row in rows:
        row.significant = False
    rows += [_scheduled_row(waiting[entry.pk]) for entry in changed if entry.pk in waiting]
    rows += [  # a withdrawal still to come keeps its row
        _log_row(entry, PublicationEvent.UNPUBLISHED, user, effective_at=entry.withdrawn_at)
        for entry in changed
        if entry.withdrawn_at is not None
    ]
    if vendor is not None:
        rows.append(vendor_row(vendor, user))
    log_append(rows)
    return len(changed)


def vendor_row(vendor, user=None) -> PublicationLog:
    """The ``vendor.updated`` row for a vendor added, changed or deleted: vendor lists, their
    validators and caches move with the log's head; mirrors read the vendor again (a
    deleted one is a 404). Build it before deleting the vendor, while it has its id."""
    return PublicationLog(
        event=PublicationEvent.VENDOR_UPDATED, vendor_id=vendor.pk, slug=vendor.slug, user=user
    )


@transaction.atomic
def live_publish_bulk(
    articles: Iterable[Article], *, rendered: dict[str, str] | None = None
) -> int:
    """Give published entries that have no live version one, from their working copies, in a
    few queries per batch (bulk loads: the generator, backfills). Exactly what publishing each
    would write; ``rendered`` may map bodies to the HTML a bulk load rendered already. Returns
    how many were written."""
    articles = list(
        Article.objects.with_page_data().filter(
            pk__in=[a.pk for a in articles], status=Article.Status.PUBLISHED, live__isnull=True
        )
    )
    now = timezone.now()
    revisions = dict(
        Revision.objects.filter(article__in=articles, number=F("article__version")).values_list(
            "article_id", "pk"
        )
    )
    entries, noted = [], []
    for article in articles:
        for note in article.notes.all():
            if note.published_at is None:
                note.published_at = article.published_at
                noted.append(note)
        source = working_copy(article)
        entries.append(
            LiveEntry(
                article=article,
                slug=source["slug"],
                vendor_id=source["vendor"],
                kind=source["kind"],
                published_at=article.published_at,
                updated_at=_visible_at(article.published_at, now),
                modified_at=article.published_at,
                has_scorecard=source["scorecard"] is not None,
                source=source,
                revision_id=revisions.get(article.pk),
            )
        )
    Note.objects.bulk_update(noted, ["published_at"])
    LiveEntry.objects.bulk_create(entries)
    LiveEntry.topics.through.objects.bulk_create(
        LiveEntry.topics.through(liveentry_id=entry.pk, topic_id=topic)
        for entry in entries
        for topic in entry.source["topics"]
    )
    documents_store(entries, rendered=rendered)
    _count_entries(Counter(entry.vendor_id for entry in entries))
    _count_entries(
        Counter(topic for entry in entries for topic in entry.source["topics"]), LiveTopicCount
    )
    log_append(
        [
            _log_row(entry, PublicationEvent.PUBLISHED, None, effective_at=entry.published_at)
            for entry in sorted(entries, key=lambda e: (e.published_at, e.pk))
        ]
    )
    return len(entries)


def live_rebuild(*, batch_size: int = 1000) -> tuple[int, int]:
    """Give every published entry without a live version one (a database from before live
    versions existed), then re-render every live entry from the source it was published from
    (after a change to the document's shape) and bring its search index up to date.
    Idempotent; returns (backfilled, changed)."""
    missing = Article.objects.filter(status=Article.Status.PUBLISHED, live__isnull=True)
    backfilled = 0
    while batch := list(missing.order_by("pk")[:batch_size]):
        backfilled += live_publish_bulk(batch)
    changed = 0
    pks = list(LiveEntry.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch_size):
        batch = LiveEntry.objects.filter(pk__in=pks[start : start + batch_size])
        changed += live_refresh(entries=batch)
    search.index_rebuild(batch_size=batch_size)
    _recount_entries()
    return backfilled, changed


def _scheduled_row(change: ScheduledChange) -> PublicationLog:
    row = _log_row(
        change.entry, PublicationEvent.UPDATED, change.scheduled_by, effective_at=change.at
    )
    row.significant = change.significant
    return row


@transaction.atomic
def live_schedule(
    *,
    article: Article,
    user,
    revision: Revision,
    at: datetime,
    significant: bool = False,
    release_id: int | None = None,
) -> ScheduledChange:
    """Make ``revision`` of a visible live entry go live at ``at``, replacing a change that
    was waiting: its documents are stored now, valid from ``at``, and its log row is dated
    ``at``, so every surface, the change feed and the notifications come due then with no
    job. The notes it brings are dated ``at``; those added later wait for the next
    publication."""
    live_settle(article_ids=[article.pk])
    live_unschedule(article_id=article.pk)
    entry = LiveEntry.objects.get(pk=article.pk)
    noted = [note["id"] for note in revision.content["notes"] if not note["published_at"]]
    Note.objects.filter(pk__in=noted, published_at__isnull=True).update(published_at=at)
    change = ScheduledChange.objects.create(
        entry=entry,
        revision=revision,
        at=at,
        significant=significant or bool(noted),
        scheduled_by=user if getattr(user, "pk", None) else None,
    )
    documents_store([entry], waiting={entry.pk: change})
    row = _scheduled_row(change)
    row.release_id = release_id
    log_append([row])
    return change
