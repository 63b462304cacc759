"""Public GET responses: validated and cached by the version of what the public can see.

A surface passes the version of its content (for entries, the publication log's head token,
which any public change moves, a scheduled entry's time passing included) and what else
selects the response: its absolute URL path, its normalised query, its language. The ETag
and the cache key are both a digest of these, so

- a conditional GET whose ETag matches is answered 304 before any content is read;
- a response is built once per version and then served from Django's cache; a new version
  makes every stored response unreachable at once (they expire on their own).

Only 200 responses are stored, and only a request known to have a 200 response is answered
304 on ``If-None-Match: *`` or ``If-Modified-Since``: a refused request stays refused. A
response its surface marked private or ``no-store`` (a preview) is passed on as built: never
stored, never marked public.
"""

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, quote_etag

# Responses of an outdated version are never asked for again: this only bounds how long
# they take room in the cache.
TIMEOUT = 600
STORED_HEADERS = ("Content-Type", "Surrogate-Key")


def normalised_query(params: dict[str, list[str]]) -> str:
    """``params`` as one canonical query string: names sorted, each name's values in order."""
    return urlencode([(name, value) for name in sorted(params) for value in params[name]])


def public_response(
    request,
    *,
    version: str,
    modified: datetime | None,
    variant: Iterable[str],
    build: Callable[[], HttpResponse],
) -> HttpResponse:
    """The response ``build`` makes, from the cache while ``version`` holds, with ``ETag``,
    ``Last-Modified`` (``modified``) and ``Cache-Control: public``; 304 when the request's
    validators still match. ``variant`` is everything besides the version that selects
    the response."""
    digest = hashlib.sha256("\n".join([version, *variant]).encode()).hexdigest()
    etag = quote_etag(digest[:32])
    last_modified = int(modified.timestamp()) if modified else None
    if etag in _if_none_match(request):
        return _validated(HttpResponseNotModified(), etag, last_modified)
    key = f"http-cache:{digest}"
    stored = cache.get(key)
    if stored is not None:
        content, headers = stored
        response = HttpResponse(content, headers=headers)
    else:
        response = build()
        if response.status_code != 200 or _private(response):
            return response
        headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
        cache.set(key, (response.content, headers), TIMEOUT)
    response = _validated(response, etag, last_modified)
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


def _private(response) -> bool:
    control = response.get("Cache-Control", "")
    return "private" in control or "no-store" in control


def _if_none_match(request) -> list[str]:
    """The strong forms of the ETags listed in ``If-None-Match`` (``*`` is not one)."""
    listed = parse_etags(request.headers.get("If-None-Match", ""))
    return [tag.removeprefix("W/") for tag in listed if tag != "*"]


def _validated(response, etag: str, last_modified: int | None):
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}"
    return response
