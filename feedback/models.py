from django.db import models

from cms.languages import language_choices


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

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"
        indexes = [models.Index(fields=["status", "-created_at"], name="feedback_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
