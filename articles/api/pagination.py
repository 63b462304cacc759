"""Cursor pagination: pages stay stable while entries are added, and every bad paging value is
a 400 naming its parameter."""

import re

from django.conf import settings
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


def whole_number_param(request, name: str, *, default: int, maximum: int) -> int:
    """``?name=`` as a whole number from 1 to ``maximum``; ``default`` when absent."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= maximum:
        raise ValidationError({name: [f"Enter a whole number from 1 to {maximum}."]})
    return int(raw)


def whole_number_schema(*, maximum: int) -> dict:
    """The OpenAPI schema of a :func:`whole_number_param`."""
    return {"type": "integer", "minimum": 1, "maximum": maximum}


def page_size_param(request, *, name: str = "page_size") -> int:
    """The requested page size, 1 to ``settings.API_MAX_PAGE_SIZE``; the default without one."""
    return whole_number_param(
        request,
        name,
        default=settings.REST_FRAMEWORK["PAGE_SIZE"],
        maximum=settings.API_MAX_PAGE_SIZE,
    )


class StrictCursorPagination(CursorPagination):
    """The API's default pagination: newest rows first unless a subclass orders otherwise."""

    ordering = ("-id",)
    page_size_query_param = "page_size"
    page_size_query_description = "Entries per page: 1 to API_MAX_PAGE_SIZE (default PAGE_SIZE)."
    cursor_query_description = "The `next` or `previous` link's cursor; opaque."
    template = None

    def get_page_size(self, request):
        return page_size_param(request, name=self.page_size_query_param)

    def validate_query(self, request) -> None:
        """Raise the 400 a bad paging value gets, before any page is built."""
        self.get_page_size(request)
        self.decode_cursor(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = whole_number_schema(maximum=settings.API_MAX_PAGE_SIZE)
        return parameters

    def decode_cursor(self, request):
        invalid = ValidationError({self.cursor_query_param: ["Invalid cursor."]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise invalid from None
        if (
            cursor is not None
            and cursor.position is not None
            and not self.valid_position(cursor.position)
        ):
            raise invalid
        return cursor

    def valid_position(self, position: str) -> bool:
        return True

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page; null on the last page."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "results": schema,
            },
        }


ARTICLE_ORDERINGS = {
    "-published": ("-published_at", "-id"),
    "published": ("published_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
}


class ArticleCursorPagination(StrictCursorPagination):
    """Newest publication first by default; ``?ordering=`` picks another order."""

    ordering_query_param = "ordering"

    def validate_query(self, request) -> None:
        super().validate_query(request)
        self.get_ordering(request, None, None)

    def get_ordering(self, request, queryset, view):
        choice = request.query_params.get(self.ordering_query_param, "-published")
        if choice not in ARTICLE_ORDERINGS:
            raise ValidationError(
                {self.ordering_query_param: [f"Use one of: {', '.join(ARTICLE_ORDERINGS)}."]}
            )
        return ARTICLE_ORDERINGS[choice]

    def valid_position(self, position: str) -> bool:
        try:
            return parse_datetime(position) is not None
        except ValueError:
            return False

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": "Order of entries: by publication or update time, `-` for "
                "newest first.",
                "schema": {
                    "type": "string",
                    "enum": list(ARTICLE_ORDERINGS),
                    "default": "-published",
                },
            },
        ]


class VendorCursorPagination(StrictCursorPagination):
    ordering = ("slug",)
