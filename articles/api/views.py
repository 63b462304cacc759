"""The partner REST API: read-only, public entries only, in the requested language."""

from django.conf import settings
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from articles.api.caching import Validators, list_state
from articles.api.filters import ArticleFilter
from articles.api.language import request_language
from articles.api.pagination import (
    ArticleCursorPagination,
    VendorCursorPagination,
    page_size_param,
    whole_number_param,
    whole_number_schema,
)
from articles.api.serializers import (
    ArticleSerializer,
    ChangesPageSerializer,
    ErrorSerializer,
    MoreFromVendorSerializer,
    VendorSerializer,
)
from articles.api.sync import InvalidCursor, Position, changes_after
from articles.models import Article, Vendor
from articles.previews import article_for_preview
from articles.querysets import MORE_FROM_VENDOR_DEFAULT, MORE_FROM_VENDOR_MAX
from cms.authentication import ApiKeyAuthentication
from cms.languages import supported_languages
from cms.throttling import PartnerOrClientThrottle

VALIDATION_ERROR = {
    "type": "object",
    "description": "Each invalid parameter with its problems.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"lang": ["Unsupported language 'fr'; supported: en, nl."]},
}
LANGUAGE_PARAMETERS = [
    OpenApiParameter(
        "lang",
        OpenApiTypes.STR,
        enum=supported_languages(),
        description="Content language; wins over Accept-Language. Missing translations fall "
        "back to the default language (see `language` and `fallback` in the response).",
    ),
    OpenApiParameter(
        "Accept-Language",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="Preferred languages, used when `lang` is absent.",
    ),
]
CACHE_HEADERS = [
    OpenApiParameter(
        "ETag", OpenApiTypes.STR, location=OpenApiParameter.HEADER, response=[200, 304]
    ),
    OpenApiParameter(
        "Last-Modified", OpenApiTypes.STR, location=OpenApiParameter.HEADER, response=[200, 304]
    ),
    OpenApiParameter(
        "Cache-Control", OpenApiTypes.STR, location=OpenApiParameter.HEADER, response=[200, 304]
    ),
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="An ETag received before: 304 Not Modified while it still matches.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="A Last-Modified received before (ignored when If-None-Match is sent).",
    ),
]
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds until the next request is allowed.",
)


def error_responses(*codes: int) -> dict:
    described = {
        304: OpenApiResponse(description="Not modified: the validators still match."),
        400: OpenApiResponse(VALIDATION_ERROR, description="A parameter value is invalid."),
        401: OpenApiResponse(ErrorSerializer, description="Unknown or revoked API key."),
        404: OpenApiResponse(ErrorSerializer, description="No such public resource."),
        429: OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After."),
    }
    return {code: described[code] for code in codes}


def documented(*, summary: str, description: str, ok, errors=(), parameters=()):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[*LANGUAGE_PARAMETERS, *CACHE_HEADERS, RETRY_AFTER, *parameters],
        responses={200: ok, **error_responses(304, 400, 401, *errors, 429)},
    )


class PublicReadView(GenericAPIView):
    """Anyone may read; an API key lifts the throttle to the partner rate. GET runs the
    conditional request on cheap validators before any entry is loaded."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [PartnerOrClientThrottle]
    filter_backends = []
    pagination_class = None  # list views name theirs
    cacheable = True

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": request_language(self.request)}

    def validators(self, language: str) -> Validators:
        """Each view's ETag and Last-Modified, from aggregates only (no entry is loaded)."""
        raise NotImplementedError

    def body(self) -> Response:
        """Each view's full response, built only when the conditional request did not match."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if self.paginator is not None:  # bad paging values are a 400, even for a conditional GET
            self.paginator.validate_query(request)
        validators = self.validators(request_language(request))
        response = validators.not_modified_response(request) or self.body()
        return validators.apply(response)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept-Language"])
        if self.cacheable and response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        return response

    def validated(self, language: str, state: list, times: list) -> Validators:
        return Validators(self.request, language=language, state=state, times=times)


class VendorListView(PublicReadView):
    serializer_class = VendorSerializer
    pagination_class = VendorCursorPagination

    def get_queryset(self):
        return Vendor.objects.with_public_counts().prefetch_related("translations")

    def validators(self, language):
        vendors = Vendor.objects.aggregate(count=Count("id"), updated=Max("updated_at"))
        state, times = list_state(Article.objects.public())
        return self.validated(language, [*vendors.values(), *state], [vendors["updated"], *times])

    def body(self):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @documented(
        summary="List vendors",
        description="Vendors by slug, each with its count of public entries and its "
        "description in the requested language.",
        ok=VendorSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VendorDetailView(PublicReadView):
    serializer_class = VendorSerializer

    def get_queryset(self):
        return Vendor.objects.with_public_counts().prefetch_related("translations")

    def validators(self, language):
        vendor = get_object_or_404(
            Vendor.objects.values("pk", "updated_at"), slug=self.kwargs["slug"]
        )
        state, times = list_state(Article.objects.public().filter(vendor_id=vendor["pk"]))
        updated = vendor["updated_at"]
        return self.validated(language, [updated, *state], [updated, *times])

    def body(self):
        vendor = get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])
        return Response(self.get_serializer(vendor).data)

    @documented(
        summary="One vendor",
        description="A vendor with its count of public entries.",
        ok=VendorSerializer,
        errors=(404,),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ArticleListView(PublicReadView):
    serializer_class = ArticleSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ArticleFilter
    pagination_class = ArticleCursorPagination

    def get_queryset(self):
        return Article.objects.public()

    def filtered(self):
        if not hasattr(self, "_filtered"):
            self._filtered = self.filter_queryset(self.get_queryset())
        return self._filtered

    def validators(self, language):
        return self.validated(language, *list_state(self.filtered()))

    def body(self):
        page = self.paginate_queryset(self.filtered().with_page_data())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @documented(
        summary="List public entries",
        description="Public entries, newest publication first unless `ordering` says "
        "otherwise, in pages linked by `next` and `previous` (cursor pagination: pages "
        "neither repeat nor skip entries while new ones arrive). Filters combine with AND; "
        "repeated values of one filter combine with OR.",
        ok=ArticleSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ArticleDetailView(PublicReadView):
    serializer_class = ArticleSerializer

    def validators(self, language):
        row = (
            Article.objects.public()
            .filter(slug=self.kwargs["slug"])
            .values_list("updated_at", "published_at", "vendor__updated_at")
            .first()
        )
        if row is None:
            raise NotFound("No public entry has this slug.")
        return self.validated(language, list(row), list(row))

    def body(self):
        article = get_object_or_404(
            Article.objects.public().with_page_data(), slug=self.kwargs["slug"]
        )
        return Response(self.get_serializer(article).data)

    @documented(
        summary="One public entry",
        description="Everything the entry's page shows. Entries that are not public "
        "(drafts, in review, scheduled, archived) are 404, unless `preview` carries a valid "
        "preview token for this entry: then the entry is returned in any state, with "
        "`Cache-Control: private, no-store`.",
        ok=ArticleSerializer,
        errors=(404,),
        parameters=[
            OpenApiParameter(
                "preview",
                OpenApiTypes.STR,
                description="A preview token created in the admin. An invalid or expired "
                "token is ignored.",
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        token = request.query_params.get("preview")
        preview = token and article_for_preview(slug=self.kwargs["slug"], token=token)
        if preview:
            self.cacheable = False
            response = Response(self.get_serializer(preview).data)
            response.headers["Cache-Control"] = "private, no-store"
            return response
        return super().get(request, *args, **kwargs)


class MoreFromVendorView(PublicReadView):
    serializer_class = MoreFromVendorSerializer

    def article(self) -> Article:
        if not hasattr(self, "_article"):
            self._article = get_object_or_404(
                Article.objects.public().only("pk", "vendor_id"), slug=self.kwargs["slug"]
            )
        return self._article

    def limit(self) -> int:
        return whole_number_param(
            self.request, "limit", default=MORE_FROM_VENDOR_DEFAULT, maximum=MORE_FROM_VENDOR_MAX
        )

    def validators(self, language):
        self.limit()
        vendor_entries = Article.objects.public().filter(vendor_id=self.article().vendor_id)
        return self.validated(language, *list_state(vendor_entries))

    def body(self):
        entries = (
            Article.objects.select_related("vendor")
            .prefetch_related("translations")
            .more_from_vendor(self.article(), limit=self.limit())
        )
        return Response(self.get_serializer({"results": entries}).data)

    @extend_schema(
        summary="More from the entry's vendor",
        description="The vendor's other public entries, newest first.",
        parameters=[
            *LANGUAGE_PARAMETERS,
            OpenApiParameter(
                "limit",
                whole_number_schema(maximum=MORE_FROM_VENDOR_MAX),
                description=f"How many: 1 to {MORE_FROM_VENDOR_MAX} "
                f"(default {MORE_FROM_VENDOR_DEFAULT}).",
            ),
            *CACHE_HEADERS,
            RETRY_AFTER,
        ],
        responses={
            200: MoreFromVendorSerializer,
            **error_responses(304, 400, 401, 404, 429),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ChangesView(PublicReadView):
    """Incremental sync; see ``articles.api.sync``."""

    serializer_class = ChangesPageSerializer
    cacheable = False

    @extend_schema(
        summary="Changes since a cursor (incremental sync)",
        description="Every change to the public entries after `since`, oldest first: "
        "`upsert` carries the full entry (store it under its `id`), `delete` only its `id` and "
        "`slug` (drop it). Without `since`, every change from the start, which builds a "
        "mirror from nothing. Send `next` as `since` on the next request; while `has_more` "
        "is true, more changes are ready at once. Changes appear a few seconds after they "
        "happen, so that none committed late is ever skipped; a change may be seen twice, and "
        "applying it again is harmless.",
        parameters=[
            *LANGUAGE_PARAMETERS,
            OpenApiParameter("since", OpenApiTypes.STR, description="A `next` cursor."),
            OpenApiParameter(
                "page_size",
                whole_number_schema(maximum=settings.API_MAX_PAGE_SIZE),
                description="Changes per response: 1 to API_MAX_PAGE_SIZE (default PAGE_SIZE).",
            ),
            RETRY_AFTER,
        ],
        responses={200: ChangesPageSerializer, **error_responses(400, 401, 429)},
    )
    def get(self, request, *args, **kwargs):
        request_language(request)
        since = request.query_params.get("since")
        try:
            position = Position.decode(since) if since else None
        except InvalidCursor:
            raise ValidationError({"since": ["Malformed cursor; use a `next` value."]}) from None
        page = changes_after(position, limit=page_size_param(request))
        data = {"results": page.changes, "next": page.next.encode(), "has_more": page.has_more}
        return Response(self.get_serializer(data).data)
