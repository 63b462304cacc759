"""The image library: an image once uploaded, its texts per language and its renditions.

The stored file is the upload normalised (orientation applied, metadata gone, sRGB); the
renditions are made from it by a background task (``images.tasks``). Entries and vendors refer
to an image; the public surfaces read it from the entries' stored documents.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kernel.languages import Resolved, language_choices, resolve_translation

FOCAL = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Renditions being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Renditions failed"

    file = models.FileField(upload_to="images/originals/", max_length=200, editable=False)
    format = models.CharField(max_length=8, editable=False, help_text="Sniffed from the content.")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    credit = models.CharField(
        max_length=200, help_text="Who made it, as shown beside it (e.g. “Photo: Jane Doe”)."
    )
    licence = models.CharField(
        max_length=200, blank=True, help_text="Licence or permission, e.g. “CC BY 4.0”."
    )
    focal_x = models.FloatField(
        default=0.5, validators=FOCAL, help_text="Focal point from the left, 0 to 1."
    )
    focal_y = models.FloatField(
        default=0.5, validators=FOCAL, help_text="Focal point from the top, 0 to 1."
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, editable=False
    )
    status_detail = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        title = next((t.title for t in self.texts.all() if t.title), "")
        return title or f"Image {self.pk}"

    def text(self, language: str) -> Resolved["ImageText"]:
        return resolve_translation(self.texts.all(), language)


class ImageText(models.Model):
    """An image's title and alt text in one language; the default language's stand in for a
    missing one, and the surfaces say so."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=10, choices=language_choices)
    title = models.CharField(max_length=200, blank=True)
    alt = models.CharField(
        max_length=300, help_text="What the image shows, for readers who cannot see it."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "language"], name="unique_image_language")
        ]
        ordering = ["language"]

    def __str__(self):
        return f"{self.image_id} ({self.language})"


class Rendition(models.Model):
    """One file made from an image: a width in one format, or the social card."""

    class Kind(models.TextChoices):
        WIDTH = "width", "Width"
        CARD = "card", "Social card"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.WIDTH)
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=200)
    size = models.PositiveIntegerField(help_text="Bytes.")

    class Meta:
        ordering = ["kind", "format", "width"]

    def __str__(self):
        return f"{self.image_id}: {self.kind} {self.format} {self.width}x{self.height}"
