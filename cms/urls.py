from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from cms.errors import api_not_found
from cms.graphql import graphql_view
from cms.live_preview import live_preview
from cms.playgrounds import RedocView, SwaggerView
from images.views import rendition

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path(
        "admin/articles/article/<int:object_id>/preview/live/",
        admin.site.admin_view(live_preview),
        name="article-live-preview",
    ),
    # The admin's language switch (Django's set_language: a cookie, the admin only reads it).
    path("admin/i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("cms.api", "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("feeds/", include("articles.feed_urls")),
    path("graphql/", graphql_view, name="graphql"),
    path("read/", include("reader.urls")),
    # Renditions on the file system storage, unless MEDIA_URL points at another server.
    *[
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}images/renditions/(?P<path>[0-9]+/[-\w]+\.\w+)$",
            rendition,
            name="image-rendition",
        )
    ][: settings.MEDIA_URL.startswith("/")],
    path("", include("reader.site_urls")),
    # Whatever else ends in a slash under /api/ is the API's JSON 404, even with DEBUG on
    # (without the slash, APPEND_SLASH first redirects to it).
    re_path(r"^api/(?:.*/)?$", api_not_found),
]

handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
