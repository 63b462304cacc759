"""GraphQL types over the live version.

An ``Article`` is made in one place only, ``Article.from_documents``, from the stored
documents (the JSON of ``LiveDocument.document``, the REST shape) that the selectors return,
or that a valid preview token builds from the working copy with the publishing code. Every
field reads that document, so no field, present or future, can reach an entry the selectors
did not return. Nested lists and the vendor's own data load through per-request DataLoaders
(``articles.graphql.loaders``): one query per field and set of arguments for a whole list.

Nested fields answer in the language of their root field (see ``served_language``).
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import orjson
import strawberry
from django.conf import settings
from strawberry.scalars import JSON
from strawberry_django.pagination import OffsetPaginationInfo, OffsetPaginationInput

from articles.graphql import loaders
from articles.graphql.enums import ArticleKind, Language, served_language
from articles.graphql.filters import ArticleFilter, entry_filter
from articles.graphql.images import Image
from articles.graphql.keys import tag
from articles.graphql.loaders import refusal
from articles.graphql.notes import EntryNote
from articles.graphql.orders import ArticleOrder, ordering_key
from articles.graphql.scorecards import Scorecard
from articles.selectors import (
    MORE_FROM_VENDOR_DEFAULT,
    MORE_FROM_VENDOR_MAX,
    InvalidRequest,
    VendorView,
    valid_limit,
    valid_offset,
)
from articles.surrogate_keys import topic_key, vendor_key

PAGINATION_DESCRIPTION = (
    "Offset pagination: `pagination: {offset, limit}`; `limit` is 1 to GRAPHQL.MAX_PAGE_SIZE "
    "(default GRAPHQL.DEFAULT_PAGE_SIZE), anything else an error, never a silent clamp. Offsets "
    "suit the frontends' numbered pages and `totalCount`; entries arrive a few a day, ordered "
    "by time, so a page shifting between two requests is rare and harmless."
)


@dataclass(frozen=True)
class PageRequest:
    offset: int
    limit: int

    @classmethod
    def from_input(cls, pagination: OffsetPaginationInput | None) -> "PageRequest":
        maximum = settings.GRAPHQL["MAX_PAGE_SIZE"]
        # An input without ``limit`` holds strawberry's UNSET there: the default applies.
        limit = (
            None if pagination is None or pagination.limit is strawberry.UNSET else pagination.limit
        )
        try:
            return cls(
                offset=valid_offset("pagination.offset", pagination and pagination.offset),
                limit=valid_limit(
                    "pagination.limit",
                    limit,
                    default=min(settings.GRAPHQL["DEFAULT_PAGE_SIZE"], maximum),
                    maximum=maximum,
                ),
            )
        except InvalidRequest as error:
            raise refusal(error) from error


@strawberry.type(description="A subject entries are listed under.")
class Topic:
    name: str
    slug: str
    count: strawberry.Private[int | None] = None

    @strawberry.field(description="How many public entries have this topic.")
    async def article_count(self, info: strawberry.Info) -> int:
        if self.count is not None:
            return self.count
        tag(info, topic_key(self.slug))
        return await loaders.topic_counts(info).load(self.slug)


@strawberry.type(description="An entry's texts in one language.")
class ArticleTranslation:
    language: Language = strawberry.field(description="The language served.")
    requested_language: Language = strawberry.field(description="The language asked for.")
    fallback: bool = strawberry.field(description="True when the requested language was missing.")
    title: str
    summary: str
    audience: str = strawberry.field(
        description='Who should care, e.g. "Relevant if you build with AI tools."'
    )
    body_markdown: str = strawberry.field(description="The body as Markdown.")
    body_html: str = strawberry.field(description="The body as sanitised HTML.")

    @classmethod
    def from_document(cls, document: dict) -> "ArticleTranslation | None":
        if document["language"] is None:
            return None
        return cls(
            language=Language(document["language"]),
            requested_language=Language(document["requested_language"]),
            fallback=document["fallback"],
            title=document["title"],
            summary=document["summary"],
            audience=document["audience"],
            body_markdown=document["body"],
            body_html=document["body_html"],
        )


@strawberry.type(description="Why an entry is in the results of a search.")
class SearchHit:
    score: float = strawberry.field(
        description="Relevance, higher is better; compare within one list only."
    )
    snippet: str = strawberry.field(
        description="HTML: a passage of the entry with the words searched for in `<mark>`, "
        "the rest escaped."
    )


@strawberry.type(description="One page of entries, and how many there are in all.")
class ArticlePage:
    page: strawberry.Private[PageRequest]
    count: strawberry.Private[Callable[[], Awaitable[int]]]
    entries: strawberry.Private[Callable[[], Awaitable[list["Article"]]]]

    @strawberry.field(description="How many entries match, over all pages.")
    async def total_count(self) -> int:
        return await self.count()

    @strawberry.field(description="The offset and the limit applied.")
    def page_info(self) -> OffsetPaginationInfo:
        return OffsetPaginationInfo(offset=self.page.offset, limit=self.page.limit)

    @strawberry.field(description="The entries on this page.")
    async def results(self) -> list["Article"]:
        return await self.entries()


@strawberry.type(
    description="An AI company whose releases the desk covers (OpenAI, Anthropic, Google, ...)."
)
class Vendor:
    slug: str
    name: str
    vendor_id: strawberry.Private[int]
    known: strawberry.Private[VendorView | None] = None
    logo_data: strawberry.Private[dict | None] = None

    @strawberry.field(
        description="The vendor's mark, with its alt text in the served language; null "
        "without one, or until its renditions are ready."
    )
    def logo(self) -> Image | None:
        return Image.from_dict(self.logo_data)

    @classmethod
    def from_view(cls, view: VendorView) -> "Vendor":
        vendor = view.vendor
        return cls(
            slug=vendor.slug,
            name=vendor.name,
            vendor_id=vendor.pk,
            known=view,
            logo_data=view.logo,
        )

    async def view(self, info) -> VendorView:
        """The vendor's own data (an entry's document carries only its slug and name)."""
        tag(info, vendor_key(self.slug))
        if self.known is not None:
            return self.known
        return await loaders.vendors(info, language=served_language(info)).load(self.slug)

    @strawberry.field
    async def website(self, info: strawberry.Info) -> str:
        return (await self.view(info)).vendor.website

    @strawberry.field(description="How many public entries the vendor has.")
    async def article_count(self, info: strawberry.Info) -> int:
        return (await self.view(info)).public_article_count

    @strawberry.field(
        description="One line about the vendor, in the requested language (else the default)."
    )
    async def description(self, info: strawberry.Info) -> str | None:
        translation = (await self.view(info)).resolved.translation
        return translation.description if translation else None

    @strawberry.field(
        description=(
            "The vendor's public entries, filtered and ordered like `articles`. "
            + PAGINATION_DESCRIPTION
        )
    )
    def articles(
        self,
        info: strawberry.Info,
        filters: ArticleFilter | None = None,
        ordering: ArticleOrder | None = None,
        pagination: OffsetPaginationInput | None = None,
    ) -> ArticlePage:
        page = PageRequest.from_input(pagination)
        try:
            wanted = entry_filter(filters)
        except InvalidRequest as error:
            raise refusal(error, "filters.") from error
        language = served_language(info)
        tag(info, vendor_key(self.slug))

        async def load(loader):
            try:
                return await loader.load(self.vendor_id)
            except InvalidRequest as error:  # an unknown vendor or topic slug
                raise refusal(error, "filters.") from error

        async def count():
            return await load(loaders.vendor_totals(info, wanted, language=language))

        async def entries():
            documents = await load(
                loaders.vendor_pages(
                    info,
                    wanted,
                    language=language,
                    ordering=ordering_key(ordering),
                    offset=page.offset,
                    limit=page.limit,
                )
            )
            return Article.from_documents((self.vendor_id, document) for document in documents)

        return ArticlePage(page=page, count=count, entries=entries)


@strawberry.type(description="A curated entry about something an AI vendor shipped.")
class Article:
    id: int = strawberry.field(
        description="The entry's number, as the REST API and its change feed give it."
    )
    slug: str
    vendor: Vendor
    source_url: str = strawberry.field(description="The original source.")
    topics: list[Topic]
    published_at: datetime = strawberry.field(description="When the entry was published.")
    updated_at: datetime = strawberry.field(
        description="When what the public sees of the entry last changed, however little: "
        "what mirrors sync on."
    )
    modified_at: datetime = strawberry.field(
        description="The last significant change or note: the date to show readers "
        "(schema.org dateModified). Typo fixes do not move it."
    )
    scorecard: Scorecard | None = strawberry.field(
        description="The safety scorecard of a model release, if it has one."
    )
    kind: ArticleKind
    authors: list[str] = strawberry.field(description="Authors of the source.")
    translation: ArticleTranslation | None = strawberry.field(
        description=(
            "The texts in the requested language, else the default language (`fallback` is "
            "then true). Null only for an entry without texts in either."
        )
    )
    available_languages: list[Language] = strawberry.field(
        description="Languages the entry has texts in."
    )
    signals: list[str] = strawberry.field(
        description=(
            'The quick editorial signal ("why this matters"), in order, in the language the '
            "texts are served in."
        )
    )
    notes: list[EntryNote] = strawberry.field(
        description="Corrections, clarifications and updates, oldest first."
    )
    structured_data: JSON = strawberry.field(
        description="schema.org NewsArticle JSON-LD for the entry in the served language. To "
        "embed it yourself, serialise it with <, > and & escaped (\\u003c, \\u003e, \\u0026), "
        "or use `structuredDataScript`."
    )
    structured_data_script: str = strawberry.field(
        description="`structuredData` as JSON text with <, > and & escaped: the content of a "
        '<script type="application/ld+json"> in the page head, to embed as it is.'
    )
    image: Image | None = strawberry.field(
        description="The entry's image with its caption, in the requested language."
    )
    vendor_id: strawberry.Private[int]
    search: SearchHit | None = strawberry.field(
        default=None,
        description="In the results of `articles(filters: {search: ...})`: why the entry "
        "matched; null elsewhere.",
    )

    @classmethod
    def from_documents(cls, rows: Iterable[tuple[int, str | dict]]) -> list["Article"]:
        """The one way to make an ``Article``: ``rows`` are (vendor id, document) pairs as a
        selector returned them (the document as stored JSON), or a preview's documents."""
        return [cls._from_document(vendor_id, document) for vendor_id, document in rows]

    @classmethod
    def _from_document(cls, vendor_id: int, document: str | dict) -> "Article":
        if not isinstance(document, dict):
            document = orjson.loads(document)
        vendor = document["vendor"]
        return cls(
            id=document["id"],
            slug=document["slug"],
            vendor=Vendor(
                slug=vendor["slug"],
                name=vendor["name"],
                vendor_id=vendor_id,
                logo_data=vendor.get("logo"),
            ),
            source_url=document["source_url"],
            topics=[Topic(name=t["name"], slug=t["slug"]) for t in document["topics"]],
            published_at=datetime.fromisoformat(document["published_at"]),
            updated_at=datetime.fromisoformat(document["updated_at"]),
            modified_at=datetime.fromisoformat(document["modified_at"]),
            scorecard=Scorecard.from_dict(document["scorecard"]),
            kind=ArticleKind(document["kind"]),
            authors=document["authors"],
            translation=ArticleTranslation.from_document(document),
            available_languages=[Language(code) for code in document["available_languages"]],
            signals=document["signals"],
            notes=[EntryNote.from_dict(note) for note in document["notes"]],
            structured_data=document["structured_data"],
            structured_data_script=document["structured_data_script"],
            image=Image.from_dict(document.get("image")),
            vendor_id=vendor_id,
        )

    @strawberry.field(
        description=(
            f"The vendor's other public entries, newest first: `limit` is 1 to "
            f"{MORE_FROM_VENDOR_MAX}, anything else an error. Loaded for a whole list of "
            "entries in one query per limit."
        )
    )
    async def more_from_vendor(
        self, info: strawberry.Info, limit: int = MORE_FROM_VENDOR_DEFAULT
    ) -> list["Article"]:
        try:
            limit = valid_limit(
                "limit", limit, default=MORE_FROM_VENDOR_DEFAULT, maximum=MORE_FROM_VENDOR_MAX
            )
        except InvalidRequest as error:
            raise refusal(error) from error
        tag(info, vendor_key(self.vendor.slug))
        loader = loaders.more_from_vendor(info, language=served_language(info), limit=limit)
        documents = await loader.load((self.id, self.vendor_id))
        return Article.from_documents((self.vendor_id, document) for document in documents)
