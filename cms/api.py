"""The REST API root: every app's endpoints, mounted under /api/v1/ (namespace "v1"), and
the root itself, which links each endpoint a client can start from."""

from django.urls import include, path, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.authentication import ApiKeyAuthentication
from partners.throttling import PartnerOrClientThrottle

# What the root links, by the name of each endpoint's URL.
ENDPOINTS = {
    "vendors": "v1:vendor-list",
    "topics": "v1:topic-list",
    "articles": "v1:article-list",
    "changes": "v1:changes",
    "feedback": "v1:feedback-submit",
    "schema": "api-schema",
    "docs": "api-docs",
}


class ApiRootView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [PartnerOrClientThrottle]

    @extend_schema(
        operation_id="api_root",
        summary="The API root",
        description="A link to each endpoint that needs no slug, and to this document.",
        responses=inline_serializer(
            "ApiRoot", {name: serializers.URLField() for name in ENDPOINTS}
        ),
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(url)) for name, url in ENDPOINTS.items()}
        )


urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("", include("articles.api.urls")),
    path("", include("feedback.api.urls")),
]
