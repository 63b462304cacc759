"""Entry filters: a GraphQL face of the shared queryset filters."""

from datetime import UTC, datetime

import strawberry
from django.utils import timezone
from graphql import GraphQLError

from articles.graphql.enums import ArticleKind
from articles.querysets import ArticleQuerySet

MAX_VALUES = 50
MAX_SEARCH_LENGTH = 200


def aware(moment: datetime | None) -> datetime | None:
    """A time without an offset is read as UTC."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, UTC)


@strawberry.input(
    description=(
        f"Narrows a list of entries; all given conditions must hold. Lists take up to "
        f"{MAX_VALUES} values; times without an offset are UTC."
    )
)
class ArticleFilter:
    vendors: list[str] | None = strawberry.field(
        default=None, description="Vendor slugs; any of them."
    )
    kinds: list[ArticleKind] | None = strawberry.field(default=None, description="Any of them.")
    topics: list[str] | None = strawberry.field(
        default=None, description="Topic slugs; entries with any of them."
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
            "Text in the title or summary, in the language served to the reader (case-insensitive)."
        ),
    )
    has_scorecard: bool | None = strawberry.field(
        default=None, description="Only entries with (true) or without (false) a scorecard."
    )

    def validate(self):
        for name in ("vendors", "kinds", "topics"):
            if len(getattr(self, name) or ()) > MAX_VALUES:
                raise GraphQLError(f"filters.{name} takes at most {MAX_VALUES} values.")
        if self.search and len(self.search) > MAX_SEARCH_LENGTH:
            raise GraphQLError(f"filters.search takes at most {MAX_SEARCH_LENGTH} characters.")

    def apply(self, queryset: ArticleQuerySet, *, language: str) -> ArticleQuerySet:
        self.validate()
        if self.vendors is not None:
            queryset = queryset.for_vendors(self.vendors)
        if self.kinds is not None:
            queryset = queryset.of_kinds([kind.value for kind in self.kinds])
        if self.topics is not None:
            queryset = queryset.with_topics(self.topics)
        if self.published_after is not None or self.published_before is not None:
            queryset = queryset.published_between(
                after=aware(self.published_after), before=aware(self.published_before)
            )
        if self.updated_since is not None:
            queryset = queryset.updated_since(aware(self.updated_since))
        if self.search and self.search.strip():
            queryset = queryset.search(self.search.strip(), language=language)
        if self.has_scorecard is not None:
            queryset = queryset.with_scorecard(self.has_scorecard)
        return queryset
