from django.db import models
from django.utils.translation import gettext_lazy


class PartnerKey(models.Model):
    """An API key a partner sends as ``Authorization: Api-Key <key>`` for the higher rate.

    Only a SHA-256 hash of the key is stored: keys are long random strings, so a fast hash is
    as safe as a slow one. The prefix (the part before the dot) finds the row.
    """

    name = models.CharField(
        max_length=120,
        help_text=gettext_lazy("Who the key is for, e.g. the partner."),
        verbose_name=gettext_lazy("name"),
    )
    prefix = models.CharField(
        max_length=16, unique=True, editable=False, verbose_name=gettext_lazy("prefix")
    )
    key_hash = models.CharField(
        max_length=64, editable=False, verbose_name=gettext_lazy("key hash")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=gettext_lazy("revoked at")
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=gettext_lazy("last used at")
    )

    class Meta:
        # The table of the release that kept partner keys in ``cms``: taken over, not renamed,
        # so upgrading moves no data (partners/migrations/0001_initial.py).
        verbose_name = gettext_lazy("partner key")
        verbose_name_plural = gettext_lazy("partner keys")
        db_table = "cms_partnerkey"
        ordering = ["name", "created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
