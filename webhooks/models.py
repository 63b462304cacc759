"""Webhook subscriptions, the outbox of events to deliver, and the delivery log.

An ``Event`` is a publication-log row that at least one subscription wanted, with the payload
as it was when the row was written; a ``Delivery`` is one event for one subscription (the
outbox row); an ``Attempt`` is one HTTP request of a delivery.
"""

import uuid

from django.db import models
from django.utils import timezone

from articles.models import PublicationEvent, PublicationLog, Vendor
from partners.models import PartnerKey


class Subscription(models.Model):
    name = models.CharField(max_length=120, help_text="Who receives it, e.g. the partner.")
    url = models.URLField(
        "target URL", max_length=500, help_text="https only; never a private address."
    )
    events = models.JSONField(
        default=list, help_text="The events sent; none selected means all of them."
    )
    vendors = models.ManyToManyField(
        Vendor, blank=True, related_name="+", help_text="Only these vendors' events; none: all."
    )
    languages = models.JSONField(
        default=list, blank=True, help_text="The documents' languages sent; none: all."
    )
    partner = models.ForeignKey(
        PartnerKey, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(editable=False, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField("active", default=True)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    failing_since = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="First failure since the last success."
    )
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class Event(models.Model):
    """The outbox: one row per publication-log row, written in the publishing transaction
    with the payload's data as it was then. The worker fans it out to a ``Delivery`` per
    matching subscription. Goes with the log row if that is dropped (a scheduled change
    superseded before its time): nothing is then sent."""

    log = models.OneToOneField(
        PublicationLog, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    type = models.CharField(max_length=32, choices=PublicationEvent.choices)
    position = models.PositiveBigIntegerField()
    effective_at = models.DateTimeField()
    significant = models.BooleanField(
        null=True, help_text="entry.updated only: a significant change or a new note."
    )
    article_id = models.BigIntegerField(null=True)
    vendor_id = models.BigIntegerField(null=True)
    slug = models.SlugField(max_length=200)
    documents = models.TextField(
        blank=True, help_text="JSON: language -> document, or language -> fetch URL."
    )
    documents_by_reference = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out = models.BooleanField(default=False, help_text="Its deliveries exist.")

    class Meta:
        indexes = [models.Index(fields=["fanned_out", "effective_at"], name="event_due_idx")]

    def __str__(self):
        return f"#{self.position} {self.type} {self.slug}"


class Delivery(models.Model):
    """One event for one subscription: the outbox row. Its id is the ``webhook-id``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    is_ping = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When it is tried (again); empty once finished."
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="one_delivery_per_event")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["created_at"], name="delivery_created_idx"),
        ]

    def __str__(self):
        return self.webhook_id

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.id.hex}"


class Attempt(models.Model):
    """One request of a delivery, as the delivery log shows it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    response_excerpt = models.TextField(blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["started_at"], name="attempt_started_idx")]

    def __str__(self):
        return f"{self.delivery} #{self.number}"


class SweepClock(models.Model):
    """The one row saying when the next sweep is scheduled: keeps one sweep chain alive."""

    next_run_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"next sweep at {self.next_run_at}"


class HubPing(models.Model):
    """WebSub: tell one hub that one feed (its topic, the feed's own URL) changed. The outbox
    row, written in the publishing transaction, sent after the commit once the change is
    visible, retried like a delivery while the hub fails."""

    hub = models.URLField(max_length=500)
    topic = models.URLField(max_length=500, help_text="The feed's URL, as it names itself.")
    status = models.CharField(
        max_length=16, choices=Delivery.Status.choices, default=Delivery.Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When it is sent (again); empty once finished."
    )
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "WebSub ping"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="hub_ping_due_idx")]

    def __str__(self):
        return f"{self.topic} to {self.hub}"
