"""The GraphQL endpoint frontends use (/graphql/)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from cms.playgrounds import graphiql_html, with_playground_csp
from cms.schema import schema


@method_decorator(csrf_exempt, name="dispatch")
class PublicGraphQLView(GraphQLView):
    """Cookie-free, so CSRF does not apply; GraphiQL only where configured.

    Answers depend on Accept-Language; queries sent with GET may be cached like the REST API's
    public responses (POST requests, such as mutations, are never cached).
    """

    def dispatch(self, request, *args, **kwargs):
        self.graphql_ide = "graphiql" if settings.GRAPHQL["GRAPHIQL"] else None
        response = self.refuse_oversized(request) or super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept-Language"])
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("application/json")
            and "no-store" not in response.get("Cache-Control", "")
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        return response

    def render_graphql_ide(self, request) -> HttpResponse:
        """GraphiQL from the project's own static files (strawberry's page loads a CDN)."""
        return with_playground_csp(HttpResponse(graphiql_html(request)))

    def refuse_oversized(self, request) -> JsonResponse | None:
        """Refuse a body over GRAPHQL["MAX_REQUEST_BYTES"] from its declared length, unread."""
        limit = settings.GRAPHQL["MAX_REQUEST_BYTES"]
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared <= limit:
            return None
        message = f"The request body is {declared} bytes; the limit is {limit}."
        return JsonResponse({"data": None, "errors": [{"message": message}]}, status=413)


graphql_view = PublicGraphQLView.as_view(schema=schema)
