"""Entry ordering: the GraphQL face of ``selectors.ORDERINGS``."""

from enum import Enum

import strawberry

from articles.selectors import DEFAULT_ORDERING


@strawberry.enum(description="What entries are ordered by.")
class ArticleOrderField(Enum):
    PUBLISHED_AT = "published"
    UPDATED_AT = "updated"


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(
    description="Newest publication first unless told otherwise; ties are broken by id."
)
class ArticleOrder:
    field: ArticleOrderField = ArticleOrderField.PUBLISHED_AT
    direction: SortDirection = SortDirection.DESC


def ordering_key(ordering: ArticleOrder | None) -> str:
    """The selectors' name of the order (a key of ``selectors.ORDERINGS``)."""
    if ordering is None:
        return DEFAULT_ORDERING
    sign = "-" if ordering.direction is SortDirection.DESC else ""
    return sign + ordering.field.value
