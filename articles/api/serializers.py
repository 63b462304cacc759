"""What partners receive. Every text is in the requested language, with the fallback rule of
``cms.languages``, and says which language was served."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.choices import ArticleKind
from articles.models import Article, Vendor


class LanguageFieldsMixin(serializers.Serializer):
    """``language`` served, ``requested_language`` and ``fallback``, from a resolved
    translation (``self.resolved(instance)``)."""

    language = serializers.SerializerMethodField(
        help_text="The language of the texts served; null only if there is no text at all."
    )
    requested_language = serializers.SerializerMethodField()
    fallback = serializers.SerializerMethodField(
        help_text="True when the requested language was missing and the default was served."
    )

    @property
    def requested(self) -> str:
        return self.context["language"]

    def resolved(self, instance):
        cache = instance.__dict__.setdefault("_resolved", {})
        if self.requested not in cache:
            cache[self.requested] = instance.translation(self.requested)
        return cache[self.requested]

    def text(self, instance, name: str) -> str:
        translation = self.resolved(instance).translation
        return getattr(translation, name) if translation else ""

    @extend_schema_field({"type": ["string", "null"]})
    def get_language(self, instance) -> str | None:
        return self.resolved(instance).served

    def get_requested_language(self, instance) -> str:
        return self.requested

    def get_fallback(self, instance) -> bool:
        return self.resolved(instance).fell_back


class VendorShortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vendor
        fields = ["slug", "name"]


class VendorSerializer(LanguageFieldsMixin, serializers.ModelSerializer):
    """A vendor, its description in the requested language and its count of public entries."""

    description = serializers.SerializerMethodField()
    public_article_count = serializers.IntegerField(
        read_only=True, help_text="Public entries of this vendor."
    )

    class Meta:
        model = Vendor
        fields = [
            "slug",
            "name",
            "website",
            "description",
            "public_article_count",
            "updated_at",
            "language",
            "requested_language",
            "fallback",
        ]

    def get_description(self, vendor) -> str:
        return self.text(vendor, "description")


class TopicSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class LevelSerializer(serializers.Serializer):
    name = serializers.CharField()
    rank = serializers.IntegerField(help_text="Position on the framework's scale; 0 is lowest.")


class RatingSerializer(serializers.Serializer):
    category = serializers.CharField(source="category.name")
    pre_mitigation = LevelSerializer()
    post_mitigation = LevelSerializer(
        allow_null=True, help_text="Null when nothing mitigated the category."
    )


class FrameworkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    deploy_threshold = LevelSerializer(allow_null=True)
    develop_threshold = LevelSerializer(allow_null=True)


class ScorecardSerializer(serializers.Serializer):
    framework = FrameworkSerializer()
    overall = LevelSerializer(
        source="summary.overall", allow_null=True, help_text="Highest post-mitigation rating."
    )
    overall_pre_mitigation = LevelSerializer(
        source="summary.overall_pre_mitigation", allow_null=True
    )
    may_deploy = serializers.BooleanField(source="summary.may_deploy")
    may_develop = serializers.BooleanField(source="summary.may_develop")
    ratings = RatingSerializer(source="article.scorecard_ratings.all", many=True)
    risk_areas = TopicSerializer(source="risk_areas.all", many=True)


class ArticleSummarySerializer(LanguageFieldsMixin, serializers.ModelSerializer):
    """The short form of a public entry, as in "more from this vendor"."""

    vendor = VendorShortSerializer()
    kind = serializers.ChoiceField(choices=ArticleKind.choices)
    title = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "vendor",
            "kind",
            "published_at",
            "updated_at",
            "title",
            "summary",
            "language",
            "requested_language",
            "fallback",
        ]

    def get_title(self, article) -> str:
        return self.text(article, "title")

    def get_summary(self, article) -> str:
        return self.text(article, "summary")


class ArticleSerializer(ArticleSummarySerializer):
    """A public entry with everything its page shows, in the requested language."""

    source_url = serializers.URLField()
    authors = serializers.ListField(child=serializers.CharField())
    topics = TopicSerializer(source="topics.all", many=True)
    audience = serializers.SerializerMethodField(help_text="Who should care about this entry.")
    body = serializers.SerializerMethodField(help_text="Markdown.")
    body_html = serializers.SerializerMethodField(help_text="The body as sanitised HTML.")
    signals = serializers.SerializerMethodField(help_text="The quick editorial signal bullets.")
    scorecard = serializers.SerializerMethodField()

    class Meta(ArticleSummarySerializer.Meta):
        fields = [
            *ArticleSummarySerializer.Meta.fields[:4],
            "source_url",
            "authors",
            "topics",
            *ArticleSummarySerializer.Meta.fields[4:],
            "audience",
            "body",
            "body_html",
            "signals",
            "scorecard",
        ]

    def get_audience(self, article) -> str:
        return self.text(article, "audience")

    def get_body(self, article) -> str:
        return self.text(article, "body")

    def get_body_html(self, article) -> str:
        return self.text(article, "body_html")

    def get_signals(self, article) -> list[str]:
        return [bullet.text for bullet in article.signals(self.requested)]

    @extend_schema_field(ScorecardSerializer(allow_null=True))
    def get_scorecard(self, article):
        scorecard = getattr(article, "scorecard", None)
        return ScorecardSerializer(scorecard).data if scorecard else None


class MoreFromVendorSerializer(serializers.Serializer):
    results = ArticleSummarySerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    """One change: ``upsert`` carries the full entry, ``delete`` only its id and slug."""

    action = serializers.ChoiceField(choices=["upsert", "delete"])
    id = serializers.IntegerField(help_text="Stable entry id: key your mirror on it.")
    slug = serializers.CharField(help_text="May change over an entry's life; the id does not.")
    time = serializers.DateTimeField(help_text="When the change took effect.")
    article = ArticleSerializer(allow_null=True, help_text="The entry, for an upsert.")


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.CharField(help_text="Send as ?since= on the next request.")
    has_more = serializers.BooleanField(help_text="True when more changes are ready now.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
