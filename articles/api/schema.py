"""How the REST views appear in the OpenAPI document: shared parameters and error answers."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from articles.api.serializers import ErrorSerializer
from kernel.languages import supported_languages

VALIDATION_ERROR = {
    "type": "object",
    "description": "Each invalid parameter with its problems.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"lang": ["Unsupported language 'fr'; supported: en, nl."]},
}
LANGUAGE_PARAMETERS = [
    OpenApiParameter(
        "lang",
        OpenApiTypes.STR,
        enum=supported_languages(),
        description="Content language; wins over Accept-Language. Missing translations fall "
        "back to the default language (see `language` and `fallback` in the response).",
    ),
    OpenApiParameter(
        "Accept-Language",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="Preferred languages, used when `lang` is absent.",
    ),
]
CACHE_HEADERS = [
    *(
        OpenApiParameter(name, OpenApiTypes.STR, location=OpenApiParameter.HEADER, response=codes)
        for name, codes in (
            ("ETag", [200, 304]),
            ("Last-Modified", [200, 304]),
            ("Cache-Control", [200, 304]),
            ("Surrogate-Control", [200, 304]),
            ("X-Publication-Position", [200, 304]),
            ("Surrogate-Key", [200]),
        )
    ),
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="An ETag received before: 304 Not Modified while it still matches.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="A Last-Modified received before (ignored when If-None-Match is sent).",
    ),
]
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds until the next request is allowed.",
)


def error_responses(*codes: int) -> dict:
    described = {
        304: OpenApiResponse(description="Not modified: the validators still match."),
        400: OpenApiResponse(VALIDATION_ERROR, description="A parameter value is invalid."),
        401: OpenApiResponse(ErrorSerializer, description="Unknown or revoked API key."),
        404: OpenApiResponse(ErrorSerializer, description="No such public resource."),
        429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
    }
    return {code: described[code] for code in codes}


def documented(*, summary: str, description: str, ok, errors=(), parameters=(), cached=True):
    """A GET as the schema shows it: cached ones with their validators and 304."""
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[
            *LANGUAGE_PARAMETERS,
            *parameters,
            *(CACHE_HEADERS if cached else ()),
            RETRY_AFTER,
        ],
        responses={
            200: ok,
            **error_responses(*((304,) if cached else ()), 400, 401, *errors, 429),
        },
    )
