"""The purge outbox: written with the publication, sent after it commits.

``purge_write`` (a receiver of ``articles.publishing.log_appended``) stores one ``Purge`` per
publication and time, carrying every key the publication's rows purge, and enqueues the
sending once the transaction commits (at its time, for a scheduled change). ``purges_send``
sends every purge that is due in one request per cache (batched further only by Fastly's
256 keys), so purges that waited for a stopped worker go out together when it is back; one
that failed, or whose worker died while sending it, is sent again by the next run (a retry
is enqueued for it). Sending a purge twice is harmless. A purge whose task was lost (the queue
unreachable at the commit, a worker that died holding it) is sent by ``purges_sweep``, which
the worker's periodic sweep runs.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import PublicationEvent, PublicationLog
from edge import backends
from edge.keys import purge_keys
from edge.models import Purge

BATCH = 500
LEASE_SECONDS = 60
RETRY_DELAYS = (1, 5, 30, 120, 600)
KEEP_SENT = timedelta(days=1)


def purge_write(sender, *, rows: list[PublicationLog], **kwargs) -> None:
    """Store the purges of ``rows`` in the publishing transaction; enqueue their sending for
    after the commit. Nothing when no cache is configured."""
    if not settings.EDGE_PURGE_BACKEND:
        return
    last = max(row.position for row in rows)
    # A ``release.published`` row changes no answer: its entries' rows purge what they change.
    rows = [row for row in rows if row.event != PublicationEvent.RELEASE_PUBLISHED]
    if not rows:
        return
    keys = purge_keys(rows)
    now = timezone.now()
    by_time: dict = {}
    for row in rows:
        due = max(row.effective_at, now)
        by_time.setdefault(due, {}).update(dict.fromkeys(keys[row.position]))
    Purge.objects.bulk_create(
        Purge(keys=list(found), due_at=due, position=last) for due, found in by_time.items()
    )
    for due in by_time:
        transaction.on_commit(partial(_enqueue, due if due > now else None), robust=True)


def purge_create(*, keys: list[str]) -> None:
    """Store a purge of ``keys`` for a change outside the publication log (a retired GraphQL
    document), sent after the commit. Nothing when no cache is configured."""
    if not settings.EDGE_PURGE_BACKEND:
        return
    Purge.objects.create(keys=keys)
    transaction.on_commit(partial(_enqueue, None), robust=True)


def _enqueue(run_after=None) -> None:
    from edge.tasks import send_purges

    send_purges.using(run_after=run_after).enqueue()


def purges_send() -> int:
    """Send every due purge not sent yet, in one batch; returns how many purges went out."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Purge.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, due_at__lte=now)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
            .order_by("due_at", "pk")[:BATCH]
        )
        ids = [purge.pk for purge in due]
        Purge.objects.filter(pk__in=ids).update(leased_until=now + timedelta(seconds=LEASE_SECONDS))
    if not due:
        return 0
    keys = list(dict.fromkeys(key for purge in due for key in purge.keys))
    try:
        backends.purge(keys, position=max(purge.position for purge in due))
    except backends.PurgeFailed as failed:
        _failed(due, str(failed))
        return 0
    Purge.objects.filter(pk__in=ids).update(sent_at=timezone.now(), leased_until=None)
    Purge.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    if len(due) == BATCH:
        _enqueue()
    return len(due)


def purges_sweep() -> int:
    """Send the purges left unsent ``EDGE_PURGE_SWEEP_GRACE_SECONDS`` past their time and not
    held by a worker: their task was lost. Returns how many went out."""
    now = timezone.now()
    overdue = Purge.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now),
        sent_at__isnull=True,
        due_at__lte=now - timedelta(seconds=settings.EDGE_PURGE_SWEEP_GRACE_SECONDS),
    )
    if not settings.EDGE_PURGE_BACKEND or not overdue.exists():
        return 0
    sent = 0
    while (batch := purges_send()) == BATCH:
        sent += batch
    return sent + batch


def _failed(due: list[Purge], error: str) -> None:
    """Count the attempt and send again after a delay that grows with the attempts."""
    attempts = max(purge.attempts for purge in due) + 1
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    retry_at = timezone.now() + timedelta(seconds=delay)
    Purge.objects.filter(pk__in=[purge.pk for purge in due]).update(
        attempts=attempts, leased_until=retry_at, last_error=error[:300]
    )
    _enqueue(retry_at)
