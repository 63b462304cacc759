"""Release previews on the public surfaces: ``?release=<token>`` (``articles.release_previews``)
shows the REST API (but the change feed), GraphQL and the reader site as they will be once the
release is live.

The view runs on the primary, inside a transaction in which the release is staged
(``release_stage``) and which is always rolled back, whatever the view did: nothing of the
preview is ever written, sent or purged. Nothing computed inside is cached either
(``http_cache.bypassed()``: the log's head the staged release moves to may later be reached
by a real publication): the answer is ``Cache-Control: private, no-store``, with no
validators and nothing for a cache in front. The parameter is taken out of ``request.GET``
before the view sees it (views refuse what they do not know); ``release_token(request)``
gives it back to what links onward.

A preview only reads: GET and HEAD, and POST to /graphql/ for a query (the view refuses a
mutation). A bad, expired or live release's token is a 403 in the surface's own shape.
"""

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation

from articles.release_previews import release_for_preview
from articles.services.releases import release_stage
from kernel import http_cache
from kernel.db_routing import READ_METHODS, on_primary
from kernel.languages import default_language, supported_languages

PARAMETER = "release"
# The surfaces a release preview shows, by path; under them, what it does not cover.
SURFACES = ("/api/v1/", "/graphql/", "/read/")
NOT_COVERED = ("/api/v1/changes/",)
# Whatever a cache (or a crawler) could keep or trust of a public answer.
PUBLIC_HEADERS = (
    "ETag",
    "Last-Modified",
    "Surrogate-Key",
    "Surrogate-Control",
    "X-Publication-Position",
)

INVALID = (
    "This release preview link is not valid: it has expired, was altered, or its release is "
    "already live. Create a new link from the release."
)
READS_ONLY = "A release preview only reads: it takes GET (and GraphQL queries by POST)."
UNCOVERED = "Release previews do not cover the change feed."


def release_token(request) -> str | None:
    """The release preview token of the request being answered, if it is a preview."""
    return getattr(request, "release_token", None)


class ReleasePreviewMiddleware:
    """Place it after ``PublicReadsMiddleware``: the preview reads the primary only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if PARAMETER not in request.GET or not path.startswith(SURFACES):
            return self.get_response(request)
        token = request.GET.get(PARAMETER)
        if path.startswith(NOT_COVERED):
            return refused(request, UNCOVERED)
        is_graphql = path.startswith("/graphql/")
        if request.method not in READ_METHODS and not (is_graphql and request.method == "POST"):
            return refused(request, READS_ONLY)
        with on_primary():
            release = release_for_preview(token=token)
            if release is None:
                return refused(request, INVALID)
            request.GET = request.GET.copy()
            del request.GET[PARAMETER]
            request.release_token = token
            with http_cache.bypassed(), transaction.atomic():
                release_stage(release=release)
                response = self.get_response(request)
                transaction.set_rollback(True)
        return private(response)


def private(response):
    """Kept by no cache, indexed by no crawler; the token in the address reaches no other
    site."""
    for name in PUBLIC_HEADERS:
        if response.has_header(name):
            del response[name]
    response["Cache-Control"] = http_cache.PRIVATE
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def refused(request, message: str, status: int = 403):
    """``message`` in the surface's shape: REST's ``{"detail"}``, a GraphQL error, or the
    reader's page."""
    path = request.path_info
    if path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status)
    elif path.startswith("/graphql/"):
        error = {"message": message, "extensions": {"code": "RELEASE_PREVIEW_REFUSED"}}
        response = JsonResponse({"data": None, "errors": [error]}, status=status)
    else:
        response = HttpResponse(_refused_page(path, invalid=message == INVALID), status=status)
    return private(response)


def _refused_page(path: str, *, invalid: bool) -> str:
    """The reader's refusal, in the language of the page asked for."""
    parts = path.split("/")
    language = parts[2] if len(parts) > 2 and parts[2] in supported_languages() else None
    language = language or default_language()
    with translation.override(language):
        return render_to_string(
            "articles/release_preview_refused.html", {"lang": language, "invalid": invalid}
        )
