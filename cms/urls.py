from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cms.graphql import graphql_view

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("cms.api", "v1"), namespace="v1")),
    path("graphql/", graphql_view, name="graphql"),
]
