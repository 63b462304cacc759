"""The purge outbox, and what each entry and vendor was last purged by.

A ``Purge`` is written in the publishing transaction (so a rollback takes it away and a
commit keeps it whatever happens to the worker) and sent after commit, or at its time for a
scheduled change. ``Tagged`` keeps the keys an entry's or a vendor's last change purged, so
that the next change purges them too: an entry that moves to another vendor or loses a topic
purges the old vendor's and topic's answers as well as the new ones.
"""

from django.db import models
from django.utils import timezone


class Purge(models.Model):
    keys = models.JSONField(help_text="The surrogate keys to purge.")
    position = models.PositiveBigIntegerField(
        default=0, help_text="The last publication-log position it purges."
    )
    due_at = models.DateTimeField(default=timezone.now, help_text="When: the change's time.")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    leased_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is sending it until then."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "due_at"], name="edge_purge_pending_idx")]

    def __str__(self):
        return f"purge #{self.pk}: {' '.join(self.keys)}"


class Tagged(models.Model):
    class Kind(models.TextChoices):
        ENTRY = "entry"
        VENDOR = "vendor"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    keys = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="edge_tagged_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {' '.join(self.keys)}"
