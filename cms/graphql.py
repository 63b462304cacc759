"""The GraphQL endpoint frontends use (/graphql/)."""

import json

from cross_web import HTTPException
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from strawberry.django.views import GraphQLView
from strawberry.schema.exceptions import InvalidOperationTypeError

from articles import selectors
from articles.middleware import READS_ONLY, release_token
from cms.playgrounds import graphiql_html, with_playground_csp
from cms.schema import schema
from kernel import db_routing, http_cache
from kernel.graphql import COST_HEADER, COST_LIMIT_HEADER
from kernel.languages import negotiate_language
from partners.throttling import throttled
from persisted.http import DocumentRefused, PersistedDocuments
from persisted.selectors import documents_version
from persisted.services import document_key

# What a GET request's query string carries to GraphQL (strawberry reads the last value of
# each); nothing else selects a cached answer. A persisted document's answer is selected by its
# id, without reading the document.
GET_PARAMETERS = ("query", "documentId", "variables", "operationName", "extensions")
# What a GraphQL client asks for; a browser prefers text/html.
ANSWER_TYPES = ["application/graphql-response+json", "application/json"]


def graphql_error(message: str, status: int = 400, **extensions) -> JsonResponse:
    """A request refused before execution, in the shape of any GraphQL answer."""
    error = {"message": message, **({"extensions": extensions} if extensions else {})}
    return JsonResponse({"data": None, "errors": [error]}, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class PublicGraphQLView(PersistedDocuments, GraphQLView):
    """Cookie-free, so CSRF does not apply; GraphiQL only where configured.

    Answers depend on Accept-Language; queries sent with GET, as text or as a persisted
    document's id, may be cached like the REST API's public responses (POST requests, such as
    mutations, are never cached). Every executed or cached answer says its cost in headers.
    """

    cost: dict | None = None
    # Queries read from a replica, when there is one; mutations from the primary (the schema's
    # ``MutationsOnPrimary``).
    replica_read_methods = (*db_routing.READ_METHODS, "POST")

    def dispatch(self, request, *args, **kwargs):
        self.graphql_ide = "graphiql" if settings.GRAPHQL["GRAPHIQL"] else None
        response = (
            self.refuse_long_url(request)
            or self.refuse_oversized(request)
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
        cached by the publication log's head, so publishing anything makes it stale at once,
        and by the persisted documents' version, so retiring one does too.
        Answers with errors, previews and everything sent with POST are never cached."""

        def build():
            response = self.cap_answer(self.answer(request))
            if b'"errors":' in response.content:
                patch_cache_control(response, no_store=True)
            if self.cost is not None:
                response[COST_HEADER] = str(self.cost["requested"])
                response[COST_LIMIT_HEADER] = str(self.cost["maximum"])
            if self.document_id is not None:
                keys = [*response.get("Surrogate-Key", "").split(), document_key(self.document_id)]
                response["Surrogate-Key"] = " ".join(keys)
            return response

        if request.method != "GET" or not any(
            name in request.GET for name in ("query", "documentId", "extensions")
        ):
            return build()
        trusted_only = settings.GRAPHQL["TRUSTED_DOCUMENTS_ONLY"]
        by_id = "documentId" in request.GET or "extensions" in request.GET
        head = selectors.log_head()
        return http_cache.public_response(
            request,
            head=head,
            variant=[
                request.build_absolute_uri(request.path),
                negotiate_language(None, request.headers.get("Accept-Language")),
                "trusted-only" if trusted_only else "",
                # Only a request the documents store decides depends on its version.
                documents_version() if trusted_only or by_id else "",
                http_cache.normalised_query(
                    {name: request.GET.getlist(name)[-1:] for name in GET_PARAMETERS}
                ),
            ],
            build=build,
        )

    def answer(self, request):
        """strawberry's answer, with a request it refuses (bad body, no query, a mutation
        sent with GET...) in GraphQL's JSON shape rather than plain text."""
        try:
            return self.run(request=request)
        except DocumentRefused as refused:
            return graphql_error(refused.reason, refused.status_code, code=refused.code)
        except HTTPException as refused:
            response = graphql_error(refused.reason, refused.status_code)
            if refused.status_code == 405:
                response["Allow"] = "POST"
            return response

    def execute_single(self, *args, **kwargs):
        """A mutation sent with GET is refused with 405, as the GraphQL-over-HTTP specification
        asks (strawberry answers 400); one sent with a release preview's token, with 403."""
        if release_token(kwargs["request"]) and _is_mutation(kwargs["request_data"]):
            raise HTTPException(403, READS_ONLY)
        try:
            return super().execute_single(*args, **kwargs)
        except HTTPException as refused:
            if isinstance(refused.__cause__, InvalidOperationTypeError):
                raise HTTPException(405, refused.reason) from refused.__cause__
            raise

    def process_result(self, request, result):
        """Keep the cost ``QueryCost`` reported (before execution) for the answer's headers."""
        self.cost = (result.extensions or {}).get("cost")
        return super().process_result(request, result)

    def should_render_graphql_ide(self, request) -> bool:
        """GraphiQL for a GET without a document: neither a query nor a persisted id."""
        return super().should_render_graphql_ide(request) and not (
            {"documentId", "extensions"} & request.query_params.keys()
        )

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

    def refuse_long_url(self, request) -> JsonResponse | None:
        """Refuse a GET whose URL is over GRAPHQL["MAX_URL_BYTES"] (variables included), as
        proxies and CDNs would: 414, send it by POST."""
        limit = settings.GRAPHQL["MAX_URL_BYTES"]
        length = len(request.get_full_path().encode())
        if request.method != "GET" or length <= limit:
            return None
        return graphql_error(
            f"The URL is {length} bytes; the limit is {limit}. Send long variables by POST.", 414
        )

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


def _is_mutation(request_data) -> bool:
    """Whether the operation the request runs is not a query (what strawberry would refuse
    anyway, a document that does not parse, is left to it)."""
    try:
        document = parse(request_data.query or "")
    except GraphQLError:
        return False
    operation = get_operation_ast(document, request_data.operation_name)
    return operation is not None and operation.operation is not OperationType.QUERY


graphql_view = throttled(PublicGraphQLView.as_view(schema=schema), respond=graphql_error)
