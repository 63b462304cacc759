import uuid

from django.db import models
from django.utils.translation import gettext_lazy

from feedback.querysets import FeedbackQuerySet
from kernel.languages import language_choices


class Feedback(models.Model):
    """Anonymous reader feedback ("help shape what we cover next"). No account, no raw IP."""

    class Kind(models.TextChoices):
        TOPIC_REQUEST = "topic_request", gettext_lazy("Topic request")
        CORRECTION = "correction", gettext_lazy("Correction")
        GENERAL = "general", gettext_lazy("General")
        HELPFUL_YES = "helpful_yes", gettext_lazy("Helpful: yes")
        HELPFUL_NO = "helpful_no", gettext_lazy("Helpful: no")

    class Status(models.TextChoices):
        NEW = "new", gettext_lazy("New")
        REVIEWED = "reviewed", gettext_lazy("Reviewed")
        ACTIONED = "actioned", gettext_lazy("Actioned")
        SPAM = "spam", gettext_lazy("Spam")

    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=gettext_lazy(
            "The id a reader is shown; random, so it reveals nothing about other rows."
        ),
        verbose_name=gettext_lazy("public id"),
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=gettext_lazy("article"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    note = models.ForeignKey(
        "articles.Note",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        help_text=gettext_lazy("The note on the entry the desk wrote from this feedback."),
        verbose_name=gettext_lazy("note"),
    )
    message = models.TextField(blank=True, verbose_name=gettext_lazy("message"))
    language = models.CharField(
        max_length=10, choices=language_choices, verbose_name=gettext_lazy("language")
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        verbose_name=gettext_lazy("status"),
    )
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=gettext_lazy("created at")
    )
    client_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=gettext_lazy(
            "Salted hash of the client address, rotated daily; never the address itself."
        ),
        verbose_name=gettext_lazy("client hash"),
    )
    dedupe_key = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=gettext_lazy(
            "Same client, kind, entry and message in the same time bucket; unique."
        ),
        verbose_name=gettext_lazy("dedupe key"),
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("feedback")
        ordering = ["-created_at", "-id"]
        verbose_name_plural = gettext_lazy("feedback")
        indexes = [models.Index(fields=["status", "-created_at"], name="feedback_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="feedback_unique_dedupe_key",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {str(self.public_id)[:8]}"

    @property
    def article_slug(self) -> str | None:
        return self.article.slug if self.article_id else None
