"""Releases: entries that go live together, each exactly as the revision pinned and reviewed
in the release, or not at all (``articles.services.releases``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.choices import ArticleStatus
from articles.models.content import Article
from articles.models.revisions import Revision


class ReleaseAction(models.TextChoices):
    PUBLISH = "publish", gettext_lazy("Publish")
    PUBLISH_CHANGES = "publish_changes", gettext_lazy("Publish changes")
    UNPUBLISH = "unpublish", gettext_lazy("Unpublish")
    ARCHIVE = "archive", gettext_lazy("Archive")


#: The actions that take an entry off the public surfaces.
REMOVALS = (ReleaseAction.UNPUBLISH, ReleaseAction.ARCHIVE)


class ReleaseQuerySet(models.QuerySet):
    def pending(self):
        """Releases whose entries may still change: open, or scheduled for a time to come.
        An entry sits in at most one of them."""
        return self.filter(
            models.Q(status=Release.Status.OPEN)
            | models.Q(status=Release.Status.SCHEDULED, published_at__gt=timezone.now())
        )


class Release(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        SCHEDULED = "scheduled", gettext_lazy("Scheduled")
        PUBLISHED = "published", gettext_lazy("Published")

    title = models.CharField(max_length=200, verbose_name=gettext_lazy("title"))
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        verbose_name=gettext_lazy("status"),
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When it went live, or goes live if it is scheduled."),
        verbose_name=gettext_lazy("published at"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("published by"),
    )
    reverts = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reverted_by",
        help_text=gettext_lazy("The published release this one undoes."),
        verbose_name=gettext_lazy("reverts"),
    )
    failure = models.TextField(
        blank=True,
        help_text=gettext_lazy("Why the last attempt to publish it failed (nothing went live)."),
        verbose_name=gettext_lazy("failure"),
    )
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("failed at"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("release")
        verbose_name_plural = gettext_lazy("releases")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_live(self) -> bool:
        """Published, and its time has come (a scheduled release goes live at its time)."""
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_waiting(self) -> bool:
        """Scheduled for a time still to come."""
        return self.status == self.Status.SCHEDULED and not self.is_live

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReleaseItem(models.Model):
    """An entry in a release: what it does (``action``) with which revision. ``base`` is
    the revision that was live when the item was pinned (none: the entry was not live): if
    the live entry moves on, the item conflicts."""

    release = models.ForeignKey(
        Release,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=gettext_lazy("release"),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="release_items",
        verbose_name=gettext_lazy("article"),
    )
    action = models.CharField(
        max_length=16, choices=ReleaseAction.choices, verbose_name=gettext_lazy("action")
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.RESTRICT,  # pruning keeps it (``revision_pinned``)
        related_name="+",
        help_text=gettext_lazy("What goes live: pinned, later edits do not go with it."),
        verbose_name=gettext_lazy("revision"),
    )
    base = models.ForeignKey(
        Revision,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("The live revision when it was pinned (empty: not live)."),
        verbose_name=gettext_lazy("base"),
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("reviewed at")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("reviewed by"),
    )
    added_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("added by"),
    )
    # What publishing replaced, for unscheduling and reverting.
    previous = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("The revision live before the release (empty: not live)."),
        verbose_name=gettext_lazy("previous"),
    )
    previous_status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, blank=True, editable=False
    )
    previous_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = gettext_lazy("release item")
        verbose_name_plural = gettext_lazy("release items")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["release", "article"], name="release_item_unique")
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.revision.content.get('slug', self.article_id)}"
