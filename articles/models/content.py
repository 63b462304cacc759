from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.choices import ArticleKind, ArticleStatus
from articles.querysets import ArticleQuerySet, VendorQuerySet, is_public, is_scheduled
from articles.scorecards import ScorecardSummary, summarize
from articles.workflow import Action
from kernel.languages import Resolved, language_choices, resolve_translation


class Vendor(models.Model):
    """An AI company whose releases the desk covers (OpenAI, Anthropic, Google, ...)."""

    name = models.CharField(max_length=100, unique=True, verbose_name=gettext_lazy("name"))
    slug = models.SlugField(max_length=100, unique=True, verbose_name=gettext_lazy("slug"))
    website = models.URLField(blank=True, verbose_name=gettext_lazy("website"))
    logo = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy(
            "A mark made for the desk or licensed for it, shown beside the vendor's name."
        ),
        verbose_name=gettext_lazy("logo"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("vendor")
        verbose_name_plural = gettext_lazy("vendors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def translation(self, language: str) -> Resolved["VendorTranslation"]:
        return resolve_translation(self.translations.all(), language)


class VendorTranslation(models.Model):
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=gettext_lazy("vendor"),
    )
    language = models.CharField(
        max_length=10, choices=language_choices, verbose_name=gettext_lazy("language")
    )
    description = models.CharField(
        max_length=300,
        help_text=gettext_lazy("One line about the vendor."),
        verbose_name=gettext_lazy("description"),
    )

    class Meta:
        verbose_name = gettext_lazy("vendor translation")
        verbose_name_plural = gettext_lazy("vendor translations")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "language"], name="unique_vendor_translation_language"
            )
        ]
        ordering = ["language"]

    def __str__(self):
        return f"{self.vendor} ({self.language})"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True, verbose_name=gettext_lazy("name"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=gettext_lazy("slug"))

    class Meta:
        verbose_name = gettext_lazy("topic")
        verbose_name_plural = gettext_lazy("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class RiskFramework(models.Model):
    """A vendor's safety framework (OpenAI's Preparedness Framework, Anthropic's RSP, ...).

    Its scale and thresholds are data, so another vendor's framework needs no code.
    """

    name = models.CharField(max_length=120, unique=True, verbose_name=gettext_lazy("name"))
    slug = models.SlugField(max_length=120, unique=True, verbose_name=gettext_lazy("slug"))
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="frameworks",
        verbose_name=gettext_lazy("vendor"),
    )
    url = models.URLField(blank=True, verbose_name=gettext_lazy("URL"))
    deploy_threshold = models.ForeignKey(
        "RiskLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Highest post-mitigation level at which a model may be deployed."),
        verbose_name=gettext_lazy("deploy threshold"),
    )
    develop_threshold = models.ForeignKey(
        "RiskLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy(
            "Highest post-mitigation level at which a model may be developed further."
        ),
        verbose_name=gettext_lazy("develop threshold"),
    )

    class Meta:
        verbose_name = gettext_lazy("risk framework")
        verbose_name_plural = gettext_lazy("risk frameworks")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        for field in ("deploy_threshold", "develop_threshold"):
            level = getattr(self, field)
            if level is not None and level.framework_id != self.pk:
                raise ValidationError(
                    {field: gettext_lazy("Choose a level of this framework's own scale.")}
                )


class RiskLevel(models.Model):
    """One step of a framework's ordered scale; rank 0 is the lowest risk."""

    framework = models.ForeignKey(
        RiskFramework,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=gettext_lazy("framework"),
    )
    rank = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("rank"))
    name = models.CharField(max_length=40, verbose_name=gettext_lazy("name"))

    class Meta:
        verbose_name = gettext_lazy("risk level")
        verbose_name_plural = gettext_lazy("risk levels")
        ordering = ["framework", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "rank"], name="unique_level_rank"),
            models.UniqueConstraint(fields=["framework", "name"], name="unique_level_name"),
        ]

    def __str__(self):
        return f"{self.framework.name}: {self.name}"


class RiskCategory(models.Model):
    """A tracked category of a framework (CBRN, Cybersecurity, Persuasion, ...)."""

    framework = models.ForeignKey(
        RiskFramework,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=gettext_lazy("framework"),
    )
    name = models.CharField(max_length=80, verbose_name=gettext_lazy("name"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("position"))

    class Meta:
        verbose_name = gettext_lazy("risk category")
        ordering = ["framework", "position", "id"]
        verbose_name_plural = gettext_lazy("risk categories")
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="unique_category_name"),
        ]

    def __str__(self):
        return f"{self.framework.name}: {self.name}"


class RiskArea(models.Model):
    """A specific area of risk a system card covers (Disallowed content, Jailbreaks, ...)."""

    name = models.CharField(max_length=80, unique=True, verbose_name=gettext_lazy("name"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=gettext_lazy("slug"))

    class Meta:
        verbose_name = gettext_lazy("risk area")
        verbose_name_plural = gettext_lazy("risk areas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Article(models.Model):
    """A curated entry about something an AI vendor shipped."""

    Status = ArticleStatus
    Kind = ArticleKind

    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=gettext_lazy("vendor"),
    )
    slug = models.SlugField(max_length=200, unique=True, verbose_name=gettext_lazy("slug"))
    kind = models.CharField(
        max_length=32, choices=ArticleKind.choices, verbose_name=gettext_lazy("kind")
    )
    source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text=gettext_lazy("The original source."),
        verbose_name=gettext_lazy("source URL"),
    )
    source_authors = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy("Authors of the source, comma-separated."),
        verbose_name=gettext_lazy("source authors"),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="articles", verbose_name=gettext_lazy("topics")
    )
    image = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy(
            "Shown with the entry and in link previews; its renditions must be ready "
            "before the entry is published."
        ),
        verbose_name=gettext_lazy("image"),
    )
    image_caption = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("The image's caption per language code."),
        verbose_name=gettext_lazy("image caption"),
    )
    status = models.CharField(
        max_length=16,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        verbose_name=gettext_lazy("status"),
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("A future time schedules the entry: it is not public until then."),
        verbose_name=gettext_lazy("published at"),
    )
    revisit_after = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Follow up after this date, once people have used the release in practice."
        ),
        verbose_name=gettext_lazy("revisit after"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("updated at"))
    changes_submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=gettext_lazy(
            "When changes to the live entry were submitted for a publisher's review."
        ),
        verbose_name=gettext_lazy("changes submitted at"),
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=gettext_lazy("Raised on every change; guards against stale edits."),
        verbose_name=gettext_lazy("version"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("article")
        verbose_name_plural = gettext_lazy("articles")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            models.Index(
                fields=["vendor", "status", "-published_at"], name="article_vendor_public_idx"
            ),
            models.Index(fields=["updated_at"], name="article_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="published_article_has_publication_time",
            )
        ]
        permissions = [
            ("submit_for_review", "Can submit an article for review"),
            ("review_article", "Can send an article in review back to draft"),
            ("publish_article", "Can publish, schedule and unpublish an article"),
            ("archive_article", "Can archive an article and reopen an archived one"),
            ("translate_article", "Can edit an article's translations"),
        ]

    def __str__(self):
        resolved = self.translation()
        return resolved.translation.title if resolved.translation else self.slug

    def translation(self, language: str | None = None) -> Resolved["ArticleTranslation"]:
        from kernel.languages import default_language

        return resolve_translation(self.translations.all(), language or default_language())

    def signals(self, language: str) -> list["SignalBullet"]:
        """The editorial signal in ``language``, with the same fallback as the texts."""
        bullets = list(self.signal_bullets.all())
        resolved = resolve_translation(bullets, language)
        return sorted(
            (b for b in bullets if b.language == resolved.served), key=lambda b: b.position
        )

    @property
    def authors(self) -> list[str]:
        return [name.strip() for name in self.source_authors.split(",") if name.strip()]

    @property
    def available_languages(self) -> list[str]:
        return sorted(t.language for t in self.translations.all())

    @property
    def is_public(self) -> bool:
        return is_public(self.status, self.published_at)

    @property
    def is_scheduled(self) -> bool:
        return is_scheduled(self.status, self.published_at)


class ArticleTranslation(models.Model):
    """Every reader-facing text of an article, in one language."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=gettext_lazy("article"),
    )
    language = models.CharField(
        max_length=10, choices=language_choices, verbose_name=gettext_lazy("language")
    )
    title = models.CharField(max_length=300, verbose_name=gettext_lazy("title"))
    summary = models.TextField(blank=True, verbose_name=gettext_lazy("summary"))
    audience = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            'Who should care, e.g. "Relevant if you build with AI tools or APIs."'
        ),
        verbose_name=gettext_lazy("audience"),
    )
    body = models.TextField(
        blank=True, help_text=gettext_lazy("Markdown."), verbose_name=gettext_lazy("body")
    )
    body_html = models.TextField(
        blank=True,
        editable=False,
        help_text=gettext_lazy("The body rendered by the services that write it."),
        verbose_name=gettext_lazy("body HTML"),
    )

    class Meta:
        verbose_name = gettext_lazy("article translation")
        verbose_name_plural = gettext_lazy("article translations")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="unique_article_translation_language"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"


class SignalBullet(models.Model):
    """One bullet of the quick editorial signal ("why this matters"), in one language."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="signal_bullets",
        verbose_name=gettext_lazy("article"),
    )
    language = models.CharField(
        max_length=10, choices=language_choices, verbose_name=gettext_lazy("language")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("position"))
    text = models.CharField(max_length=300, verbose_name=gettext_lazy("text"))

    class Meta:
        verbose_name = gettext_lazy("signal bullet")
        verbose_name_plural = gettext_lazy("signal bullets")
        ordering = ["language", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "position"], name="unique_signal_bullet_position"
            )
        ]

    def __str__(self):
        return self.text


class Scorecard(models.Model):
    """A model release's rating under a safety framework."""

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="scorecard",
        verbose_name=gettext_lazy("article"),
    )
    framework = models.ForeignKey(
        RiskFramework,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("framework"),
    )
    risk_areas = models.ManyToManyField(
        RiskArea, blank=True, related_name="scorecards", verbose_name=gettext_lazy("risk areas")
    )

    class Meta:
        verbose_name = gettext_lazy("scorecard")
        verbose_name_plural = gettext_lazy("scorecards")

    def __str__(self):
        return f"{self.framework} scorecard"

    @cached_property
    def summary(self) -> ScorecardSummary:
        return summarize(
            self.article.scorecard_ratings.all(),
            deploy_threshold=self.framework.deploy_threshold,
            develop_threshold=self.framework.develop_threshold,
        )


class ScorecardRating(models.Model):
    """A category's rating before and after mitigation. Belongs to the article's scorecard."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="scorecard_ratings",
        verbose_name=gettext_lazy("article"),
    )
    category = models.ForeignKey(
        RiskCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("category"),
    )
    pre_mitigation = models.ForeignKey(
        RiskLevel,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("pre mitigation"),
    )
    post_mitigation = models.ForeignKey(
        RiskLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("post mitigation"),
    )

    class Meta:
        verbose_name = gettext_lazy("scorecard rating")
        verbose_name_plural = gettext_lazy("scorecard ratings")
        ordering = ["category__position", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "category"], name="unique_scorecard_rating_category"
            )
        ]

    def __str__(self):
        return f"{self.category.name}: {self.pre_mitigation.name}"

    def clean(self):
        framework_ids = {
            self.category.framework_id if self.category_id else None,
            self.pre_mitigation.framework_id if self.pre_mitigation_id else None,
            self.post_mitigation.framework_id if self.post_mitigation_id else None,
        } - {None}
        if len(framework_ids) > 1:
            raise ValidationError(
                gettext_lazy("Category and levels must belong to the same framework.")
            )
        scorecard = getattr(self.article, "scorecard", None) if self.article_id else None
        if scorecard is not None and framework_ids and framework_ids != {scorecard.framework_id}:
            raise ValidationError(gettext_lazy("This rating must use the scorecard's framework."))


class PublishEvent(models.Model):
    """One workflow step taken on an article: who moved it from which state to which, and when."""

    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        related_name="publish_events",
        verbose_name=gettext_lazy("article"),
    )
    article_slug = models.SlugField(
        max_length=200,
        help_text=gettext_lazy("The slug at the time."),
        verbose_name=gettext_lazy("article slug"),
    )
    action = models.CharField(
        max_length=32, choices=Action.choices, verbose_name=gettext_lazy("action")
    )
    from_status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, verbose_name=gettext_lazy("from status")
    )
    to_status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, verbose_name=gettext_lazy("to status")
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The publication time the step set (may be future)."),
        verbose_name=gettext_lazy("published at"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=gettext_lazy("user"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=gettext_lazy("created at")
    )

    class Meta:
        verbose_name = gettext_lazy("publish event")
        verbose_name_plural = gettext_lazy("publish events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.article_slug}: {self.action}"
