"""A release's event reaches each subscription after its entries' events.

Deliveries are tasks spread over the workers, so two of them may be sent in any order. A
``release.published`` delivery is held back while the same subscription has deliveries of
the release's entries pending (to be tried, or retried after a failure): it goes once each
of them is delivered or has failed for good, so a receiver that reads the release's event
has had every change the release made. The last of them to finish wakes it at once; if that
wake-up is lost, it looks again when the first pending one is tried next.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from articles.models import PublicationEvent
from webhooks.models import Delivery

# How soon a held-back release delivery looks again, at the earliest.
RECHECK_SECONDS = 1


def _wait_until(delivery_id, now: datetime) -> datetime | None:
    """When a ``release.published`` delivery looks again whether its entries' deliveries
    are done; None when it may go now (or it is no release's)."""
    release = (
        Delivery.objects.filter(pk=delivery_id, event__type=PublicationEvent.RELEASE_PUBLISHED)
        .values_list("subscription_id", "event__release_id")
        .first()
    )
    if release is None:
        return None
    subscription_id, release_id = release
    earliest = (
        Delivery.objects.filter(
            subscription_id=subscription_id,
            event__release_id=release_id,
            status=Delivery.Status.PENDING,
        )
        .exclude(event__type=PublicationEvent.RELEASE_PUBLISHED)
        .aggregate(earliest=Min("next_attempt_at"))["earliest"]
    )
    if earliest is None:
        return None
    return max(earliest, now + timedelta(seconds=RECHECK_SECONDS))


def release_waits(delivery_id, *, now: datetime) -> bool:
    """Hold back a release's delivery while its entries' are pending: it is tried again
    later (nothing is counted as an attempt). Returns whether it was held back."""
    wait = _wait_until(delivery_id, now)
    if wait is None:
        return False
    held = Delivery.objects.filter(
        pk=delivery_id,
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
        subscription__is_active=True,
    ).update(next_attempt_at=wait)
    if held:
        _enqueue([delivery_id], wait)
    return True


def release_wake(delivery: Delivery) -> None:
    """Once an entry's delivery made by a release is finished (the caller's transaction), the
    release's delivery to the same subscription, held back for it, is tried at once."""
    event = delivery.event
    if event.release_id is None or event.type == PublicationEvent.RELEASE_PUBLISHED:
        return
    held = Delivery.objects.filter(
        subscription_id=delivery.subscription_id,
        event__release_id=event.release_id,
        event__type=PublicationEvent.RELEASE_PUBLISHED,
        status=Delivery.Status.PENDING,
        attempts=0,
    )
    ids = list(held.values_list("pk", flat=True))
    if ids:
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
        transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _enqueue(delivery_ids, run_after=None) -> None:
    from webhooks.tasks import deliver

    task = deliver.using(run_after=run_after)
    for pk in delivery_ids:
        task.enqueue(str(pk))
