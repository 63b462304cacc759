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

from articles.models.content import Article


class RevisionReason(models.TextChoices):
    CREATE = "create", "Created"
    EDIT = "edit", "Edited"
    RESTORE = "restore", "Restored"
    DISCARD = "discard", "Discarded changes"
    IMPORT = "import", "Imported"
    PUBLISH = "publish", "Published"
    SCHEDULE = "schedule", "Scheduled to go live"
    WORKFLOW = "workflow", "Workflow step"
    NOTE = "note", "Note"


def workflow_state(article: Article) -> dict:
    """The workflow fields of ``article`` as a revision keeps them."""
    return {
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "revisit_after": article.revisit_after.isoformat() if article.revisit_after else None,
    }


class Revision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="The entry's version this revision is.")
    content = models.JSONField(help_text="The entry's source, as publishing renders it.")
    workflow = models.JSONField(
        default=dict, help_text="The workflow fields then: status, published_at, revisit_after."
    )
    created_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=RevisionReason.choices)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            # Its index answers "the latest revision of this entry" in one query.
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")
        ]

    def __str__(self):
        return f"{self.article_id} #{self.number}"
