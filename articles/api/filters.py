"""The entry list's query parameters: parsed by a FilterSet into ``selectors.EntryFilter``,
which decides what they mean and refuses what it cannot answer."""

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField, MultipleChoiceField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.utils import extend_schema_field

from articles import selectors
from articles.choices import ArticleKind

BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}
# The selectors' names for what the REST API calls otherwise.
REST_NAMES = {"vendors": "vendor", "kinds": "kind", "topics": "topic", "search": "q"}


def rest_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """A selector's refusal, under the names of the REST parameters."""
    return {REST_NAMES.get(name, name): messages for name, messages in errors.items()}


class NotBlank:
    """A parameter sent empty is refused, as the document's type says (an empty string is no
    date and no boolean): to filter on nothing, leave the parameter out."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError("This field may not be blank.", code="blank")
        return super().clean(value)


class StrictDateTimeField(NotBlank, IsoDateTimeField):
    """An ISO 8601 date or time; empty is an error, not "unset"."""


class StrictDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StrictDateTimeField


class StrictBooleanField(NotBlank, forms.ChoiceField):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not "unset"."""

    def __init__(self, **kwargs):
        kwargs.pop("choices", None)
        super().__init__(choices=[(value, value) for value in BOOLEAN_VALUES], **kwargs)

    def clean(self, value):
        value = super().clean(value.lower() if isinstance(value, str) else value)
        return BOOLEAN_VALUES[value] if value else None


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class SlugsField(MultipleChoiceField):
    """Repeated values; whether each names something is for the selector to say."""

    def valid_value(self, value):
        return True


class SlugsFilter(django_filters.MultipleChoiceFilter):
    field_class = SlugsField


def slugs(help_text: str) -> SlugsFilter:
    schema = {"type": "string", "pattern": selectors.SLUG_PATTERN, "description": help_text}
    return extend_schema_field(schema)(SlugsFilter(help_text=help_text))


class ArticleFilter(django_filters.FilterSet):
    vendor = slugs("Vendor slug; repeat for several vendors (?vendor=openai&vendor=anthropic).")
    kind = django_filters.MultipleChoiceFilter(
        choices=ArticleKind.choices, help_text="Kind; repeatable."
    )
    topic = slugs("Topic slug; repeatable (entries with any of them).")
    published_after = StrictDateTimeFilter(
        help_text="ISO 8601 date or time; published at or after it (UTC if no offset)."
    )
    published_before = StrictDateTimeFilter(help_text="ISO 8601; published before it.")
    updated_since = StrictDateTimeFilter(help_text="ISO 8601; updated at or after it.")
    q = django_filters.CharFilter(
        strip=False,  # its length counts as sent, like every other surface's
        help_text="Search the entries' texts in the language served: words (other forms "
        'found too), "quoted phrases", -excluded words, `or` between terms; most relevant '
        "first unless `ordering` is given. At most 200 characters and 12 words.",
    )
    has_scorecard = StrictBooleanFilter(help_text="true or false: with or without a scorecard.")

    REPEATABLE = ("vendor", "kind", "topic")
    # What the selectors refuse beyond each parameter's type, as the OpenAPI document says it.
    BOUNDS = {
        **{name: {"maxItems": selectors.MAX_FILTER_VALUES} for name in REPEATABLE},
        "q": {"maxLength": selectors.MAX_SEARCH_LENGTH},
    }

    def entry_filter(self) -> selectors.EntryFilter:
        """The filter the parameters ask for; ``InvalidRequest`` (REST names) if any is bad."""
        if not self.form.is_valid():
            raise selectors.InvalidRequest(
                {name: list(messages) for name, messages in self.form.errors.items()}
            )
        values = self.form.cleaned_data
        try:
            return selectors.EntryFilter(
                vendors=tuple(values["vendor"] or ()),
                kinds=tuple(values["kind"] or ()),
                topics=tuple(values["topic"] or ()),
                published_after=values["published_after"],
                published_before=values["published_before"],
                updated_since=values["updated_since"],
                search=values["q"] or "",
                has_scorecard=values["has_scorecard"],
            )
        except selectors.InvalidRequest as refused:
            raise selectors.InvalidRequest(rest_errors(refused.errors)) from None


class ArticleFilterBackend(DjangoFilterBackend):
    """django-filter's backend; the OpenAPI document adds ``ArticleFilter.BOUNDS``."""


class ArticleFilterSchema(DjangoFilterExtension):
    target_class = ArticleFilterBackend
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        for parameter in parameters:
            parameter["schema"].update(ArticleFilter.BOUNDS.get(parameter["name"], {}))
        return parameters
