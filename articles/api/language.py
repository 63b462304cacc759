from rest_framework.exceptions import ValidationError

from kernel.languages import UnsupportedLanguage, negotiate_language


def request_language(request) -> str:
    """The content language a request asks for: ``?lang=`` wins over ``Accept-Language``."""
    if not hasattr(request, "content_language"):
        try:
            request.content_language = negotiate_language(
                request.query_params.get("lang"), request.headers.get("Accept-Language")
            )
        except UnsupportedLanguage as unsupported:
            raise ValidationError({"lang": [str(unsupported)]}) from unsupported
    return request.content_language
