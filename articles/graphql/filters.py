"""Entry filters: the GraphQL face of ``selectors.EntryFilter``, which decides every rule."""

from datetime import datetime

import strawberry

from articles.graphql.enums import ArticleKind
from articles.selectors import MAX_FILTER_VALUES, EntryFilter


@strawberry.input(
    description=(
        f"Narrows a list of entries; all given conditions must hold. Lists take up to "
        f"{MAX_FILTER_VALUES} values; times without an offset are UTC."
    )
)
class ArticleFilter:
    vendors: list[str] | None = strawberry.field(
        default=None, description="Vendor slugs; any of them. An unknown slug is an error."
    )
    kinds: list[ArticleKind] | None = strawberry.field(default=None, description="Any of them.")
    topics: list[str] | None = strawberry.field(
        default=None,
        description="Topic slugs; entries with any of them. An unknown slug is an error.",
    )
    published_after: datetime | None = strawberry.field(
        default=None, description="Published at or after this time."
    )
    published_before: datetime | None = strawberry.field(
        default=None, description="Published before this time."
    )
    updated_since: datetime | None = strawberry.field(
        default=None, description="Updated at or after this time."
    )
    search: str | None = strawberry.field(
        default=None,
        description=(
            "Search the entries' texts in the language served: words (other forms found "
            'too), "quoted phrases", -excluded words, `or` between terms (docs/graphql.md); '
            "at most 200 characters and 12 words."
        ),
    )
    has_scorecard: bool | None = strawberry.field(
        default=None, description="Only entries with (true) or without (false) a scorecard."
    )


def entry_filter(filters: ArticleFilter | None) -> EntryFilter:
    """The selectors' filter; raises ``InvalidRequest`` naming the condition refused."""
    if filters is None:
        return EntryFilter()
    return EntryFilter(
        vendors=tuple(filters.vendors or ()),
        kinds=tuple(kind.value for kind in filters.kinds or ()),
        topics=tuple(filters.topics or ()),
        published_after=filters.published_after,
        published_before=filters.published_before,
        updated_since=filters.updated_since,
        search=filters.search or "",
        has_scorecard=filters.has_scorecard,
    )
