"""The REST API root: every app's endpoints, mounted under /api/v1/ (namespace "v1")."""

from django.urls import include, path

urlpatterns = [
    path("", include("articles.api.urls")),
    path("", include("feedback.api.urls")),
]
