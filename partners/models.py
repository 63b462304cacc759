from django.db import models


class PartnerKey(models.Model):
    """An API key a partner sends as ``Authorization: Api-Key <key>`` for the higher rate.

    Only a SHA-256 hash of the key is stored: keys are long random strings, so a fast hash is
    as safe as a slow one. The prefix (the part before the dot) finds the row.
    """

    name = models.CharField(max_length=120, help_text="Who the key is for, e.g. the partner.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        # The table of the release that kept partner keys in ``cms``: taken over, not renamed,
        # so upgrading moves no data (partners/migrations/0001_initial.py).
        db_table = "cms_partnerkey"
        ordering = ["name", "created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
