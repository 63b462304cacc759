"""Public GET responses: validated and cached by the version of what the public can see.

A surface passes where its content stands (``PublicState``: for entries, the publication
log's head, whose token any public change moves, a scheduled entry's time passing included)
and what else selects the response: its absolute URL path, its normalised query, its
language. The ETag and the cache key are both a digest of these, so

- a conditional GET whose ETag matches is answered 304 before any content is read;
- a response is built once per version and then served from Django's cache; a new version
  makes every stored response unreachable at once (they expire on their own).

What selects a response is only what the surface reads: its known parameters (the last value
of each, or a repeatable one's distinct values, sorted) and the language it negotiated, never
the raw ``Accept-Language`` header. A parameter the surface does not know is left out, on
REST, GraphQL GET and the feeds alike: it changes nothing in the answer, so it selects the
same stored answer and the same ETag, and cannot fill the cache with copies of one answer.

Lifetimes: ``Cache-Control: public, max-age`` (``PUBLIC_CACHE_MAX_AGE``) for browsers and
``Surrogate-Control: max-age`` (``EDGE_CACHE_MAX_AGE``, long: purges are exact) for a cache
in front, both capped at the seconds until the head's ``next_at`` (the next scheduled change
the publication log knows of), so a scheduled entry appears everywhere at its time.
``X-Publication-Position`` names the log position the answer was built at: a cache in front
refuses to keep an answer older than its last purge (one fetched while the purged
publication committed).

The head a surface passes may be up to ``PUBLIC_HEAD_STALENESS_MS`` old (default 100, at most
250, 0 for none: each process reuses the head it read, ``kernel.staleness``), never newer than
the data an answer is built from (the data is read after the head): a publication made by
another process shows here at most that late. The stored answers a process served last are
also kept in its memory, unpickled (``RECENT_ANSWERS_MAX_BYTES``), so a hit needs neither the
database nor a round trip to the shared cache.

Only 200 responses are stored, none larger than ``settings.RESPONSE_CACHE_MAX_BYTES`` (a
larger one is built for each request, and still validated), and only a request known to
have a 200 response is answered 304 on ``If-None-Match: *`` or ``If-Modified-Since``: a
refused request stays refused. A response its surface marked private or ``no-store`` (a
preview) is passed on as built: never stored, never marked public.

Inside ``bypassed()`` (a release preview: what is read there is not what the public sees, and
the log's head it reads may be reached later by a real publication) the cache is neither read
nor written, here or in the process's memory: every response is built and marked private.
"""

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, quote_etag

# Responses of an outdated version are never asked for again: this only bounds how long
# they take room in the cache.
TIMEOUT = 600
STORED_HEADERS = ("Content-Type", "Surrogate-Key", "Link", "GraphQL-Cost", "GraphQL-Cost-Limit")
# Bytes of stored answers each process also keeps as they are, the most recently served first.
RECENT_ANSWERS_MAX_BYTES = 8 * 1024 * 1024
PRIVATE = "private, no-store"


class _RecentAnswers:
    """The stored answers this process served last, kept unpickled in its memory: a hit on a
    popular answer takes no round trip to the cache (Redis) and no copy out of it. A key names
    one version of one answer, so a kept answer never goes out of date: a new version is a new
    key, and the old ones fall out as newer answers come in."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.answers: OrderedDict[str, tuple[bytes, dict]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, dict] | None:
        with self.lock:
            answer = self.answers.get(key)
            if answer is not None:
                self.answers.move_to_end(key)
            return answer

    def keep(self, key: str, answer: tuple[bytes, dict]) -> None:
        with self.lock:
            if key in self.answers or len(answer[0]) > self.max_bytes:
                return
            self.answers[key] = answer
            self.size += len(answer[0])
            while self.size > self.max_bytes:
                _key, (content, _headers) = self.answers.popitem(last=False)
                self.size -= len(content)

    def clear(self) -> None:
        with self.lock:
            self.answers.clear()
            self.size = 0


_recent = _RecentAnswers(RECENT_ANSWERS_MAX_BYTES)
_bypassed: ContextVar[bool] = ContextVar("http_cache_bypassed", default=False)


@contextmanager
def bypassed() -> Iterator[None]:
    """Responses built in this block are private: no stored answer is served, none is stored,
    and the values a process reuses (``kernel.staleness``) are read afresh and not kept."""
    token = _bypassed.set(True)
    try:
        yield
    finally:
        _bypassed.reset(token)


def is_bypassed() -> bool:
    return _bypassed.get()


def forget_recent_answers() -> None:
    """Drop the answers this process keeps in memory (with ``cache.clear()``, to rebuild)."""
    _recent.clear()


def normalised_query(params: dict[str, list[str]]) -> str:
    """``params`` as one canonical query string: names sorted, each name's values in order."""
    return urlencode([(name, value) for name in sorted(params) for value in params[name]])


class PublicState(Protocol):
    """Where public content stands (the publication log's head, read once per request):
    ``token`` changes with anything public, ``due`` is when it last did, ``next_at`` when it
    next will (a scheduled change), ``position`` the log position answers are built at."""

    token: str
    due: datetime | None
    next_at: datetime | None
    position: int


@dataclass(frozen=True)
class _Validators:
    etag: str
    key: str
    last_modified: int | None
    expires: datetime | None = None
    position: int | None = None

    @classmethod
    def of(cls, head: PublicState, variant: Iterable[str]):
        digest = hashlib.sha256("\n".join([head.token, *variant]).encode()).hexdigest()
        last_modified = int(head.due.timestamp()) if head.due else None
        key = f"http-cache:{digest}"
        return cls(quote_etag(digest[:32]), key, last_modified, head.next_at, head.position)


def cached_answer(request, *, head: PublicState, variant: Iterable[str]) -> HttpResponse | None:
    """What the cache can answer without building anything: 304 for an ``If-None-Match``
    that names this version's ETag (only ever handed out with a 200), or the stored 200
    (or 304, by its validators); None when the response has to be built (always, inside
    ``bypassed()``)."""
    if is_bypassed():
        return None
    return _cached(request, _Validators.of(head, variant))


def public_response(
    request, *, head: PublicState, variant: Iterable[str], build: Callable[[], HttpResponse]
) -> HttpResponse:
    """The response ``build`` makes, from the cache while ``head`` holds, with ``ETag``,
    ``Last-Modified`` (``head.due``), ``Cache-Control: public`` and ``Surrogate-Control``,
    whose lifetimes end by ``head.next_at``; 304 when the request's validators still match.
    ``variant`` is everything besides the head that selects the response. Inside
    ``bypassed()``: built, never stored, with ``Cache-Control: private, no-store`` and no
    validators."""
    if is_bypassed():
        response = build()
        response.headers["Cache-Control"] = PRIVATE
        return response
    validators = _Validators.of(head, variant)
    answer = _cached(request, validators)
    if answer is not None:
        return answer
    response = build()
    if response.status_code != 200 or _private(response):
        return response
    if len(response.content) <= settings.RESPONSE_CACHE_MAX_BYTES:
        headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
        cache.set(validators.key, (response.content, headers), TIMEOUT)
        _recent.keep(validators.key, (response.content, headers))
    return _conditional(request, response, validators)


def _cached(request, validators: _Validators) -> HttpResponse | None:
    if validators.etag in _if_none_match(request):
        return _validated(HttpResponseNotModified(), validators)
    stored = _recent.get(validators.key)
    if stored is None:
        stored = cache.get(validators.key)
        if stored is None:
            return None
        _recent.keep(validators.key, stored)
    content, headers = stored
    return _conditional(request, HttpResponse(content, headers=headers), validators)


def _conditional(request, response, validators: _Validators):
    response = _validated(response, validators)
    return get_conditional_response(
        request, etag=validators.etag, last_modified=validators.last_modified, response=response
    )


def _private(response) -> bool:
    control = response.get("Cache-Control", "")
    return "private" in control or "no-store" in control


def _if_none_match(request) -> list[str]:
    """The strong forms of the ETags listed in ``If-None-Match`` (``*`` is not one)."""
    listed = parse_etags(request.headers.get("If-None-Match", ""))
    return [tag.removeprefix("W/") for tag in listed if tag != "*"]


def _validated(response, validators: _Validators):
    response.headers["ETag"] = validators.etag
    if validators.last_modified is not None:
        response.headers["Last-Modified"] = http_date(validators.last_modified)
    lifetime = seconds_until(validators.expires)
    browsers, edge = settings.PUBLIC_CACHE_MAX_AGE, settings.EDGE_CACHE_MAX_AGE
    response.headers["Cache-Control"] = f"public, max-age={min(browsers, lifetime)}"
    response.headers["Surrogate-Control"] = f"max-age={min(edge, lifetime)}"
    if validators.position is not None:
        response.headers["X-Publication-Position"] = str(validators.position)
    return response


def seconds_until(expires: datetime | None) -> int | float:
    """Whole seconds from now until ``expires`` (at least 1: an answer built a moment
    before is still fresh; rounded up, so it never expires before the change); infinite
    without one."""
    if expires is None:
        return math.inf
    return max(1, math.ceil((expires - timezone.now()).total_seconds()))
