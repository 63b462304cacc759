from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, Throttled, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback.api.serializers import (
    DetailSerializer,
    FeedbackErrorsSerializer,
    FeedbackReceiptSerializer,
    FeedbackSubmissionSerializer,
)
from feedback.services import FeedbackInvalid, FeedbackThrottled, feedback_submit
from kernel.clients import client_fingerprint


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self, limit: int):
        super().__init__(f"Request body too large: send at most {limit} bytes.")


def max_request_bytes() -> int:
    return settings.FEEDBACK["MAX_REQUEST_BYTES"]


class SizeLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None and len(request.body) > max_request_bytes():
            raise RequestTooLarge(max_request_bytes())
        return super().parse(stream, media_type, parser_context)


class FeedbackSubmitView(APIView):
    """Anonymous reader feedback. No authentication at all: without session authentication
    there is no ambient credential a cross-site request could borrow, so CSRF does not apply,
    and nothing sets a cookie."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []  # the budget is spent in feedback_submit, shared with GraphQL
    parser_classes = [SizeLimitedJSONParser]

    def initial(self, request, *args, **kwargs):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > max_request_bytes():
            raise RequestTooLarge(max_request_bytes())
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="feedback_submit",
        summary="Send anonymous feedback",
        request=FeedbackSubmissionSerializer,
        responses={
            201: FeedbackReceiptSerializer,
            400: OpenApiResponse(
                FeedbackErrorsSerializer, description="Invalid input; each field names its problem."
            ),
            413: OpenApiResponse(DetailSerializer, description="Request body too large."),
            429: OpenApiResponse(
                DetailSerializer, description="Too many submissions; see Retry-After."
            ),
        },
        auth=[],
    )
    def post(self, request):
        serializer = FeedbackSubmissionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            feedback = feedback_submit(
                kind=data.get("kind", ""),
                message=data.get("message", ""),
                article_slug=data.get("article"),
                language=data.get("language"),
                client_fingerprint=client_fingerprint(request, purpose="feedback"),
                honeypot=data.get("website", ""),
            )
        except FeedbackThrottled as throttled:
            raise Throttled(wait=throttled.retry_after) from throttled
        except FeedbackInvalid as invalid:
            raise ValidationError(invalid.errors) from invalid
        return Response(FeedbackReceiptSerializer(feedback).data, status=status.HTTP_201_CREATED)
