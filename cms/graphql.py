"""The GraphQL endpoint frontends use (/graphql/)."""

import json

from cross_web import HTTPException
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from articles import selectors
from cms.playgrounds import graphiql_html, with_playground_csp
from cms.schema import schema
from kernel import http_cache
from kernel.languages import negotiate_language
from partners.throttling import throttled

# What a GET request's query string carries to GraphQL (strawberry reads the last value of
# each); nothing else selects a cached answer.
GET_PARAMETERS = ("query", "variables", "operationName", "extensions")
# What a GraphQL client asks for; a browser prefers text/html.
ANSWER_TYPES = ["application/graphql-response+json", "application/json"]


def graphql_error(message: str, status: int = 400, **extensions) -> JsonResponse:
    """A request refused before execution, in the shape of any GraphQL answer."""
    error = {"message": message, **({"extensions": extensions} if extensions else {})}
    return JsonResponse({"data": None, "errors": [error]}, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class PublicGraphQLView(GraphQLView):
    """Cookie-free, so CSRF does not apply; GraphiQL only where configured.

    Answers depend on Accept-Language; queries sent with GET may be cached like the REST API's
    public responses (POST requests, such as mutations, are never cached).
    """

    def dispatch(self, request, *args, **kwargs):
        self.graphql_ide = "graphiql" if settings.GRAPHQL["GRAPHIQL"] else None
        response = (
            self.refuse_oversized(request)
            or self.refuse_malformed(request)
            or self.shared_playground(request)
            or self.cached_answer(request)
        )
        # With GraphiQL, a browser gets the playground where a client gets the answer.
        patch_vary_headers(response, ["Accept-Language", *(["Accept"] if self.graphql_ide else [])])
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("application/json")
            and "no-store" not in response.get("Cache-Control", "")
            and "max-age" not in response.get("Cache-Control", "")
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        return response

    def render_graphql_ide(self, request) -> HttpResponse:
        """GraphiQL from the project's own static files (strawberry's page loads a CDN)."""
        return with_playground_csp(HttpResponse(graphiql_html(request)))

    def shared_playground(self, request) -> HttpResponse | None:
        """GraphiQL, where it is served, for a browser opening /graphql/?query=...: GraphiQL
        keeps its query in the address, so a reload or a shared link opens the playground
        again with that query in its editor. A GET that prefers JSON gets the answer (strawberry
        serves GraphiQL only to a GET without a query)."""
        if (
            self.graphql_ide
            and request.method == "GET"
            and "query" in request.GET
            and request.get_preferred_type([*ANSWER_TYPES, "text/html"]) == "text/html"
        ):
            return self.render_graphql_ide(request)
        return None

    def cached_answer(self, request):
        """A query sent with GET is answered like the REST API's public reads: validated and
        cached by the publication log's head, so publishing anything makes it stale at once.
        Answers with errors, previews and everything sent with POST are never cached."""

        def build():
            response = self.cap_answer(self.answer(request))
            if b'"errors":' in response.content:
                patch_cache_control(response, no_store=True)
            return response

        if request.method != "GET" or "query" not in request.GET:
            return build()
        head = selectors.log_head()
        return http_cache.public_response(
            request,
            version=head.token,
            modified=head.due,
            variant=[
                request.build_absolute_uri(request.path),
                negotiate_language(None, request.headers.get("Accept-Language")),
                http_cache.normalised_query(
                    {name: request.GET.getlist(name)[-1:] for name in GET_PARAMETERS}
                ),
            ],
            build=build,
            expires=head.next_at,
            position=head.position,
        )

    def answer(self, request):
        """strawberry's answer, with a request it refuses (bad body, no query, a mutation
        sent with GET...) in GraphQL's JSON shape rather than plain text."""
        try:
            return self.run(request=request)
        except HTTPException as refused:
            return graphql_error(refused.reason, refused.status_code)

    def cap_answer(self, response):
        """An answer over GRAPHQL["MAX_RESPONSE_BYTES"] is replaced by an error. The query cost
        bounds how many fields a query resolves, not how long their texts are (bodies); most
        such answers are stopped while they resolve (``kernel.graphql_size``), this measures
        the answer as sent."""
        limit = settings.GRAPHQL["MAX_RESPONSE_BYTES"]
        if response.streaming or len(response.content) <= limit:
            return response
        message = (
            f"The answer would be {len(response.content)} bytes; the limit is {limit}. "
            "Ask for fewer items or fewer long fields (such as bodyHtml)."
        )
        return graphql_error(message, 200, code="RESPONSE_TOO_LARGE")

    def refuse_oversized(self, request) -> JsonResponse | None:
        """Refuse a body over GRAPHQL["MAX_REQUEST_BYTES"] from its declared length, unread."""
        limit = settings.GRAPHQL["MAX_REQUEST_BYTES"]
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared <= limit:
            return None
        return graphql_error(f"The request body is {declared} bytes; the limit is {limit}.", 413)

    def refuse_malformed(self, request) -> JsonResponse | None:
        """A JSON body must be UTF-8 and a JSON object; Python's parser must be able to hold
        it. (strawberry decodes the body leniently and parses it again: under 64 KB, cheap.)"""
        if request.method != "POST" or "application/json" not in request.content_type:
            return None
        try:
            value = self.decode_json(request.body.decode("utf-8"))
        except UnicodeDecodeError:
            return graphql_error("The request body is not valid UTF-8.")
        except HTTPException as refused:
            return graphql_error(refused.reason, refused.status_code)
        if not isinstance(value, dict):
            return graphql_error('The request body must be a JSON object: {"query": "..."}.')
        return None

    def decode_json(self, data: str | bytes) -> object:
        """The body, or GET's ``variables`` and ``extensions``: JSON Python can hold."""
        try:
            return json.loads(data)
        except RecursionError as error:
            raise HTTPException(400, "The JSON is nested too deeply.") from error
        except ValueError as error:  # JSONDecodeError, and numbers too long to convert
            raise HTTPException(400, "Unable to parse request body as JSON") from error


graphql_view = throttled(PublicGraphQLView.as_view(schema=schema), respond=graphql_error)
