"""WebSub publishing: when a publication changes feeds, each hub in ``WEBSUB_HUBS`` is pinged
once per changed feed (``hub.mode=publish``, ``hub.url`` the feed's own URL), from the
outbox after the commit, retried with the webhooks' delays while the hub fails.

A feed has changed when an entry it shows (or would show) was published, updated or taken
down: every language's feed of all vendors and of the entry's vendor, in each format, and the
corrections feeds when the entry has notes. A ``vendor.updated`` changes its vendor's feeds.
"""

from collections import defaultdict
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Note, PublicationEvent, PublicationLog, Vendor
from articles.structured_data import site_url
from kernel.languages import supported_languages
from webhooks.models import Delivery, HubPing
from webhooks.sending import post

FORMATS = ("rss", "atom", "json")


def _feed(name: str, **kwargs) -> list[str]:
    return [site_url(reverse(f"{name}-{fmt}", kwargs=kwargs)) for fmt in FORMATS]


def feed_topics(rows: list[PublicationLog]) -> list[str]:
    """The URLs of the feeds ``rows`` change, each once. Two queries at most."""
    entry_rows = [row for row in rows if row.event != PublicationEvent.VENDOR_UPDATED]
    vendor_slugs = dict(
        Vendor.objects.filter(pk__in={row.vendor_id for row in entry_rows}).values_list(
            "pk", "slug"
        )
    )
    slugs = {vendor_slugs[row.vendor_id] for row in entry_rows if row.vendor_id in vendor_slugs}
    slugs |= {row.slug for row in rows if row.event == PublicationEvent.VENDOR_UPDATED}
    noted = bool(entry_rows) and (
        Note.objects.filter(
            article_id__in={row.article_id for row in entry_rows}, published_at__isnull=False
        ).exists()
    )
    topics = []
    for language in supported_languages():
        if entry_rows:
            topics += _feed("feed", language=language)
        for slug in sorted(slugs):
            topics += _feed("vendor-feed", language=language, vendor=slug)
        if noted:
            topics += _feed("notes-feed", language=language)
    return list(dict.fromkeys(topics))


def hub_pings_write(sender, *, rows: list[PublicationLog], **kwargs) -> None:
    """Write the pings for ``rows`` in the publishing transaction (a receiver of
    ``articles.publishing.log_appended``) and enqueue them once it commits; a scheduled
    change is announced at its time."""
    hubs = settings.WEBSUB_HUBS
    # A ``release.published`` row changes no feed: its entries' rows say which feeds changed.
    rows = [row for row in rows if row.event != PublicationEvent.RELEASE_PUBLISHED]
    if not hubs or not rows:
        return
    now = timezone.now()
    by_time = defaultdict(list)
    for row in rows:
        by_time[max(row.effective_at, now)].append(row)
    for when, changed in sorted(by_time.items()):
        pings = HubPing.objects.bulk_create(
            HubPing(hub=hub, topic=topic, next_attempt_at=when)
            for topic in feed_topics(changed)
            for hub in hubs
        )
        run_after = when if when > now else None
        ids = [ping.pk for ping in pings]
        transaction.on_commit(partial(_hand_over, ids, run_after), robust=True)


def _hand_over(ping_ids, run_after) -> None:
    """One task per publication: the worker enqueues one per ping (``hub_pings_enqueue``), so
    that pings spread over the workers and publishing writes one task, however many hubs."""
    from webhooks.tasks import send_hub_pings

    send_hub_pings.using(run_after=run_after).enqueue(ping_ids)


def hub_pings_enqueue(*, ping_ids: list[int]) -> int:
    """Enqueue a task for each of ``ping_ids`` still pending."""
    pending = list(
        HubPing.objects.filter(pk__in=ping_ids, status=Delivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    _enqueue(pending)
    return len(pending)


def _enqueue(ping_ids, run_after=None) -> None:
    from webhooks.tasks import ping_hub

    task = ping_hub.using(run_after=run_after)
    for pk in ping_ids:
        task.enqueue(pk)


def hub_ping_attempt(*, ping_id: int) -> HubPing | None:
    """Send the ping if it is due and no other worker holds it; record how it went."""
    from webhooks.services import LEASE_MARGIN_SECONDS, retry_delay

    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT + LEASE_MARGIN_SECONDS)
    due = HubPing.objects.filter(
        pk=ping_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    )
    if not due.update(next_attempt_at=lease):
        return None
    ping = HubPing.objects.get(pk=ping_id)
    outcome = post(
        url=ping.hub,
        body=urlencode({"hub.mode": "publish", "hub.url": ping.topic}),
        headers={},
        content_type="application/x-www-form-urlencoded",
    )
    ping.attempts += 1
    ping.status_code, ping.error = outcome.status_code, outcome.error
    delay = None if outcome.succeeded else retry_delay(ping.attempts)
    ping.next_attempt_at = timezone.now() + delay if delay else None
    if outcome.succeeded:
        ping.status = Delivery.Status.DELIVERED
    elif delay is None:
        ping.status = Delivery.Status.FAILED
    if ping.next_attempt_at is None:
        ping.finished_at = timezone.now()
    with transaction.atomic():
        ping.save()
        if ping.next_attempt_at:
            transaction.on_commit(partial(_enqueue, [ping.pk], ping.next_attempt_at), robust=True)
    return ping


def hub_pings_sweep(*, before, limit: int) -> int:
    """Enqueue pings left unsent past ``before`` (a lost task, a worker that died)."""
    overdue = list(
        HubPing.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=before)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    _enqueue(overdue)
    return len(overdue)


def hub_pings_prune(*, before) -> int:
    deleted, _ = HubPing.objects.filter(finished_at__lt=before).delete()
    return deleted


@checks.register()
def check_hubs(app_configs=None, **kwargs):
    """Every hub in ``WEBSUB_HUBS`` is a web address, or the feeds would name it anyway."""
    errors = []
    for hub in settings.WEBSUB_HUBS:
        try:
            URLValidator(schemes=["http", "https"])(hub)
        except ValidationError:
            errors.append(
                checks.Error(
                    f"WEBSUB_HUBS names {hub!r}, which is not a web address.",
                    hint="Give the hubs' URLs, comma-separated, e.g. https://pubsubhubbub.appspot.com/",
                    id="webhooks.E001",
                )
            )
    return errors
