import uuid

from django.db import models

from feedback.querysets import FeedbackQuerySet
from kernel.languages import language_choices


class Feedback(models.Model):
    """Anonymous reader feedback ("help shape what we cover next"). No account, no raw IP."""

    class Kind(models.TextChoices):
        TOPIC_REQUEST = "topic_request", "Topic request"
        CORRECTION = "correction", "Correction"
        GENERAL = "general", "General"
        HELPFUL_YES = "helpful_yes", "Helpful: yes"
        HELPFUL_NO = "helpful_no", "Helpful: no"

    class Status(models.TextChoices):
        NEW = "new", "New"
        REVIEWED = "reviewed", "Reviewed"
        ACTIONED = "actioned", "Actioned"
        SPAM = "spam", "Spam"

    public_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The id a reader is shown; random, so it reveals nothing about other rows.",
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.ForeignKey(
        "articles.Note",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        help_text="The note on the entry the desk wrote from this feedback.",
    )
    message = models.TextField(blank=True)
    language = models.CharField(max_length=10, choices=language_choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    client_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Salted hash of the client address, rotated daily; never the address itself.",
    )
    dedupe_key = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Same client, kind, entry and message in the same time bucket; unique.",
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"
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
