from collections.abc import Callable

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from articles.models import Article
from feedback.models import Feedback
from feedback.services import SLUG_PATTERN
from kernel.languages import language_choices

SLUG_MAX_LENGTH = Article._meta.get_field("slug").max_length


class RawTextField(serializers.CharField):
    """A string handed to ``feedback_submit`` as sent: the service validates and normalises it
    (control characters are stripped there, not refused here).

    ``constraints`` returns what the service accepts, as OpenAPI keywords for the published
    schema; a callable, so that the schema follows the settings in force.
    """

    def __init__(self, *, constraints: Callable[[], dict] = dict, required=False, **kwargs):
        self.constraints = constraints
        super().__init__(required=required, allow_blank=True, trim_whitespace=False, **kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(
                validator, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator
            )
        ]

    def to_internal_value(self, data):
        """A JSON string only: DRF's CharField would take a number as its digits, where the
        document says a string."""
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RawTextFieldSchema(OpenApiSerializerFieldExtension):
    target_class = RawTextField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", **self.target.constraints()}


def language_enum() -> dict:
    """The enum a nullable ChoiceField of the languages publishes."""
    return build_choice_field(serializers.ChoiceField(choices=language_choices(), allow_null=True))


def message_length() -> dict:
    limits = settings.FEEDBACK
    return {"minLength": limits["MESSAGE_MIN_LENGTH"], "maxLength": limits["MESSAGE_MAX_LENGTH"]}


class FeedbackSubmissionSerializer(serializers.Serializer):
    """The shape of a submission; what each field may contain is checked by the service."""

    kind = RawTextField(
        constraints=lambda: {"enum": Feedback.Kind.values},
        required=True,
        help_text="What the reader sends.",
    )
    message = RawTextField(
        constraints=message_length,
        help_text="Plain text, counted after normalisation; required except for helpful "
        "votes, which may omit it.",
    )
    article = RawTextField(
        constraints=lambda: {"pattern": SLUG_PATTERN, "maxLength": SLUG_MAX_LENGTH},
        allow_null=True,
        help_text="Slug of a public entry; required for helpful votes.",
    )
    language = RawTextField(
        constraints=language_enum,
        allow_null=True,
        help_text="Language of the reader; the default language if omitted.",
    )
    website = RawTextField(
        constraints=lambda: {"maxLength": 0},
        help_text="Must be empty. Hidden from people in forms; bots that fill it are ignored.",
    )


class FeedbackReceiptSerializer(serializers.Serializer):
    """What was accepted: this submission only, with a random id."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=Feedback.Kind.choices)
    message = serializers.CharField()
    article = serializers.CharField(source="article_slug", allow_null=True)
    language = serializers.CharField()
    created_at = serializers.DateTimeField()


def _messages(help_text):
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


class FeedbackErrorsSerializer(serializers.Serializer):
    """400: each field that was refused, with what is wrong with it."""

    kind = _messages("Missing or unknown kind.")
    message = _messages("Too short, too long or not a string.")
    article = _messages("Unknown or not public entry; missing for a helpful vote.")
    language = _messages("Unsupported language.")
    non_field_errors = _messages("The body is not a JSON object.")
    detail = serializers.CharField(required=False, help_text="Malformed JSON.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
