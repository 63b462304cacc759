"""Error answers: JSON under /api/ and /graphql/ whatever went wrong, HTML elsewhere (the admin).

REST errors have the REST API's shape (``{"detail": ...}``), GraphQL errors GraphQL's
(``{"data": null, "errors": [{"message": ...}]}``). A database that cannot be reached is a
503 with ``Retry-After`` on every surface, logged in one line rather than a traceback per
request.
"""

import logging

from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying while the database is unreachable.
OUTAGE_RETRY_AFTER = 30
OUTAGE_MESSAGE = "The service is temporarily unavailable; try again shortly."
# Request attribute set by the GraphQL schema when a resolver met a database outage.
OUTAGE_ATTRIBUTE = "database_outage"


def surface(request) -> str | None:
    """Which API a path belongs to: "rest", "graphql", or None (admin, feeds)."""
    path = request.path_info
    if path.startswith("/api/"):
        return "rest"
    if path == "/graphql" or path.startswith("/graphql/"):
        return "graphql"
    return None


def json_error(request, status: int, message: str) -> JsonResponse | None:
    """The error in the API's own shape, or None outside the APIs."""
    match surface(request):
        case "rest":
            return JsonResponse({"detail": message}, status=status)
        case "graphql":
            return JsonResponse({"data": None, "errors": [{"message": message}]}, status=status)
    return None


def bad_request(request, exception):
    return json_error(request, 400, "Bad request.") or defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """Outside the APIs, a page in the admin's look that says why the page is refused."""
    refused = json_error(request, 403, "You do not have permission to perform this action.")
    if refused:
        return refused
    context = {**admin.site.each_context(request), "title": "Permission denied"}
    context["reason"] = str(exception) if exception and str(exception) else ""
    return TemplateResponse(request, "403.html", context, status=403).render()


def page_not_found(request, exception):
    return json_error(request, 404, "Not found.") or defaults.page_not_found(request, exception)


def api_not_found(request):
    """A path under /api/ that names no endpoint (``page_not_found`` is not used with DEBUG)."""
    return json_error(request, 404, "Not found.")


def server_error(request):
    return json_error(request, 500, "A server error occurred.") or defaults.server_error(request)


def is_database_outage(error: BaseException | None) -> bool:
    """The database refused or dropped the connection (or is otherwise not operating)."""
    return isinstance(error, OperationalError | InterfaceError)


def outage_response(request, error: BaseException) -> HttpResponse:
    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    logger.error("Database unavailable (%s %s): %s", request.method, request.path, first_line)
    response = json_error(request, 503, OUTAGE_MESSAGE) or HttpResponse(
        render_to_string("503.html", {"message": OUTAGE_MESSAGE}), status=503
    )
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    response._has_been_logged = True  # the line above says it all; no second log line
    return response


class DatabaseOutageMiddleware:
    """Turns a database outage into a 503 instead of a 500 and its traceback.

    Django views raise the database error (``process_exception``); GraphQL resolvers' errors
    are caught by the GraphQL executor, so the schema marks the request instead. Place it last
    in MIDDLEWARE, so the other middleware (CORS, security headers) handle the 503 as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, OUTAGE_ATTRIBUTE, None)
        return outage_response(request, error) if error is not None else response

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
