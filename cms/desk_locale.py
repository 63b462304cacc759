"""The admin in the editor's language and the desk's time zone, and nothing else in them.

Under the admin's path, the language is the one the editor chose (the language switch at the
top of every admin page, a cookie) or else their browser's (``Accept-Language``), and times are
in ``DESK_TIME_ZONE``. Every other answer (the APIs, feeds, the reader site) is left exactly as
it was: no language or time zone of the desk's, no ``Vary`` of the desk's.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


@cache
def admin_prefix() -> str:
    return reverse("admin:index")


def desk_time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.DESK_TIME_ZONE)  # ZoneInfo keeps its own cache


class DeskLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(admin_prefix()):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        # Overridden for this request only (templates render inside), then restored.
        with translation.override(language), timezone.override(desk_time_zone()):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response
