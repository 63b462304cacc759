"""GraphQL documents the server runs by id (docs/graphql.md, "Persisted documents").

One table, so every process sees a document as soon as it is registered or retired.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class PersistedDocument(models.Model):
    class Source(models.TextChoices):
        # Registered by an operator from a build's manifest: trusted.
        MANIFEST = "manifest", gettext_lazy("Manifest")
        # Registered by an anonymous client the APQ way: a shortcut, never trusted.
        AUTOMATIC = "automatic", gettext_lazy("Automatic (APQ)")

    # "sha256:" and the lower-case hex SHA-256 of the document's UTF-8 text.
    id = models.CharField(primary_key=True, max_length=71, verbose_name=gettext_lazy("id"))
    document = models.TextField(verbose_name=gettext_lazy("document"))
    source = models.CharField(
        max_length=16, choices=Source.choices, verbose_name=gettext_lazy("source")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    # A retired document is no longer run by id (registering it from a manifest again revives it).
    retired_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("retired at")
    )

    class Meta:
        verbose_name = gettext_lazy("persisted document")
        verbose_name_plural = gettext_lazy("persisted documents")
        indexes = [models.Index(fields=["source"], name="persisted_source_idx")]

    def __str__(self):
        return self.id
