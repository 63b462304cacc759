"""Webhook subscriptions, the outbox of events to deliver, and the delivery log.

An ``Event`` is a publication-log row that at least one subscription wanted, with the payload
as it was when the row was written; a ``Delivery`` is one event for one subscription (the
outbox row); an ``Attempt`` is one HTTP request of a delivery.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.models import PublicationEvent, PublicationLog, Vendor
from partners.models import PartnerKey


class Subscription(models.Model):
    name = models.CharField(
        max_length=120,
        help_text=gettext_lazy("Who receives it, e.g. the partner."),
        verbose_name=gettext_lazy("name"),
    )
    url = models.URLField(
        gettext_lazy("target URL"),
        max_length=500,
        help_text=gettext_lazy("https only; never a private address."),
    )
    events = models.JSONField(
        default=list,
        help_text=gettext_lazy("The events sent; none selected means all of them."),
        verbose_name=gettext_lazy("events"),
    )
    vendors = models.ManyToManyField(
        Vendor,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Only these vendors' events; none: all."),
        verbose_name=gettext_lazy("vendors"),
    )
    languages = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("The documents' languages sent; none: all."),
        verbose_name=gettext_lazy("languages"),
    )
    partner = models.ForeignKey(
        PartnerKey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("partner"),
    )
    secret_encrypted = models.TextField(
        editable=False, verbose_name=gettext_lazy("secret encrypted")
    )
    previous_secret_encrypted = models.TextField(
        editable=False, blank=True, verbose_name=gettext_lazy("previous secret encrypted")
    )
    previous_secret_until = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=gettext_lazy("previous secret until")
    )
    is_active = models.BooleanField(gettext_lazy("active"), default=True)
    disabled_reason = models.CharField(
        max_length=300, blank=True, editable=False, verbose_name=gettext_lazy("disabled reason")
    )
    failing_since = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=gettext_lazy("First failure since the last success."),
        verbose_name=gettext_lazy("failing since"),
    )
    last_success_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=gettext_lazy("last success at")
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=gettext_lazy("created at")
    )

    class Meta:
        verbose_name = gettext_lazy("subscription")
        verbose_name_plural = gettext_lazy("subscriptions")
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
        PublicationLog,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=gettext_lazy("log"),
    )
    type = models.CharField(
        max_length=32, choices=PublicationEvent.choices, verbose_name=gettext_lazy("type")
    )
    position = models.PositiveBigIntegerField(verbose_name=gettext_lazy("position"))
    effective_at = models.DateTimeField(verbose_name=gettext_lazy("effective at"))
    significant = models.BooleanField(
        null=True,
        help_text=gettext_lazy("entry.updated only: a significant change or a new note."),
        verbose_name=gettext_lazy("significant"),
    )
    article_id = models.BigIntegerField(null=True, verbose_name=gettext_lazy("article id"))
    vendor_id = models.BigIntegerField(null=True, verbose_name=gettext_lazy("vendor id"))
    slug = models.SlugField(max_length=200, verbose_name=gettext_lazy("slug"))
    documents = models.TextField(
        blank=True,
        help_text=gettext_lazy("JSON: language -> document, or language -> fetch URL."),
        verbose_name=gettext_lazy("documents"),
    )
    documents_by_reference = models.BooleanField(
        default=False, verbose_name=gettext_lazy("documents by reference")
    )
    release_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The release that made this change, if one did."),
        verbose_name=gettext_lazy("release id"),
    )
    release_summary = models.JSONField(
        null=True,
        blank=True,
        help_text=gettext_lazy("release.published only: the release and its items."),
        verbose_name=gettext_lazy("release summary"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    fanned_out = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Its deliveries exist."),
        verbose_name=gettext_lazy("fanned out"),
    )

    class Meta:
        verbose_name = gettext_lazy("event")
        verbose_name_plural = gettext_lazy("events")
        indexes = [models.Index(fields=["fanned_out", "effective_at"], name="event_due_idx")]

    def __str__(self):
        about = self.release_summary["title"] if self.release_summary else self.slug
        return f"#{self.position} {self.type} {about}"


class Delivery(models.Model):
    """One event for one subscription: the outbox row. Its id is the ``webhook-id``."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        DELIVERED = "delivered", gettext_lazy("Delivered")
        FAILED = "failed", gettext_lazy("Failed")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=gettext_lazy("id")
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=gettext_lazy("subscription"),
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=gettext_lazy("event"),
    )
    is_ping = models.BooleanField(default=False, verbose_name=gettext_lazy("is ping"))
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        verbose_name=gettext_lazy("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When it is tried (again); empty once finished."),
        verbose_name=gettext_lazy("next attempt at"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    finished_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("finished at")
    )

    class Meta:
        verbose_name = gettext_lazy("delivery")
        verbose_name_plural = gettext_lazy("deliveries")
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

    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        related_name="log",
        verbose_name=gettext_lazy("delivery"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("subscription"),
    )
    number = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("number"))
    started_at = models.DateTimeField(verbose_name=gettext_lazy("started at"))
    duration_ms = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("duration (ms)"))
    succeeded = models.BooleanField(verbose_name=gettext_lazy("succeeded"))
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=gettext_lazy("status code")
    )
    error = models.CharField(max_length=300, blank=True, verbose_name=gettext_lazy("error"))
    response_excerpt = models.TextField(blank=True, verbose_name=gettext_lazy("response excerpt"))
    next_retry_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("next retry at")
    )

    class Meta:
        verbose_name = gettext_lazy("attempt")
        verbose_name_plural = gettext_lazy("attempts")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["started_at"], name="attempt_started_idx")]

    def __str__(self):
        return f"{self.delivery} #{self.number}"


class SweepClock(models.Model):
    """The one row saying when the next sweep is scheduled: keeps one sweep chain alive."""

    next_run_at = models.DateTimeField(null=True, verbose_name=gettext_lazy("next run at"))

    class Meta:
        verbose_name = gettext_lazy("sweep clock")
        verbose_name_plural = gettext_lazy("sweep clocks")

    def __str__(self):
        return f"next sweep at {self.next_run_at}"


class HubPing(models.Model):
    """WebSub: tell one hub that one feed (its topic, the feed's own URL) changed. The outbox
    row, written in the publishing transaction, sent after the commit once the change is
    visible, retried like a delivery while the hub fails."""

    hub = models.URLField(max_length=500, verbose_name=gettext_lazy("hub"))
    topic = models.URLField(
        max_length=500,
        help_text=gettext_lazy("The feed's URL, as it names itself."),
        verbose_name=gettext_lazy("topic"),
    )
    status = models.CharField(
        max_length=16,
        choices=Delivery.Status.choices,
        default=Delivery.Status.PENDING,
        verbose_name=gettext_lazy("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When it is sent (again); empty once finished."),
        verbose_name=gettext_lazy("next attempt at"),
    )
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=gettext_lazy("status code")
    )
    error = models.CharField(max_length=300, blank=True, verbose_name=gettext_lazy("error"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    finished_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("finished at")
    )

    class Meta:
        verbose_name_plural = gettext_lazy("WebSub pings")
        verbose_name = gettext_lazy("WebSub ping")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="hub_ping_due_idx")]

    def __str__(self):
        return f"{self.topic} to {self.hub}"
