"""GraphQL documents the server runs by id (docs/graphql.md, "Persisted documents").

One table, so every process sees a document as soon as it is registered or retired.
"""

from django.db import models


class PersistedDocument(models.Model):
    class Source(models.TextChoices):
        # Registered by an operator from a build's manifest: trusted.
        MANIFEST = "manifest", "Manifest"
        # Registered by an anonymous client the APQ way: a shortcut, never trusted.
        AUTOMATIC = "automatic", "Automatic (APQ)"

    # "sha256:" and the lower-case hex SHA-256 of the document's UTF-8 text.
    id = models.CharField(primary_key=True, max_length=71)
    document = models.TextField()
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # A retired document is no longer run by id (registering it from a manifest again revives it).
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source"], name="persisted_source_idx")]

    def __str__(self):
        return self.id
