"""The image library: an image once uploaded, its texts per language and its renditions.

The stored file is the upload normalised (orientation applied, metadata gone, sRGB); the
renditions are made from it by a background task (``images.tasks``). Entries and vendors refer
to an image; the public surfaces read it from the entries' stored documents.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy

from kernel.languages import Resolved, language_choices, resolve_translation

FOCAL = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Renditions being made")
        READY = "ready", gettext_lazy("Ready")
        FAILED = "failed", gettext_lazy("Renditions failed")

    file = models.FileField(
        upload_to="images/originals/",
        max_length=200,
        editable=False,
        verbose_name=gettext_lazy("file"),
    )
    format = models.CharField(
        max_length=8,
        editable=False,
        help_text=gettext_lazy("Sniffed from the content."),
        verbose_name=gettext_lazy("format"),
    )
    width = models.PositiveIntegerField(editable=False, verbose_name=gettext_lazy("width"))
    height = models.PositiveIntegerField(editable=False, verbose_name=gettext_lazy("height"))
    credit = models.CharField(
        max_length=200,
        help_text=gettext_lazy("Who made it, as shown beside it (e.g. “Photo: Jane Doe”)."),
        verbose_name=gettext_lazy("credit"),
    )
    licence = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Licence or permission, e.g. “CC BY 4.0”."),
        verbose_name=gettext_lazy("licence"),
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=FOCAL,
        help_text=gettext_lazy("Focal point from the left, 0 to 1."),
        verbose_name=gettext_lazy("focal point x"),
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=FOCAL,
        help_text=gettext_lazy("Focal point from the top, 0 to 1."),
        verbose_name=gettext_lazy("focal point y"),
    )
    status = models.CharField(
        max_length=8,
        choices=Status.choices,
        default=Status.PENDING,
        editable=False,
        verbose_name=gettext_lazy("status"),
    )
    status_detail = models.CharField(
        max_length=300, blank=True, editable=False, verbose_name=gettext_lazy("status detail")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("image")
        verbose_name_plural = gettext_lazy("images")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        title = next((t.title for t in self.texts.all() if t.title), "")
        return title or f"Image {self.pk}"

    def text(self, language: str) -> Resolved["ImageText"]:
        return resolve_translation(self.texts.all(), language)


class ImageText(models.Model):
    """An image's title and alt text in one language; the default language's stand in for a
    missing one, and the surfaces say so."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="texts", verbose_name=gettext_lazy("image")
    )
    language = models.CharField(
        max_length=10, choices=language_choices, verbose_name=gettext_lazy("language")
    )
    title = models.CharField(max_length=200, blank=True, verbose_name=gettext_lazy("title"))
    alt = models.CharField(
        max_length=300,
        help_text=gettext_lazy("What the image shows, for readers who cannot see it."),
        verbose_name=gettext_lazy("alt text"),
    )

    class Meta:
        verbose_name = gettext_lazy("image text")
        verbose_name_plural = gettext_lazy("image texts")
        constraints = [
            models.UniqueConstraint(fields=["image", "language"], name="unique_image_language")
        ]
        ordering = ["language"]

    def __str__(self):
        return f"{self.image_id} ({self.language})"


class Rendition(models.Model):
    """One file made from an image: a width in one format, or the social card."""

    class Kind(models.TextChoices):
        WIDTH = "width", gettext_lazy("Width")
        CARD = "card", gettext_lazy("Social card")

    image = models.ForeignKey(
        Image,
        on_delete=models.CASCADE,
        related_name="renditions",
        verbose_name=gettext_lazy("image"),
    )
    kind = models.CharField(
        max_length=8, choices=Kind.choices, default=Kind.WIDTH, verbose_name=gettext_lazy("kind")
    )
    format = models.CharField(max_length=8, verbose_name=gettext_lazy("format"))
    width = models.PositiveIntegerField(verbose_name=gettext_lazy("width"))
    height = models.PositiveIntegerField(verbose_name=gettext_lazy("height"))
    file = models.FileField(max_length=200, verbose_name=gettext_lazy("file"))
    size = models.PositiveIntegerField(
        help_text=gettext_lazy("Bytes."), verbose_name=gettext_lazy("size")
    )

    class Meta:
        verbose_name = gettext_lazy("rendition")
        verbose_name_plural = gettext_lazy("renditions")
        ordering = ["kind", "format", "width"]

    def __str__(self):
        return f"{self.image_id}: {self.kind} {self.format} {self.width}x{self.height}"
