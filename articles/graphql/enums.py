"""Enums and the language a request is answered in."""

from enum import Enum

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from articles.choices import ArticleKind as ArticleKindChoices
from articles.choices import NoteKind as NoteKindChoices
from kernel.graphql_language import Language
from kernel.languages import UnsupportedLanguage, default_language, negotiate_language

ArticleKind = strawberry.enum(
    Enum("ArticleKind", {kind.name: kind.value for kind in ArticleKindChoices}),
    description="What kind of release an entry covers.",
)

NoteKind = strawberry.enum(
    Enum("NoteKind", {kind.name: kind.value for kind in NoteKindChoices}),
    description="What a note on an entry tells readers.",
)


def request_language(info: Info, language: Language | None) -> str:
    """The explicit argument, else the request's Accept-Language, else the default language."""
    request = getattr(info.context, "request", None)
    accept_language = request.headers.get("Accept-Language") if request is not None else None
    try:
        return negotiate_language(language.value if language else None, accept_language)
    except UnsupportedLanguage as error:
        raise GraphQLError(str(error)) from error


def root_field_key(info) -> str:
    """The response key (alias or name) of the root field a resolver runs under."""
    path = info.path
    while path.prev is not None:
        path = path.prev
    return path.key


def served_languages(info) -> dict[str, str]:
    """The language each root field of this request answers in, by response key."""
    return vars(info.context).setdefault("served_languages", {})


def serve_language(info: Info, language: Language | None) -> str:
    """Negotiate a root field's language; every field nested under it answers in it."""
    served = request_language(info, language)
    served_languages(info)[root_field_key(info)] = served
    return served


def served_language(info) -> str:
    """The language of the root field this nested field belongs to."""
    return served_languages(info).get(root_field_key(info), default_language())
