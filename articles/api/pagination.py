"""Paging of the public lists: keyset cursors over the order a list is read in (pages neither
repeat nor skip rows while rows are added), the one page-size policy, and how both appear in
the OpenAPI document."""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination

from articles import selectors


def whole_number(name: str, raw: str | None, *, default: int, maximum: int) -> int:
    """``raw`` as a whole number from 1 to ``maximum`` (``selectors.valid_limit``); the
    default when absent. Refused with ``InvalidRequest`` naming ``name``."""
    if raw is not None and not re.fullmatch(r"[0-9]{1,6}", raw):
        raise selectors.InvalidRequest({name: [f"Enter a whole number from 1 to {maximum}."]})
    value = None if raw is None else int(raw)
    return selectors.valid_limit(name, value, default=default, maximum=maximum)


def whole_number_schema(*, maximum: int) -> dict:
    """The OpenAPI schema of a :func:`whole_number`."""
    return {"type": "integer", "minimum": 1, "maximum": maximum}


def page_size(raw: str | None) -> int:
    """``page_size``: 1 to ``API_MAX_PAGE_SIZE``, ``PAGE_SIZE`` by default."""
    return whole_number(
        "page_size",
        raw,
        default=settings.REST_FRAMEWORK["PAGE_SIZE"],
        maximum=settings.API_MAX_PAGE_SIZE,
    )


@dataclass(frozen=True)
class Cursor:
    """A place in a list: the ordering values of a row, and which way to read from it."""

    keys: tuple
    backwards: bool = False

    def encode(self) -> str:
        keys = [key.isoformat() if isinstance(key, datetime) else key for key in self.keys]
        raw = json.dumps([int(self.backwards), *keys]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, raw: str, shape: tuple[type, ...]) -> "Cursor":
        """A cursor for a list whose ordering values have the types ``shape``; refused with
        ``InvalidRequest`` naming ``cursor``."""
        invalid = selectors.InvalidRequest(
            {"cursor": ["Invalid cursor; use a `next` or `previous` link as it is."]}
        )
        try:
            backwards, *keys = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
            keys = [_key(kind, key) for kind, key in zip(shape, keys, strict=True)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise invalid from None
        if backwards not in (0, 1):
            raise invalid
        return cls(tuple(keys), bool(backwards))


def _key(kind: type, value):
    if kind is datetime:
        moment = parse_datetime(value)
        if moment is None:
            raise ValueError(value)
        return selectors.valid_time("cursor", moment)
    if type(value) is not kind:
        raise TypeError(value)
    if kind is str and "\x00" in value:  # text no database compares (PostgreSQL refuses it)
        raise ValueError(value)
    return value


def links(page: selectors.Page, cursor: Cursor | None) -> tuple[Cursor | None, Cursor | None]:
    """The cursors of the pages after and before ``page``, read from ``cursor``."""
    if not page.keys:
        return None, None
    backwards = cursor is not None and cursor.backwards
    has_next = True if backwards else page.more
    has_previous = page.more if backwards else cursor is not None
    return (
        Cursor(page.keys[-1]) if has_next else None,
        Cursor(page.keys[0], backwards=True) if has_previous else None,
    )


# --- The OpenAPI description ------------------------------------------------------------------


class KeysetPagination(BasePagination):
    """How the public lists page, for the OpenAPI document (the views page through
    ``articles.selectors``)."""

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "The cursor of a `next` or `previous` link; opaque.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "Items per page: 1 to API_MAX_PAGE_SIZE (default PAGE_SIZE).",
                "schema": whole_number_schema(maximum=settings.API_MAX_PAGE_SIZE),
            },
        ]

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


class ArticlePagination(KeysetPagination):
    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "ordering",
                "required": False,
                "in": "query",
                "description": "Order of entries: by publication or update time, `-` for "
                "newest first. A search (`q`) without it comes most relevant first.",
                "schema": {
                    "type": "string",
                    "enum": list(selectors.ORDERINGS),
                    "default": selectors.DEFAULT_ORDERING,
                },
            },
        ]


class StrictCursorPagination(CursorPagination):
    """The project's default for generic list views (``DEFAULT_PAGINATION_CLASS``): DRF's
    cursor pagination with the one page-size policy and a 400 for a damaged cursor."""

    ordering = ("-id",)
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        try:
            return page_size(request.query_params.get(self.page_size_query_param))
        except selectors.InvalidRequest as refused:
            raise ValidationError(refused.errors) from None

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from None
