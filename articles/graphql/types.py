"""GraphQL types for entries and vendors.

Each object carries the language it is served in, so nested fields (vendor description,
more from this vendor, a vendor's entries) answer in the language the root field resolved.
Sibling objects of one list share a :class:`Batch`: the first sibling that resolves a nested
list loads it for all of them at once, so a list costs the same number of queries whatever
its length.
"""

from collections.abc import Callable
from enum import Enum

import strawberry
from django.conf import settings
from graphql import GraphQLError
from strawberry.types import Info

from articles.choices import ArticleKind as ArticleKindChoices
from articles.models import Vendor
from cms.languages import UnsupportedLanguage, negotiate_language

Language = strawberry.enum(
    Enum("Language", {code.upper(): code for code, _name in settings.LANGUAGES}),
    description="A content language. Readers get the default language when theirs is missing.",
)
ArticleKind = strawberry.enum(
    Enum("ArticleKind", {kind.name: kind.value for kind in ArticleKindChoices}),
    description="What kind of release an entry covers.",
)


def request_language(info: Info, language: Language | None) -> str:
    """The explicit argument, else the request's Accept-Language, else the default language."""
    request = getattr(info.context, "request", None)
    accept_language = request.headers.get("Accept-Language") if request is not None else None
    try:
        return negotiate_language(language.value if language else None, accept_language)
    except UnsupportedLanguage as error:
        raise GraphQLError(str(error)) from error


class Batch:
    """Objects resolved side by side; nested lists are loaded once for all of them."""

    def __init__(self):
        self.members: list = []
        self._loaded: dict = {}

    def load(self, key, loader: Callable[[list], object]):
        if key not in self._loaded:
            self._loaded[key] = loader(self.members)
        return self._loaded[key]


def in_batch(cls, objects, **fields):
    """Wrap model ``objects`` in ``cls``, all sharing one new batch."""
    batch = Batch()
    batch.members = [cls(obj=obj, batch=batch, **fields) for obj in objects]
    return batch.members


def load_public_counts(vendors: list["VendorType"]) -> dict[int, int]:
    ids = [vendor.obj.pk for vendor in vendors]
    counted = Vendor.objects.with_public_counts().filter(pk__in=ids)
    return dict(counted.values_list("pk", "public_article_count"))


@strawberry.type(name="Vendor", description=Vendor.__doc__)
class VendorType:
    obj: strawberry.Private[Vendor]
    language: strawberry.Private[str]
    batch: strawberry.Private[Batch]

    @strawberry.field
    def slug(self) -> str:
        return self.obj.slug

    @strawberry.field
    def name(self) -> str:
        return self.obj.name

    @strawberry.field
    def website(self) -> str:
        return self.obj.website

    @strawberry.field(
        description="One line about the vendor, in the requested language (else the default)."
    )
    def description(self) -> str | None:
        translation = self.obj.translation(self.language).translation
        return translation.description if translation else None

    @strawberry.field(description="How many public entries the vendor has.")
    def article_count(self) -> int:
        annotated = getattr(self.obj, "public_article_count", None)
        if annotated is not None:
            return annotated
        return self.batch.load("article_count", load_public_counts).get(self.obj.pk, 0)
