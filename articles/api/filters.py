"""Article filters. Each one calls the queryset method every surface shares."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from articles.api.language import request_language
from articles.choices import ArticleKind
from articles.models import Article, Topic, Vendor

BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}


class StrictBooleanField(forms.ChoiceField):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not "unset"."""

    def __init__(self, **kwargs):
        kwargs.pop("choices", None)
        super().__init__(choices=[(value, value) for value in BOOLEAN_VALUES], **kwargs)

    def clean(self, value):
        value = super().clean(value.lower() if isinstance(value, str) else value)
        return BOOLEAN_VALUES[value] if value else None


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class ArticleFilter(django_filters.FilterSet):
    vendor = django_filters.ModelMultipleChoiceFilter(
        queryset=Vendor.objects.all(),
        to_field_name="slug",
        method="filter_vendor",
        help_text="Vendor slug; repeat for several vendors (?vendor=openai&vendor=anthropic).",
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=ArticleKind.choices, method="filter_kind", help_text="Kind; repeatable."
    )
    topic = django_filters.ModelMultipleChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_topic"
    )
    published_after = django_filters.IsoDateTimeFilter(
        method="filter_published_after",
        help_text="ISO 8601 date or time; published at or after it (UTC if no offset).",
    )
    published_before = django_filters.IsoDateTimeFilter(
        method="filter_published_before", help_text="ISO 8601; published before it."
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since", help_text="ISO 8601; updated at or after it."
    )
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Text in the title or summary, in the language served (case-insensitive).",
    )
    has_scorecard = StrictBooleanFilter(
        method="filter_has_scorecard", help_text="true or false: with or without a scorecard."
    )

    class Meta:
        model = Article
        fields = []

    def filter_vendor(self, queryset, name, vendors):
        return queryset.for_vendors([vendor.slug for vendor in vendors]) if vendors else queryset

    def filter_kind(self, queryset, name, kinds):
        return queryset.of_kinds(kinds) if kinds else queryset

    @extend_schema_field(
        {"type": "string", "description": "Topic slug; repeatable (entries with any of them)."}
    )
    def filter_topic(self, queryset, name, topics):
        return queryset.with_topics([topic.slug for topic in topics]) if topics else queryset

    def filter_published_after(self, queryset, name, value):
        return queryset.published_between(after=value)

    def filter_published_before(self, queryset, name, value):
        return queryset.published_between(before=value)

    def filter_updated_since(self, queryset, name, value):
        return queryset.updated_since(value)

    def filter_q(self, queryset, name, text):
        text = text.strip()
        return queryset.search(text, language=request_language(self.request)) if text else queryset

    def filter_has_scorecard(self, queryset, name, value: bool):
        return queryset if value is None else queryset.with_scorecard(value)
