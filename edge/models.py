"""The purge outbox, and what each entry and vendor was last purged by.

A ``Purge`` is written in the publishing transaction (so a rollback takes it away and a
commit keeps it whatever happens to the worker) and sent after commit, or at its time for a
scheduled change. ``Tagged`` keeps the keys an entry's or a vendor's last change purged, so
that the next change purges them too: an entry that moves to another vendor or loses a topic
purges the old vendor's and topic's answers as well as the new ones.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class Purge(models.Model):
    keys = models.JSONField(
        help_text=gettext_lazy("The surrogate keys to purge."), verbose_name=gettext_lazy("keys")
    )
    position = models.PositiveBigIntegerField(
        default=0,
        help_text=gettext_lazy("The last publication-log position it purges."),
        verbose_name=gettext_lazy("position"),
    )
    due_at = models.DateTimeField(
        default=timezone.now,
        help_text=gettext_lazy("When: the change's time."),
        verbose_name=gettext_lazy("due at"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("attempts"))
    leased_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("A worker is sending it until then."),
        verbose_name=gettext_lazy("leased until"),
    )
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("sent at"))
    last_error = models.CharField(
        max_length=300, blank=True, verbose_name=gettext_lazy("last error")
    )

    class Meta:
        verbose_name = gettext_lazy("purge")
        verbose_name_plural = gettext_lazy("purges")
        indexes = [models.Index(fields=["sent_at", "due_at"], name="edge_purge_pending_idx")]

    def __str__(self):
        return f"purge #{self.pk}: {' '.join(self.keys)}"


class Tagged(models.Model):
    class Kind(models.TextChoices):
        ENTRY = "entry"
        VENDOR = "vendor"

    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    object_id = models.BigIntegerField(verbose_name=gettext_lazy("object id"))
    keys = models.JSONField(default=list, verbose_name=gettext_lazy("keys"))

    class Meta:
        verbose_name = gettext_lazy("tagged object")
        verbose_name_plural = gettext_lazy("tagged objects")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="edge_tagged_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {' '.join(self.keys)}"
