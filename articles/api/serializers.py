"""What partners receive, for the OpenAPI document. The API serves the documents publishing
stored (``articles.documents``) as they are; these classes describe them field by field and
the contract tests hold the two together."""

from rest_framework import serializers

from articles.choices import ArticleKind, NoteKind
from articles.models.notes import NOTE_TEXT_MAX_LENGTH


class LanguageFields(serializers.Serializer):
    language = serializers.CharField(
        allow_null=True,
        help_text="The language of the texts served; null only if there is no text at all.",
    )
    requested_language = serializers.CharField()
    fallback = serializers.BooleanField(
        help_text="True when the requested language was missing and the default was served."
    )


class RenditionSerializer(serializers.Serializer):
    """One file made from an image; its URL never changes content (cache it for good)."""

    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.ChoiceField(choices=["avif", "webp", "jpeg", "png"])
    size = serializers.IntegerField(help_text="Bytes.")


class FocalPointSerializer(serializers.Serializer):
    x = serializers.FloatField(help_text="From the left, 0 to 1.")
    y = serializers.FloatField(help_text="From the top, 0 to 1.")


class CaptionSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="Plain text; empty when the entry has no caption.")
    language = serializers.CharField(allow_null=True)
    fallback = serializers.BooleanField(
        help_text="True when the caption is missing in the requested language and the default "
        "language's is served."
    )


class ImageSerializer(serializers.Serializer):
    """An image of the library: its renditions (each width in AVIF, WebP and JPEG, or PNG
    with transparency), the social card, and its texts in the requested language."""

    id = serializers.IntegerField()
    width = serializers.IntegerField(help_text="Of the image as uploaded (orientation applied).")
    height = serializers.IntegerField()
    alt = serializers.CharField(help_text="Alt text; empty when the image has none at all.")
    title = serializers.CharField()
    language = serializers.CharField(help_text="The language of alt and title.")
    fallback = serializers.BooleanField(
        help_text="True when the image has no alt text in the requested language and the "
        "default language's is served."
    )
    credit = serializers.CharField()
    licence = serializers.CharField()
    focal_point = FocalPointSerializer()
    renditions = RenditionSerializer(many=True, help_text="Narrowest first within each format.")
    card = RenditionSerializer(
        allow_null=True,
        help_text="1200 x 630 JPEG cropped around the focal point, for link previews (og:image).",
    )


class EntryImageSerializer(ImageSerializer):
    caption = CaptionSerializer()


class VendorShortSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    logo = ImageSerializer(allow_null=True, help_text="The vendor's mark, when it has one.")


class VendorSerializer(LanguageFields):
    """A vendor, its description in the requested language and its count of public entries."""

    slug = serializers.CharField()
    name = serializers.CharField()
    website = serializers.URLField()
    description = serializers.CharField()
    public_article_count = serializers.IntegerField(help_text="Public entries of this vendor.")
    updated_at = serializers.DateTimeField()
    logo = ImageSerializer(
        allow_null=True,
        help_text="The vendor's mark, with its alt text in the served language; null without "
        "one, or until its renditions are ready.",
    )


class TopicSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class TopicCountSerializer(TopicSerializer):
    """A topic public entries carry, with how many do."""

    public_article_count = serializers.IntegerField(help_text="Public entries with this topic.")


class TopicListSerializer(serializers.Serializer):
    results = TopicCountSerializer(many=True)


class LevelSerializer(serializers.Serializer):
    name = serializers.CharField()
    rank = serializers.IntegerField(help_text="Position on the framework's scale; 0 is lowest.")


class RatingSerializer(serializers.Serializer):
    category = serializers.CharField()
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
    scale = LevelSerializer(many=True, help_text="The framework's levels, lowest first.")


class ScorecardSerializer(serializers.Serializer):
    framework = FrameworkSerializer()
    overall = LevelSerializer(allow_null=True, help_text="Highest post-mitigation rating.")
    overall_pre_mitigation = LevelSerializer(allow_null=True)
    may_deploy = serializers.BooleanField()
    may_develop = serializers.BooleanField()
    ratings = RatingSerializer(many=True)
    risk_areas = TopicSerializer(many=True)


class NoteSerializer(serializers.Serializer):
    """A dated correction, clarification or update; never edited once published."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    text = serializers.CharField(max_length=NOTE_TEXT_MAX_LENGTH, help_text="Plain text.")
    language = serializers.CharField(allow_null=True)
    fallback = serializers.BooleanField(
        help_text="True when the note has no text in the requested language and the default "
        "language's is served."
    )
    amends = serializers.IntegerField(
        allow_null=True, help_text="The id of the earlier note this one amends."
    )
    published_at = serializers.DateTimeField()


class ArticleSummarySerializer(LanguageFields):
    """The short form of a public entry, as in "more from this vendor"."""

    id = serializers.IntegerField(help_text="Stable entry id.")
    slug = serializers.CharField()
    vendor = VendorShortSerializer()
    kind = serializers.ChoiceField(choices=ArticleKind.choices)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        help_text="The last change the public saw, however small: what mirrors sync on."
    )
    modified_at = serializers.DateTimeField(
        help_text="The last significant change or note: the date to show readers "
        "(schema.org dateModified). Typo fixes do not move it."
    )
    title = serializers.CharField()
    summary = serializers.CharField()


class ArticleSerializer(ArticleSummarySerializer):
    """A public entry with everything its page shows, in the requested language."""

    source_url = serializers.URLField()
    authors = serializers.ListField(child=serializers.CharField())
    topics = TopicSerializer(many=True)
    audience = serializers.CharField(help_text="Who should care about this entry.")
    body = serializers.CharField(help_text="Markdown.")
    body_html = serializers.CharField(help_text="The body as sanitised HTML.")
    signals = serializers.ListField(
        child=serializers.CharField(), help_text="The quick editorial signal bullets."
    )
    scorecard = ScorecardSerializer(allow_null=True)
    available_languages = serializers.ListField(
        child=serializers.CharField(), help_text="The languages the entry has texts in."
    )
    notes = NoteSerializer(
        many=True, help_text="Corrections, clarifications and updates, oldest first."
    )
    image = EntryImageSerializer(allow_null=True, help_text="The entry's image, when it has one.")
    structured_data = serializers.DictField(
        help_text="schema.org NewsArticle JSON-LD for the entry in this language. To embed it "
        "yourself, serialise it with <, > and & escaped (\\u003c, \\u003e, \\u0026), or use "
        "structured_data_script."
    )
    structured_data_script = serializers.CharField(
        help_text="structured_data as JSON text with <, > and & escaped: the content of a "
        '<script type="application/ld+json"> in the page head, to embed as it is.'
    )


class ArticleListItemSerializer(ArticleSerializer):
    """An entry in a list; in the results of a search (``q``) with why it matched."""

    score = serializers.FloatField(
        required=False,
        help_text="Search results only: relevance, higher is better; compare within one list only.",
    )
    snippet = serializers.CharField(
        required=False,
        help_text="Search results only: HTML, a passage of the entry with the words searched "
        "for in <mark>, the rest escaped.",
    )


class MoreFromVendorSerializer(serializers.Serializer):
    results = ArticleSummarySerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    """One change: ``upsert`` carries the full entry, ``delete`` only its id and slug."""

    action = serializers.ChoiceField(choices=["upsert", "delete"])
    id = serializers.IntegerField(help_text="Stable entry id: key your mirror on it.")
    slug = serializers.CharField(help_text="May change over an entry's life; the id does not.")
    time = serializers.DateTimeField(help_text="When the change took effect.")
    release = serializers.IntegerField(
        allow_null=True,
        help_text="The id of the release that made the change (its changes come in one "
        "page, at one time), or null.",
    )
    article = ArticleSerializer(allow_null=True, help_text="The entry, for an upsert.")


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.CharField(help_text="Send as ?since= on the next request.")
    has_more = serializers.BooleanField(help_text="True when more changes are ready now.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
