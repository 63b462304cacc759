"""Entries and vendors for frontends. Everything here is public: drafts never appear.

Root fields return querysets built from the shared reads; ``DjangoOptimizerExtension`` shapes
them for the fields the query selects.
"""

import strawberry
import strawberry_django
from strawberry.types import Info
from strawberry_django.pagination import OffsetPaginationInput

from articles.graphql.enums import Language, serve_language
from articles.graphql.filters import ArticleFilter
from articles.graphql.orders import ArticleOrder
from articles.graphql.types import (
    PAGINATION_DESCRIPTION,
    ArticlePage,
    ArticleType,
    PageRequest,
    VendorType,
    filtered,
    ordered,
)
from articles.models import Article, Vendor
from articles.previews import article_for_preview

PRIVATE = "private, no-store"
LANGUAGE_DESCRIPTION = (
    " `language` defaults to the request's Accept-Language, then the default language; "
    "nested fields answer in the same language."
)


@strawberry.type
class Query:
    @strawberry_django.field(
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
        serve_language(info, language)
        preview = preview_token and article_for_preview(slug=slug, token=preview_token)
        if preview:
            info.context.response.headers["Cache-Control"] = PRIVATE
            return Article.objects.filter(pk=preview.pk)
        return Article.objects.public().filter(slug=slug)

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
        served = serve_language(info, language)
        page = PageRequest.from_input(pagination)
        return ArticlePage(
            page=page, queryset=ordered(filtered(filters, language=served), ordering)
        )

    @strawberry_django.field(description="A vendor by slug, else null." + LANGUAGE_DESCRIPTION)
    def vendor(self, info: Info, slug: str, language: Language | None = None) -> VendorType | None:
        serve_language(info, language)
        return Vendor.objects.filter(slug=slug).order_by("pk")

    @strawberry_django.field(
        description="Every vendor by name, with its count of public entries." + LANGUAGE_DESCRIPTION
    )
    def vendors(self, info: Info, language: Language | None = None) -> list[VendorType]:
        serve_language(info, language)
        return Vendor.objects.all()
