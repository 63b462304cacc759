"""Changes scheduled for live entries, as publishing keeps them: cancelled while they wait,
folded into the live entry once their time has passed (reads never need that: the documents
carry their validity), and read by the admin."""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from articles.documents import iso
from articles.models import LiveDocument, Note, PublicationLog, ScheduledChange


def due_source(content: dict, at: datetime) -> dict:
    """What is live once a scheduled change of ``content`` has come due at ``at``: that
    content, the notes it brought dated ``at`` (as ``live_schedule`` dated them in the
    working copy)."""
    notes = [{**note, "published_at": note["published_at"] or iso(at)} for note in content["notes"]]
    return {**content, "notes": notes}


def live_unschedule(*, article_id: int) -> ScheduledChange | None:
    """Cancel the change waiting for its time on the entry, if any: its documents and log
    row go (nobody saw them), the notes it was to bring wait again. Returns it."""
    now = timezone.now()
    change = ScheduledChange.objects.filter(entry_id=article_id, at__gt=now).first()
    if change is None:
        return None
    LiveDocument.objects.filter(entry_id=article_id, valid_from=change.at).delete()
    LiveDocument.objects.filter(entry_id=article_id).update(valid_until=None)
    PublicationLog.objects.filter(article_id=article_id, effective_at__gt=now).delete()
    Note.objects.filter(article_id=article_id, published_at=change.at).update(published_at=None)
    change.delete()
    return change


def live_settle(*, article_ids: Iterable[int]) -> dict[int, ScheduledChange]:
    """Fold the scheduled changes of the entries whose time has passed into their live
    entries (the public already sees them; only the bookkeeping follows: source, revision,
    times, the documents they replaced). Returns the changes still waiting, by entry."""
    now = timezone.now()
    waiting = {}
    changes = ScheduledChange.objects.filter(entry_id__in=list(article_ids)).select_related(
        "entry", "revision", "scheduled_by"
    )
    for change in changes:
        if not change.is_due(now):
            waiting[change.entry_id] = change
            continue
        entry = change.entry
        entry.source = due_source(change.revision.content, change.at)
        entry.revision = change.revision
        entry.kind = entry.source["kind"]
        entry.has_scorecard = entry.source["scorecard"] is not None
        entry.updated_at = change.at
        entry.modified_at = change.at if change.significant else entry.modified_at
        entry.published_by = change.scheduled_by
        entry.save()
        LiveDocument.objects.filter(entry=entry, valid_until__lte=now).delete()
        LiveDocument.objects.filter(entry=entry).update(valid_from=entry.published_at)
        change.delete()
    return waiting


def live_scheduled(*, article_id: int) -> ScheduledChange | None:
    """The change waiting for its time on the entry, with its revision."""
    return (
        ScheduledChange.objects.select_related("revision", "scheduled_by")
        .filter(entry_id=article_id, at__gt=timezone.now())
        .first()
    )
