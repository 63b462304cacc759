"""Entries, vendors and topics for frontends. Everything here is public: the root fields read
the live version through ``articles.selectors`` only (a valid preview token aside)."""

import strawberry
from strawberry_django.pagination import OffsetPaginationInput

from articles.graphql.enums import Language, serve_language
from articles.graphql.filters import ArticleFilter, entry_filter
from articles.graphql.keys import tag
from articles.graphql.loaders import reading, refusal
from articles.graphql.orders import ArticleOrder, ordering_key
from articles.graphql.types import (
    PAGINATION_DESCRIPTION,
    Article,
    ArticlePage,
    PageRequest,
    SearchHit,
    Topic,
    Vendor,
)
from articles.previews import preview_documents
from articles.selectors import (
    InvalidRequest,
    entry_count,
    entry_detail,
    entry_list,
    search_hits,
    stored_matches,
    topic_list,
    vendor_list,
)
from articles.surrogate_keys import (
    TOPICS_KEY,
    entries_key,
    entry_key,
    list_keys,
    vendor_key,
    vendors_key,
)

PRIVATE = "private, no-store"
LANGUAGE_DESCRIPTION = (
    " `language` defaults to the request's Accept-Language, then the default language; "
    "nested fields answer in the same language."
)


@strawberry.type
class Query:
    @strawberry.field(
        description="A public entry by slug, else null. With a valid `previewToken` (created "
        "in the admin) for this entry, the entry in any state, as it would go live now; the "
        "response is then `Cache-Control: private, no-store`. An invalid or expired token is "
        "ignored." + LANGUAGE_DESCRIPTION
    )
    async def article(
        self,
        info: strawberry.Info,
        slug: str,
        language: Language | None = None,
        preview_token: str | None = None,
    ) -> Article | None:
        served = serve_language(info, language)
        if preview_token:
            preview = await reading(preview_documents)(slug=slug, token=preview_token)
            if preview is not None:
                info.context.response.headers["Cache-Control"] = PRIVATE
                [article] = Article.from_documents([(preview.vendor_id, preview.documents[served])])
                return article
        found = await reading(entry_detail)(slug=slug, language=served)
        if found is None:
            tag(info, entries_key(served))  # publishing an entry purges the lists' keys
            return None
        tag(info, entry_key(found.entry_id))
        [article] = Article.from_documents([(found.vendor_id, found.document)])
        return article

    @strawberry.field(
        description=(
            "Public entries, newest first unless `ordering` says otherwise; a search "
            "(`filters.search`) without `ordering` comes most relevant first, each entry with "
            "its `search`. " + PAGINATION_DESCRIPTION + LANGUAGE_DESCRIPTION
        )
    )
    async def articles(
        self,
        info: strawberry.Info,
        filters: ArticleFilter | None = None,
        ordering: ArticleOrder | None = None,
        pagination: OffsetPaginationInput | None = None,
        language: Language | None = None,
    ) -> ArticlePage:
        served = serve_language(info, language)
        page = PageRequest.from_input(pagination)
        try:
            wanted = entry_filter(filters)
            documents = await reading(entry_list)(
                wanted, language=served, ordering=ordering and ordering_key(ordering)
            )
        except InvalidRequest as error:
            raise refusal(error, "filters.") from error
        tag(
            info,
            *list_keys(
                language=served,
                vendors=wanted.vendors,
                topics=wanted.topics,
                search=bool(wanted.search_query),
            ),
        )
        # A search's page is read as document ids, then its documents (``stored_matches``).
        read = ("pk", "search_score") if wanted.search_query else ("document",)
        rows = documents[page.offset : page.offset + page.limit].values_list("vendor_id", *read)

        async def entries():
            found = await reading(list)(rows)
            if not wanted.search_query:
                return Article.from_documents(found)
            stored = await reading(stored_matches)([row[1] for row in found])
            found = [row for row in found if row[1] in stored]
            articles = Article.from_documents([(row[0], stored[row[1]].document) for row in found])
            hits = await reading(search_hits)(
                wanted,
                language=served,
                matches=[stored[row[1]] for row in found],
                scores=[row[2] for row in found],
            )
            for article, hit in zip(articles, hits, strict=True):
                article.search = SearchHit(score=hit.score, snippet=hit.snippet)
            return articles

        def count():
            return reading(entry_count)(wanted, documents)

        return ArticlePage(page=page, count=count, entries=entries)

    @strawberry.field(description="A vendor by slug, else null." + LANGUAGE_DESCRIPTION)
    async def vendor(
        self, info: strawberry.Info, slug: str, language: Language | None = None
    ) -> Vendor | None:
        served = serve_language(info, language)
        tag(info, vendor_key(slug))
        views = await reading(vendor_list)(language=served, slugs=[slug])
        return Vendor.from_view(views[0]) if views else None

    @strawberry.field(
        description="Every vendor by name, with its count of public entries." + LANGUAGE_DESCRIPTION
    )
    async def vendors(
        self, info: strawberry.Info, language: Language | None = None
    ) -> list[Vendor]:
        served = serve_language(info, language)
        tag(info, vendors_key(served))
        views = await reading(vendor_list)(language=served)
        return [Vendor.from_view(view) for view in sorted(views, key=lambda v: v.vendor.name)]

    @strawberry.field(description="The topics of public entries, by name, with their counts.")
    async def topics(self, info: strawberry.Info) -> list[Topic]:
        tag(info, TOPICS_KEY)
        found = await reading(topic_list)()
        return [Topic(name=t.name, slug=t.slug, count=t.public_article_count) for t in found]
