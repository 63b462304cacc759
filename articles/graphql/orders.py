"""Entry ordering."""

from enum import Enum

import strawberry


@strawberry.enum(description="What entries are ordered by.")
class ArticleOrderField(Enum):
    PUBLISHED_AT = "published_at"
    UPDATED_AT = "updated_at"


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="Newest publication first unless told otherwise.")
class ArticleOrder:
    field: ArticleOrderField = ArticleOrderField.PUBLISHED_AT
    direction: SortDirection = SortDirection.DESC

    def as_order_by(self) -> tuple[str, str]:
        """The ``order_by`` fields; the id breaks ties so pages never overlap."""
        sign = "-" if self.direction is SortDirection.DESC else ""
        return (f"{sign}{self.field.value}", f"{sign}id")
