"""The API playgrounds (Swagger UI, ReDoc, GraphiQL), served from the project's own files.

Each page gets a Content-Security-Policy that allows scripts, styles, fonts and requests from
this origin only, so a playground works offline and cannot load anything from elsewhere.
"""

from django.template.loader import render_to_string
from django.utils.csp import CSP, build_policy
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

PLAYGROUND_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # Swagger UI, ReDoc and GraphiQL set styles from their scripts.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    # ReDoc runs its search index in a worker made from a blob.
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}


def with_playground_csp(response):
    response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(PLAYGROUND_CSP)
    return response


def graphiql_html(request) -> str:
    return render_to_string("cms/graphiql.html", request=request)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script as a separate file, as a strict CSP requires."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return with_playground_csp(response)


class RedocView(SpectacularRedocView):
    """ReDoc without the web fonts its stock template loads from a font CDN."""

    template_name = "cms/redoc.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return with_playground_csp(response)
