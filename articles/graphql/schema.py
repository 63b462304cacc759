"""Entries and vendors for frontends. Everything here is public: drafts never appear."""

import strawberry
from strawberry.types import Info
from strawberry_django.pagination import OffsetPaginationInput

from articles.graphql.enums import Language, request_language
from articles.graphql.filters import ArticleFilter
from articles.graphql.orders import ArticleOrder
from articles.graphql.types import (
    PAGINATION_DESCRIPTION,
    ArticlePage,
    ArticleType,
    PageRequest,
    VendorType,
    in_batch,
    with_page_data,
)
from articles.models import Article, Vendor
from articles.previews import article_for_preview
from articles.querysets import NEWEST_FIRST

PRIVATE = "private, no-store"
LANGUAGE_DESCRIPTION = (
    " `language` defaults to the request's Accept-Language, then the default language; "
    "nested fields answer in the same language."
)


@strawberry.type
class Query:
    @strawberry.field(
        description="A public entry by slug, else null. With a valid `previewToken` (created "
        "in the admin) for this entry, the entry in any state; the response is then "
        "`Cache-Control: private, no-store`. An invalid or expired token is ignored."
        + LANGUAGE_DESCRIPTION
    )
    def article(
        self,
        info: Info,
        slug: str,
        language: Language | None = None,
        preview_token: str | None = None,
    ) -> ArticleType | None:
        served = request_language(info, language)
        article = preview_token and article_for_preview(slug=slug, token=preview_token)
        if article:
            info.context.response.headers["Cache-Control"] = PRIVATE
        else:
            article = with_page_data(Article.objects.public()).filter(slug=slug).first()
        if article is None:
            return None
        return in_batch(ArticleType, [article], language=served)[0]

    @strawberry.field(
        description=(
            "Public entries, newest first unless `ordering` says otherwise. "
            + PAGINATION_DESCRIPTION
            + LANGUAGE_DESCRIPTION
        )
    )
    def articles(
        self,
        info: Info,
        filters: ArticleFilter | None = None,
        ordering: ArticleOrder | None = None,
        pagination: OffsetPaginationInput | None = None,
        language: Language | None = None,
    ) -> ArticlePage:
        served = request_language(info, language)
        page = PageRequest.from_input(pagination)
        queryset = Article.objects.public()
        if filters is not None:
            queryset = filters.apply(queryset, language=served)
        order_by = ordering.as_order_by() if ordering else NEWEST_FIRST
        return ArticlePage.of(queryset, ordering=order_by, page=page, language=served)

    @strawberry.field(description="A vendor by slug, else null." + LANGUAGE_DESCRIPTION)
    def vendor(self, info: Info, slug: str, language: Language | None = None) -> VendorType | None:
        served = request_language(info, language)
        vendor = Vendor.objects.prefetch_related("translations").filter(slug=slug).first()
        if vendor is None:
            return None
        return in_batch(VendorType, [vendor], language=served)[0]

    @strawberry.field(
        description="Every vendor by name, with its count of public entries." + LANGUAGE_DESCRIPTION
    )
    def vendors(self, info: Info, language: Language | None = None) -> list[VendorType]:
        served = request_language(info, language)
        vendors = Vendor.objects.with_public_counts().prefetch_related("translations")
        return in_batch(VendorType, vendors, language=served)
