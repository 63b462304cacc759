"""An entry's revisions: every save of an entry stored as the document it is.

A revision holds the entry's whole source (``articles.documents.working_copy``: the same dict
publishing and previews render from) and, apart from it, the entry's workflow fields at that
moment. Exactly one is written per service call that changes the entry (``articles.services``),
in the same transaction; history, diffs, restore and the stale-edit check read them
(``articles.revisions``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.models.content import Article


class RevisionReason(models.TextChoices):
    CREATE = "create", gettext_lazy("Created")
    EDIT = "edit", gettext_lazy("Edited")
    RESTORE = "restore", gettext_lazy("Restored")
    DISCARD = "discard", gettext_lazy("Discarded changes")
    IMPORT = "import", gettext_lazy("Imported")
    PUBLISH = "publish", gettext_lazy("Published")
    SCHEDULE = "schedule", gettext_lazy("Scheduled to go live")
    WORKFLOW = "workflow", gettext_lazy("Workflow step")
    NOTE = "note", gettext_lazy("Note")


def workflow_state(article: Article) -> dict:
    """The workflow fields of ``article`` as a revision keeps them."""
    return {
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "revisit_after": article.revisit_after.isoformat() if article.revisit_after else None,
    }


class Revision(models.Model):
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=gettext_lazy("article"),
    )
    number = models.PositiveIntegerField(
        help_text=gettext_lazy("The entry's version this revision is."),
        verbose_name=gettext_lazy("number"),
    )
    content = models.JSONField(
        help_text=gettext_lazy("The entry's source, as publishing renders it."),
        verbose_name=gettext_lazy("content"),
    )
    workflow = models.JSONField(
        default=dict,
        help_text=gettext_lazy("The workflow fields then: status, published_at, revisit_after."),
        verbose_name=gettext_lazy("workflow"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("user"),
    )
    reason = models.CharField(
        max_length=16, choices=RevisionReason.choices, verbose_name=gettext_lazy("reason")
    )
    message = models.TextField(blank=True, verbose_name=gettext_lazy("message"))

    class Meta:
        verbose_name = gettext_lazy("revision")
        verbose_name_plural = gettext_lazy("revisions")
        ordering = ["-number"]
        constraints = [
            # Its index answers "the latest revision of this entry" in one query.
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")
        ]

    def __str__(self):
        return f"{self.article_id} #{self.number}"
