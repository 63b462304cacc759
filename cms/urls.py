from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cms.graphql import graphql_view

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("cms.api", "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("feeds/", include("articles.feed_urls")),
    path("graphql/", graphql_view, name="graphql"),
]

handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
