from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from feedback.models import Feedback


class RawTextField(serializers.CharField):
    """A string handed to ``feedback_submit`` as sent: the service validates and normalises it
    (control characters are stripped there, not refused here)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, trim_whitespace=False, **kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(
                validator, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator
            )
        ]


class FeedbackSubmissionSerializer(serializers.Serializer):
    """The shape of a submission; what each field may contain is checked by the service."""

    kind = RawTextField(help_text=f"One of: {', '.join(Feedback.Kind.values)}.")
    message = RawTextField(
        help_text="Plain text; required except for helpful votes. Length limits in settings."
    )
    article = RawTextField(
        allow_null=True, help_text="Slug of a public entry; required for helpful votes."
    )
    language = RawTextField(
        allow_null=True, help_text="Language of the reader; the default language if omitted."
    )
    website = RawTextField(
        help_text="Leave empty. Hidden from people in forms; bots that fill it are ignored."
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
