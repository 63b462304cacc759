"""What every public REST view shares: parsing into the selectors' types, refusals as 400s,
JSON bodies joined from stored documents, keyset links, and the response cache."""

from collections.abc import Iterable
from contextlib import contextmanager
from urllib.parse import urlencode

import orjson
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from articles import selectors
from articles.api.filters import rest_errors
from articles.api.language import request_language
from articles.api.pagination import Cursor, links, page_size
from articles.middleware import PARAMETER as RELEASE_PARAMETER
from articles.middleware import release_token
from kernel import db_routing, http_cache
from kernel.languages import UnsupportedLanguage, negotiate_language
from partners.authentication import ApiKeyAuthentication, request_key
from partners.services import InvalidPartnerKey
from partners.throttling import PartnerOrClientThrottle, spend_once


@contextmanager
def refusals_as_400():
    try:
        yield
    except selectors.InvalidRequest as refused:
        raise ValidationError(rest_errors(refused.errors)) from None


def parsed(**parsers) -> dict:
    """Each parser's value; every refusal at once if any refuses."""
    values, errors = {}, {}
    for name, parse in parsers.items():
        try:
            values[name] = parse()
        except selectors.InvalidRequest as refused:
            errors.update(refused.errors)
    if errors:
        raise selectors.InvalidRequest(errors)
    return values


def json_response(body: bytes, *, keys: Iterable[str] = ()) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    if keys:
        response.headers["Surrogate-Key"] = " ".join(dict.fromkeys(keys))
    return response


def joined(documents: Iterable[str]) -> bytes:
    """Stored JSON texts as one JSON array, without parsing them."""
    return b"[" + ",".join(documents).encode() + b"]"


class PublicReadView(GenericAPIView):
    """Anyone may read; an API key lifts the throttle to the partner rate. A GET parses its
    parameters (``parameters``: those that select the response), then answers from the
    response cache or ``build``.

    What the cache can answer (a 304, a stored 200) is answered in ``dispatch``, before
    DRF's request cycle (content negotiation, versioning, parsing the parameters), once the
    API key is checked and the client's budget spent; the rest goes through that cycle, which
    reuses the key, the spend and the log's head found here. ``uncached_parameters`` (a
    preview token) take a request past the cache; a view that is never cached sets
    ``cacheable`` false."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [PartnerOrClientThrottle]
    filter_backends = []
    pagination_class = None
    parameters: tuple[str, ...] = ()
    repeatable: tuple[str, ...] = ()
    uncached_parameters: tuple[str, ...] = ()
    cacheable = True
    public_head: selectors.Head | None = None
    # A GET reads from a replica, when there is one (previews from the primary).
    replica_read_methods = db_routing.READ_METHODS

    def dispatch(self, request, *args, **kwargs):
        cached = self.cacheable and request.method == "GET"
        answer = self.cached_answer(request) if cached else None
        if answer is not None:
            return answer
        return super().dispatch(request, *args, **kwargs)

    def cached_answer(self, request):
        """The cache's answer to this GET; None when DRF's cycle has to build or refuse it."""
        if any(name in request.GET for name in self.uncached_parameters):
            return None
        try:
            language = negotiate_language(
                request.GET.get("lang"), request.headers.get("Accept-Language")
            )
            key = request_key(request)
        except (UnsupportedLanguage, InvalidPartnerKey):
            return None  # refused in DRF's shape
        if spend_once(request, key) is not None:
            return None  # throttled in DRF's shape
        self.public_head = selectors.log_head()
        answer = http_cache.cached_answer(
            request,
            head=self.public_head,
            variant=self.variant(request, language, self.query(request.GET)),
        )
        if answer is not None:
            patch_vary_headers(answer, ["Accept-Language"])
            answer.headers["Allow"] = ", ".join(self.allowed_methods)
        return answer

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    def query(self, params: QueryDict) -> dict[str, list[str]]:
        """This view's parameters in ``params``: the values of a repeatable one, sorted (each
        as often as sent: the limit on values counts repeats); the last value of any other."""
        query = {}
        for name in self.parameters:
            values = params.getlist(name)
            if values:
                query[name] = sorted(values) if name in self.repeatable else values[-1:]
        return query

    @staticmethod
    def variant(request, language: str, query: dict) -> list[str]:
        """What selects the response besides the version: its URL, language and query."""
        absolute = request.build_absolute_uri(request.path)
        return [absolute, language, http_cache.normalised_query(query)]

    def parse(self, query: dict[str, list[str]]) -> dict:
        """The parameters as the selectors take them; ``InvalidRequest`` if any is bad."""
        return {}

    def build(self, request, language: str, query: dict, values: dict, **kwargs):
        """The response, built only when the cache has none for this version."""
        raise NotImplementedError

    def get(self, request, **kwargs):
        language = request_language(request)
        query = self.query(request.query_params)
        with refusals_as_400():
            values = self.parse(query)
        head = self.public_head or selectors.log_head()

        def build():
            with refusals_as_400():
                return self.build(request, language, query, values, **kwargs)

        return http_cache.public_response(
            request,
            head=head,
            variant=self.variant(request, language, query),
            build=build,
        )

    def link(self, language: str, query: dict, cursor: Cursor | None) -> str | None:
        """This list's page at ``cursor``, with the request's parameters and language."""
        if cursor is None:
            return None
        params = [(name, value) for name in query if name != "cursor" for value in query[name]]
        params += [("lang", language), ("cursor", cursor.encode())]
        if token := release_token(self.request):  # a release preview's pages stay in it
            params.append((RELEASE_PARAMETER, token))
        return f"{self.request.build_absolute_uri(self.request.path)}?{urlencode(params)}"

    def page_body(self, language, query, page, cursor, results: bytes) -> bytes:
        following, preceding = links(page, cursor)
        envelope = orjson.dumps(
            {
                "next": self.link(language, query, following),
                "previous": self.link(language, query, preceding),
            }
        )
        return envelope[:-1] + b',"results":' + results + b"}"


def paging(query: dict, shape: tuple[type, ...]) -> dict:
    return {
        "limit": lambda: page_size(query.get("page_size", [None])[0]),
        "cursor": lambda: Cursor.decode(query["cursor"][0], shape) if "cursor" in query else None,
    }


def keyset(values: dict) -> dict:
    cursor = values["cursor"]
    return {
        "limit": values["limit"],
        "after": cursor.keys if cursor else None,
        "backwards": bool(cursor and cursor.backwards),
    }


def querydict(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values)
    return query
