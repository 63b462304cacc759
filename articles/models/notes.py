"""Notes on an entry: dated corrections, clarifications and updates, in each language.

A note is part of the entry's working copy and goes live with it (publishing stamps its
``published_at``). From then on it never changes: a later note amends an earlier one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from articles.choices import NoteKind
from articles.models.content import Article

NOTE_TEXT_MAX_LENGTH = 1000


class Note(models.Model):
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=gettext_lazy("article"),
    )
    kind = models.CharField(
        max_length=16, choices=NoteKind.choices, verbose_name=gettext_lazy("kind")
    )
    text = models.JSONField(
        default=dict,
        help_text=gettext_lazy("The note's text per language code, e.g. {'en': '...'}."),
        verbose_name=gettext_lazy("text"),
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
        help_text=gettext_lazy(
            "An earlier note of this entry that this one corrects or completes."
        ),
        verbose_name=gettext_lazy("amends"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=gettext_lazy("written by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=gettext_lazy("When the note went live; from then on it cannot change."),
        verbose_name=gettext_lazy("published at"),
    )

    class Meta:
        verbose_name = gettext_lazy("note")
        verbose_name_plural = gettext_lazy("notes")
        ordering = ["article", "published_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article.slug}"

    @property
    def is_live(self) -> bool:
        return self.published_at is not None
