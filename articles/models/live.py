"""The live version: what the public sees of an entry, written only by publishing.

Editors change the working copy (``Article`` and its parts); publishing renders it into one
``LiveDocument`` per entry and language (fallback applied, body rendered, scorecard verdict
derived, vendor and topics embedded) and appends to the ``PublicationLog`` in the same
transaction. Every public surface reads these tables only.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.choices import ArticleKind
from articles.models.content import Article, Topic, Vendor
from articles.models.revisions import Revision
from articles.search import FTS_TABLE, IndexColumn
from kernel.languages import language_choices


class LiveQuerySet(models.QuerySet):
    def visible(self, *, at=None):
        """The one definition of "the public may see it": live, and its time has come."""
        return self.filter(published_at__lte=at or timezone.now())

    def scheduled(self, *, at=None):
        """Live but not visible yet: the rest of what ``visible`` leaves out."""
        return self.filter(published_at__gt=at or timezone.now())


class LiveEntryQuerySet(LiveQuerySet):
    def visible(self, *, at=None):
        """Also: not withdrawn yet (a release scheduled to take it off)."""
        at = at or timezone.now()
        return super().visible(at=at).filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))


class LiveDocumentQuerySet(LiveQuerySet):
    def hidden(self, *, at=None):
        """Documents of live entries the public does not see: scheduled for later, or
        withdrawn (what the kept counts hold but the public counts leave out)."""
        at = at or timezone.now()
        return self.filter(Q(published_at__gt=at) | Q(withdrawn_at__lte=at))

    def visible(self, *, at=None):
        """Also: the document's window holds ``at``. A scheduled change is the next document
        of the entry in its language, valid from the change's time; the one it replaces is
        valid until then."""
        at = at or timezone.now()
        return (
            super()
            .visible(at=at)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at), valid_from__lte=at)
        )


class LiveEntry(models.Model):
    """An entry's live version, with the working-copy content it was built from."""

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="live",
        verbose_name=gettext_lazy("article"),
    )
    slug = models.SlugField(max_length=200, unique=True, verbose_name=gettext_lazy("slug"))
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("vendor")
    )
    kind = models.CharField(
        max_length=32, choices=ArticleKind.choices, verbose_name=gettext_lazy("kind")
    )
    published_at = models.DateTimeField(verbose_name=gettext_lazy("published at"))
    updated_at = models.DateTimeField(
        help_text=gettext_lazy("The last time the public content changed."),
        verbose_name=gettext_lazy("updated at"),
    )
    modified_at = models.DateTimeField(
        help_text=gettext_lazy(
            "The last significant change or note: what readers and search engines are "
            "told (schema.org dateModified)."
        ),
        verbose_name=gettext_lazy("modified at"),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="+", verbose_name=gettext_lazy("topics")
    )
    has_scorecard = models.BooleanField(default=False, verbose_name=gettext_lazy("has scorecard"))
    source = models.JSONField(
        help_text=gettext_lazy("The working copy's content as published."),
        verbose_name=gettext_lazy("source"),
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.RESTRICT,  # pruning keeps it; deleting the entry takes both
        null=True,
        related_name="+",
        help_text=gettext_lazy("The entry's revision published: what is live."),
        verbose_name=gettext_lazy("revision"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=gettext_lazy("published by"),
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "When a scheduled release takes it off the public surfaces (empty: never)."
        ),
        verbose_name=gettext_lazy("withdrawn at"),
    )

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("live entry")
        verbose_name_plural = gettext_lazy("live entries")

    def __str__(self):
        return self.slug


class LiveCount(models.Model):
    """How many live entries a vendor or topic has, scheduled ones included: kept by
    publishing in the transaction that writes them (``articles.publishing``), so the public
    counts never read every entry. No row: none."""

    entries = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("entries"))

    class Meta:
        verbose_name = gettext_lazy("live count")
        verbose_name_plural = gettext_lazy("live counts")
        abstract = True

    def __str__(self):
        return f"{self.pk}: {self.entries}"


class LiveVendorCount(LiveCount):
    vendor = models.OneToOneField(
        Vendor,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=gettext_lazy("vendor"),
    )


class LiveTopicCount(LiveCount):
    topic = models.OneToOneField(
        Topic,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=gettext_lazy("topic"),
    )


class LiveDocument(models.Model):
    """One live entry in one language, stored as the JSON every surface serves.

    The columns beside the JSON are copies of the entry's, for the lists to filter and order
    on with an index. An entry with a scheduled change (``ScheduledChange``) has two documents
    per language: the current one valid until the change's time, the next valid from it.
    """

    entry = models.ForeignKey(
        LiveEntry,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=gettext_lazy("entry"),
    )
    language = models.CharField(
        max_length=10, choices=language_choices, verbose_name=gettext_lazy("language")
    )
    slug = models.SlugField(max_length=200, verbose_name=gettext_lazy("slug"))
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("vendor")
    )
    kind = models.CharField(
        max_length=32, choices=ArticleKind.choices, verbose_name=gettext_lazy("kind")
    )
    published_at = models.DateTimeField(verbose_name=gettext_lazy("published at"))
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("updated at"))
    modified_at = models.DateTimeField(verbose_name=gettext_lazy("modified at"))
    noted_at = models.DateTimeField(
        null=True,
        help_text=gettext_lazy("The time of the entry's newest note."),
        verbose_name=gettext_lazy("noted at"),
    )
    has_scorecard = models.BooleanField(default=False, verbose_name=gettext_lazy("has scorecard"))
    fallback = models.BooleanField(default=False, verbose_name=gettext_lazy("fallback"))
    title = models.CharField(max_length=300, verbose_name=gettext_lazy("title"))
    summary = models.TextField(blank=True, verbose_name=gettext_lazy("summary"))
    document = models.TextField(
        help_text=gettext_lazy("The full entry, as JSON."), verbose_name=gettext_lazy("document")
    )
    card = models.TextField(
        help_text=gettext_lazy("The short form (lists of related entries), as JSON."),
        verbose_name=gettext_lazy("card"),
    )
    # The search index's input (``articles.search.index_fields``): stemmed words per field.
    # Triggers feed them to the FTS5 table (SQLite) or into ``search_vector`` (PostgreSQL).
    search_title = models.TextField(
        default="", editable=False, verbose_name=gettext_lazy("search title")
    )
    search_summary = models.TextField(
        default="", editable=False, verbose_name=gettext_lazy("search summary")
    )
    search_extra = models.TextField(
        default="", editable=False, verbose_name=gettext_lazy("search extra")
    )
    search_body = models.TextField(
        default="", editable=False, verbose_name=gettext_lazy("search body")
    )
    search_vector = SearchVectorField(
        null=True, editable=False, verbose_name=gettext_lazy("search vector")
    )
    valid_from = models.DateTimeField(
        help_text=gettext_lazy(
            "When the public starts seeing this document: the entry's publication time, "
            "or a scheduled change's time."
        ),
        verbose_name=gettext_lazy("valid from"),
    )
    valid_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "When a scheduled change replaces it or a scheduled release withdraws the entry "
            "(empty: never)."
        ),
        verbose_name=gettext_lazy("valid until"),
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The entry's withdrawal time (empty: none scheduled)."),
        verbose_name=gettext_lazy("withdrawn at"),
    )

    objects = LiveDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("live document")
        verbose_name_plural = gettext_lazy("live documents")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "language", "valid_from"], name="unique_live_language"
            ),
            # A scheduled change keeps the entry's slug (``articles.services.scheduling``), so
            # a slug still names one entry.
            models.UniqueConstraint(
                fields=["language", "slug", "valid_from"], name="unique_live_slug"
            ),
        ]
        indexes = [
            models.Index(fields=["language", "-published_at", "-entry"], name="live_newest_idx"),
            models.Index(
                fields=["language", "vendor", "-published_at", "-entry"],
                name="live_vendor_newest_idx",
            ),
            models.Index(fields=["language", "-updated_at", "-entry"], name="live_updated_idx"),
            models.Index(fields=["language", "-modified_at", "-entry"], name="live_modified_idx"),
            models.Index(
                fields=["language", "vendor", "-modified_at", "-entry"],
                name="live_vendor_modified_idx",
            ),
            models.Index(
                fields=["language", "-noted_at", "-entry"],
                condition=Q(noted_at__isnull=False),
                name="live_noted_idx",
            ),
            models.Index(
                fields=["language", "withdrawn_at"],
                condition=Q(withdrawn_at__isnull=False),
                name="live_withdrawn_idx",
            ),
        ]

    def __str__(self):
        return f"{self.slug} ({self.language})"


class ScheduledChange(models.Model):
    """A revision of a live entry that goes live at ``at``: its documents are written when it
    is scheduled (valid from ``at``) and its log row is dated ``at``, so reads need no job.
    Once ``at`` has passed, the entry's next write (or ``live_rebuild``) folds it into the
    ``LiveEntry`` (``articles.publishing.live_settle``)."""

    entry = models.OneToOneField(
        LiveEntry,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="scheduled_change",
        verbose_name=gettext_lazy("entry"),
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.RESTRICT,  # pruning keeps it (``revision_pinned``)
        related_name="+",
        help_text=gettext_lazy("What goes live: pinned, later edits do not go with it."),
        verbose_name=gettext_lazy("revision"),
    )
    at = models.DateTimeField(
        help_text=gettext_lazy("When it goes live."), verbose_name=gettext_lazy("at")
    )
    significant = models.BooleanField(default=False, verbose_name=gettext_lazy("significant"))
    scheduled_at = models.DateTimeField(
        default=timezone.now, verbose_name=gettext_lazy("scheduled at")
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=gettext_lazy("scheduled by"),
    )

    class Meta:
        verbose_name = gettext_lazy("scheduled change")
        verbose_name_plural = gettext_lazy("scheduled changes")

    def __str__(self):
        return f"{self.entry_id} at {self.at:%Y-%m-%d %H:%M}"

    def is_due(self, now=None) -> bool:
        return self.at <= (now or timezone.now())


class LiveSearchIndex(models.Model):
    """SQLite only: the FTS5 table over the documents' search columns (``articles.search``),
    joined to documents to rank matches. Triggers keep it current; the ORM never writes it."""

    document = models.OneToOneField(
        LiveDocument,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        related_name="fts",
        verbose_name=gettext_lazy("document"),
    )
    text = IndexColumn(db_column=FTS_TABLE)
    # The rowid again (SQLite's alias "oid"), for the index itself to filter on.
    position = models.BigIntegerField(db_column="oid", verbose_name=gettext_lazy("position"))

    class Meta:
        verbose_name = gettext_lazy("live search index row")
        verbose_name_plural = gettext_lazy("live search index rows")
        managed = False
        db_table = FTS_TABLE

    def __str__(self):
        return f"index of document {self.pk}"


class SearchStemming(models.Model):
    """The version of a language's word rules (``articles.search_text.STEMMING_VERSIONS``) the
    stored search columns were built with: when it differs from the code's, the index is
    stale and ``articles.search.index_refresh`` rebuilds it."""

    language = models.CharField(
        max_length=10, primary_key=True, verbose_name=gettext_lazy("language")
    )
    version = models.PositiveIntegerField(verbose_name=gettext_lazy("version"))

    class Meta:
        verbose_name = gettext_lazy("search stemming")
        verbose_name_plural = gettext_lazy("search stemming")

    def __str__(self):
        return f"{self.language} stemming version {self.version}"


class PublicationEvent(models.TextChoices):
    PUBLISHED = "entry.published", gettext_lazy("Published")
    UPDATED = "entry.updated", gettext_lazy("Updated")
    UNPUBLISHED = "entry.unpublished", gettext_lazy("Unpublished")
    DELETED = "entry.deleted", gettext_lazy("Deleted")
    VENDOR_UPDATED = "vendor.updated", gettext_lazy("Vendor updated")
    RELEASE_PUBLISHED = "release.published", gettext_lazy("Release published")


UPSERT_EVENTS = (PublicationEvent.PUBLISHED, PublicationEvent.UPDATED)
REMOVAL_EVENTS = (PublicationEvent.UNPUBLISHED, PublicationEvent.DELETED)


class PublicationLog(models.Model):
    """One row per change to what the public sees, in the order it became visible.

    ``position`` is allocated under a lock held until commit, so positions become visible in
    order. ``effective_at`` is when the change reaches the public: the commit time for an
    immediate change, the publication time for a scheduled one.
    """

    position = models.PositiveBigIntegerField(unique=True, verbose_name=gettext_lazy("position"))
    event = models.CharField(
        max_length=32, choices=PublicationEvent.choices, verbose_name=gettext_lazy("event")
    )
    article_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, verbose_name=gettext_lazy("article id")
    )
    vendor_id = models.BigIntegerField(
        null=True, blank=True, verbose_name=gettext_lazy("vendor id")
    )
    slug = models.SlugField(max_length=200, verbose_name=gettext_lazy("slug"))
    effective_at = models.DateTimeField(verbose_name=gettext_lazy("effective at"))
    significant = models.BooleanField(
        null=True,
        help_text=gettext_lazy(
            "For an update: whether the desk called it significant (or it added a note)."
        ),
        verbose_name=gettext_lazy("significant"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=gettext_lazy("user"),
    )
    release_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The release that made this change, if one did."),
        verbose_name=gettext_lazy("release id"),
    )

    class Meta:
        verbose_name = gettext_lazy("publication log")
        verbose_name_plural = gettext_lazy("publication logs")
        ordering = ["effective_at", "position"]
        indexes = [models.Index(fields=["effective_at", "position"], name="log_feed_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(article_id__isnull=False)
                | Q(event__in=["vendor.updated", "release.published"]),
                name="log_entry_event_has_article",
            )
        ]

    def __str__(self):
        return f"#{self.position} {self.event} {self.slug}"

    @property
    def is_upsert(self) -> bool:
        return self.event in UPSERT_EVENTS


class PublicationCounter(models.Model):
    """The last position handed out; its single row is the lock that orders publications."""

    position = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("position"))

    class Meta:
        verbose_name = gettext_lazy("publication counter")
        verbose_name_plural = gettext_lazy("publication counters")

    def __str__(self):
        return f"position {self.position}"
