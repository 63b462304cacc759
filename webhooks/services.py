"""Writes of the webhooks app: subscriptions, the outbox, delivery attempts, the sweep.

Delivery is at least once: a worker that dies between sending and recording an attempt leaves
the delivery to the sweep, which sends it again with the same ``webhook-id``.
"""

import random
from collections import defaultdict
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import PublicationEvent, PublicationLog
from edge.services import purges_sweep
from webhooks import ordering, payloads, websub
from webhooks.models import Attempt, Delivery, Event, Subscription, SweepClock
from webhooks.secrets import secret_decrypt, secret_encrypt, secret_generate
from webhooks.sending import Outcome, post, signature
from webhooks.targets import TargetRefused, target_resolve

EVENTS = PublicationEvent.values
# A claimed attempt that has not been recorded this long after its timeout is taken to have
# died with its worker; the sweep then sends it again.
LEASE_MARGIN_SECONDS = 50
SWEEP_BATCH = 1000


def target_validate(url: str) -> None:
    """Refuse a target URL a webhook may not be sent to (ValidationError, in words)."""
    try:
        target_resolve(url)
    except TargetRefused as refused:
        raise ValidationError({"url": str(refused)}) from None


def _clean(*, url: str, events: list[str], languages: list[str]) -> None:
    target_validate(url)
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValidationError({"events": f"Unknown events: {', '.join(unknown)}."})
    supported = [code for code, _name in settings.LANGUAGES]
    if set(languages) - set(supported):
        raise ValidationError({"languages": f"Supported languages: {', '.join(supported)}."})


@transaction.atomic
def subscription_create(
    *, name: str, url: str, events=(), languages=(), vendors=(), partner=None
) -> tuple[Subscription, str]:
    """A new subscription and its signing secret, which is returned here only."""
    events, languages = list(events), list(languages)
    _clean(url=url, events=events, languages=languages)
    secret = secret_generate()
    subscription = Subscription.objects.create(
        name=name,
        url=url,
        events=events,
        languages=languages,
        partner=partner,
        secret_encrypted=secret_encrypt(secret),
    )
    subscription.vendors.set(vendors)
    return subscription, secret


def subscription_rotate_secret(*, subscription: Subscription) -> str:
    """A new secret; the old one keeps signing beside it for WEBHOOK_SECRET_OVERLAP_HOURS."""
    secret = secret_generate()
    subscription.previous_secret_encrypted = subscription.secret_encrypted
    subscription.previous_secret_until = timezone.now() + timedelta(
        hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS
    )
    subscription.secret_encrypted = secret_encrypt(secret)
    subscription.save(
        update_fields=["secret_encrypted", "previous_secret_encrypted", "previous_secret_until"]
    )
    return secret


def subscription_secrets(subscription: Subscription) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    secrets = [secret_decrypt(subscription.secret_encrypted)]
    until = subscription.previous_secret_until
    if subscription.previous_secret_encrypted and until and until > timezone.now():
        secrets.append(secret_decrypt(subscription.previous_secret_encrypted))
    return secrets


def subscription_enable(*, subscription: Subscription) -> int:
    """Turn a subscription back on; its pending deliveries are sent at once. Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(
            is_active=True, disabled_reason="", failing_since=None
        )
        pending = Delivery.objects.filter(subscription=subscription, status=Delivery.Status.PENDING)
        pending.update(next_attempt_at=now)
        ids = list(pending.values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    subscription.refresh_from_db()
    return len(ids)


def subscriptions_lose_vendor(sender, *, instance, **kwargs) -> None:
    """Before a vendor is deleted (a ``pre_delete`` receiver): a subscription filtered to
    that vendor alone would be left with no filter, which means every vendor. It is disabled
    instead, saying why, so its receiver is not sent what it never asked for."""
    alone = Subscription.objects.filter(vendors=instance).exclude(
        pk__in=Subscription.vendors.through.objects.exclude(vendor=instance).values(
            "subscription_id"
        )
    )
    alone.update(
        is_active=False,
        disabled_reason=(
            f"Disabled: its only vendor, {instance.name} ({instance.slug}), was deleted. "
            "Choose the vendors to send, then enable the subscription."
        ),
    )


def _disable_failing(*, now) -> int:
    """Disable active subscriptions whose every delivery has failed for the threshold."""
    since = now - timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    failing = Subscription.objects.filter(is_active=True, failing_since__lte=since)
    disabled = 0
    for subscription in failing:
        reason = (
            f"Disabled {now:%Y-%m-%d %H:%M} UTC: every delivery has failed since "
            f"{subscription.failing_since:%Y-%m-%d %H:%M} UTC. Fix the receiver, then enable "
            "the subscription to send what is pending."
        )
        disabled += Subscription.objects.filter(pk=subscription.pk, is_active=True).update(
            is_active=False, disabled_reason=reason
        )
    return disabled


def _vendors_of(event: Event) -> set[int | None]:
    """The vendors an event is about: a release's, those of its items' entries."""
    if event.release_summary is not None:
        return {item["vendor_id"] for item in event.release_summary["items"]}
    return {event.vendor_id}


def _matches(subscription: Subscription, vendor_ids: set[int], event: Event) -> bool:
    return (
        subscription.wants(event.type)
        and (not vendor_ids or not vendor_ids.isdisjoint(_vendors_of(event)))
        and subscription.created_at <= event.created_at
    )


def outbox_write(sender, *, rows: list[PublicationLog], **kwargs) -> None:
    """Write the outbox rows for ``rows`` in the publishing transaction (a receiver of
    ``articles.publishing.log_appended``) and enqueue their fan-out once it commits. A
    rollback takes them away with the log rows; a crash after the commit leaves them to the
    sweep. A scheduled row waits for its time. The cost does not depend on how many
    subscriptions there are: the worker makes one delivery per matching subscription."""
    if not Subscription.objects.filter(is_active=True).exists():
        return
    Event.objects.bulk_create(payloads.events_build(rows))
    by_time = defaultdict(list)
    for row in rows:
        by_time[row.effective_at].append(row.pk)
    now = timezone.now()
    for when, event_ids in by_time.items():
        run_after = when if when > now else None
        transaction.on_commit(partial(_fan_out, event_ids, run_after), robust=True)


def _fan_out(event_ids: list[int], run_after) -> None:
    from webhooks.tasks import fan_out

    fan_out.using(run_after=run_after).enqueue(event_ids)


def _enqueue(delivery_ids, run_after=None) -> None:
    from webhooks.tasks import deliver

    task = deliver.using(run_after=run_after)
    for pk in delivery_ids:
        task.enqueue(str(pk))


def deliveries_fan_out(*, event_ids: list[int]) -> int:
    """Give each due event one delivery per matching subscription (idempotent), then enqueue
    one task per due delivery, so that deliveries spread over the workers."""
    now = timezone.now()
    with transaction.atomic():
        events = list(
            Event.objects.select_for_update().filter(
                pk__in=event_ids, fanned_out=False, effective_at__lte=now
            )
        )
        subscriptions = [
            (subscription, {vendor.pk for vendor in subscription.vendors.all()})
            for subscription in Subscription.objects.filter(is_active=True).prefetch_related(
                "vendors"
            )
        ]
        Delivery.objects.bulk_create(
            (
                Delivery(subscription=subscription, event=event, next_attempt_at=now)
                for event in events
                for subscription, vendor_ids in subscriptions
                if _matches(subscription, vendor_ids, event)
            ),
            ignore_conflicts=True,
        )
        Event.objects.filter(pk__in=[event.pk for event in events]).update(fanned_out=True)
    due = (
        Delivery.objects.filter(
            event_id__in=event_ids,
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
            subscription__is_active=True,
        )
        .order_by("event__position")  # a release's event after its items' (``webhooks.ordering``)
        .values_list("pk", flat=True)
    )
    ids = list(due)
    _enqueue(ids)
    return len(ids)


def delivery_attempt(*, delivery_id) -> Attempt | None:
    """Send ``delivery`` if it is due and no other worker holds it; record the attempt. A
    release's event waits for its entries' deliveries (``webhooks.ordering``)."""
    now = timezone.now()
    if ordering.release_waits(delivery_id, now=now):
        return None
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT + LEASE_MARGIN_SECONDS)
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=now,
        subscription__is_active=True,
    ).update(next_attempt_at=lease)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription", "event").get(pk=delivery_id)
    return _attempt(delivery)


def _attempt(delivery: Delivery) -> Attempt:
    started_at = timezone.now()
    body = payloads.body(delivery)
    headers = {
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(started_at.timestamp())),
        "webhook-signature": signature(
            secrets=subscription_secrets(delivery.subscription),
            webhook_id=delivery.webhook_id,
            timestamp=started_at,
            body=body,
        ),
    }
    outcome = post(url=delivery.subscription.url, body=body, headers=headers)
    return _record(delivery, outcome, started_at)


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the ``attempts``-th failure (with jitter), or None after the last."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    if attempts > len(delays):
        return None
    return timedelta(seconds=delays[attempts - 1] * random.uniform(0.8, 1.2))


@transaction.atomic
def _record(delivery: Delivery, outcome: Outcome, started_at) -> Attempt:
    now = timezone.now()
    number = delivery.attempts + 1
    delay = None if outcome.succeeded or delivery.is_ping else retry_delay(number)
    retry_at = now + delay if delay else None
    finished = retry_at is None
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=number,
        status=(
            Delivery.Status.DELIVERED
            if outcome.succeeded
            else Delivery.Status.PENDING
            if retry_at
            else Delivery.Status.FAILED
        ),
        next_attempt_at=retry_at,
        finished_at=now if finished else None,
    )
    attempt = Attempt.objects.create(
        delivery=delivery,
        subscription=delivery.subscription,
        number=number,
        started_at=started_at,
        duration_ms=outcome.duration_ms,
        succeeded=outcome.succeeded,
        status_code=outcome.status_code,
        error=outcome.error,
        response_excerpt=outcome.excerpt,
        next_retry_at=retry_at,
    )
    if not delivery.is_ping:
        subscription = Subscription.objects.filter(pk=delivery.subscription_id)
        if outcome.succeeded:
            subscription.update(failing_since=None, last_success_at=now)
        else:
            subscription.filter(failing_since__isnull=True).update(failing_since=started_at)
            _disable_failing(now=now)
    if retry_at:
        transaction.on_commit(lambda: _enqueue([delivery.pk], retry_at), robust=True)
    elif delivery.event is not None:
        ordering.release_wake(delivery)
    return attempt


def deliveries_redeliver(*, deliveries) -> int:
    """Send these deliveries again (failed, or delivered ones a partner lost), with their
    original ``webhook-id``; retries start over. Returns how many were queued."""
    ids = [d.pk for d in deliveries if not d.is_ping and d.status != Delivery.Status.PENDING]
    with transaction.atomic():
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            finished_at=None,
        )
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return len(ids)


def subscription_ping(*, subscription: Subscription) -> Attempt:
    """Send a signed ``webhook.ping`` now, once, and log it (a test from the admin)."""
    delivery = Delivery.objects.create(
        subscription=subscription, is_ping=True, next_attempt_at=timezone.now()
    )
    delivery.subscription = subscription
    return _attempt(delivery)


def log_prune(*, now=None) -> int:
    """Delete finished deliveries and attempts older than WEBHOOK_LOG_RETENTION_DAYS, and the
    events left without deliveries. Returns how many attempts went."""
    before = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_LOG_RETENTION_DAYS)
    attempts, _ = Attempt.objects.filter(started_at__lt=before).delete()
    Delivery.objects.filter(finished_at__lt=before).exclude(status=Delivery.Status.PENDING).delete()
    Event.objects.filter(fanned_out=True, effective_at__lt=before, deliveries__isnull=True).delete()
    websub.hub_pings_prune(before=before)
    return attempts


def deliveries_sweep() -> int:
    """Re-enqueue deliveries left undelivered past their time (a lost task, a worker that died
    mid-attempt) and events not fanned out, disable subscriptions failing for too long, prune
    the log. Returns how many deliveries were re-enqueued."""
    now = timezone.now()
    grace = timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    overdue = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now - grace,
            subscription__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    _enqueue(overdue)
    websub.hub_pings_sweep(before=now - grace, limit=SWEEP_BATCH)
    unfanned = Event.objects.filter(fanned_out=False, effective_at__lte=now - grace)
    if ids := list(unfanned.values_list("pk", flat=True)[:SWEEP_BATCH]):
        _fan_out(ids, None)
    _disable_failing(now=now)
    log_prune(now=now)
    return len(overdue)


def _sweep_interval() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_SWEEP_SECONDS)


def sweep_ensure() -> bool:
    """Start the periodic sweep unless one is scheduled and on time. Returns whether it did."""
    from webhooks.tasks import sweep

    now = timezone.now()
    stale = now - max(
        2 * _sweep_interval(), timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    )
    SweepClock.objects.get_or_create(pk=1)
    started = SweepClock.objects.filter(
        Q(next_run_at__isnull=True) | Q(next_run_at__lt=stale), pk=1
    ).update(next_run_at=now)
    if started:
        sweep.enqueue()
    return bool(started)


def sweep_run() -> int | None:
    """One sweep of the chain (webhook deliveries, and the cache's purges: the worker's
    periodic sweep), then the next one scheduled. A second chain (started while the
    first was late) finds the clock taken and ends: one chain survives."""
    from webhooks.tasks import sweep

    now = timezone.now()
    following = now + _sweep_interval()
    if not SweepClock.objects.filter(pk=1, next_run_at__lte=now).update(next_run_at=following):
        return None
    sweep.using(run_after=following).enqueue()
    purges_sweep()
    return deliveries_sweep()
