"""GraphQL types for entries, vendors and scorecards.

Each object carries the language it is served in, so nested fields (vendor description, more
from this vendor, a vendor's entries) answer in the language the root field resolved.
Objects resolved side by side share a :class:`Batch`: the first of them to resolve a nested
list loads it for all of them at once, so a list costs the same number of SQL queries
whatever its length.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import strawberry
from django.conf import settings
from django.db.models import Count
from graphql import GraphQLError
from strawberry_django.pagination import OffsetPaginationInfo, OffsetPaginationInput

from articles import models
from articles.graphql.enums import ArticleKind, Language
from articles.graphql.filters import ArticleFilter
from articles.graphql.orders import ArticleOrder
from articles.querysets import NEWEST_FIRST
from cms.languages import Resolved

MORE_FROM_VENDOR_MAX = 12

PAGINATION_DESCRIPTION = (
    "Offset pagination: `pagination: {offset, limit}`; `limit` defaults to "
    "GRAPHQL.DEFAULT_PAGE_SIZE and may not exceed GRAPHQL.MAX_PAGE_SIZE (an error, not a silent "
    "clamp). Offsets suit the frontends' numbered pages and `totalCount`; entries arrive a few "
    "a day, ordered by time, so a page shifting between two requests is rare and harmless."
)


class Batch:
    """Objects resolved side by side; a nested list is loaded once for all of them."""

    def __init__(self):
        self.members: list = []
        self._loaded: dict = {}

    def load(self, key, loader: Callable[[list], object]):
        if key not in self._loaded:
            self._loaded[key] = loader(self.members)
        return self._loaded[key]


def in_batch(cls, objects, *, language: str) -> list:
    """Wrap model ``objects`` in ``cls``, all sharing one new batch."""
    batch = Batch()
    batch.members = [cls(obj=obj, language=language, batch=batch) for obj in objects]
    return batch.members


def with_page_data(queryset):
    """An entry page's data, plus what the GraphQL vendor shows (its description)."""
    return queryset.with_page_data().prefetch_related("vendor__translations")


@dataclass(frozen=True)
class PageRequest:
    offset: int
    limit: int

    @classmethod
    def from_input(cls, pagination: OffsetPaginationInput | None) -> "PageRequest":
        maximum = settings.GRAPHQL["MAX_PAGE_SIZE"]
        offset = pagination.offset if pagination else 0
        limit = pagination.limit if pagination and pagination.limit is not None else None
        if limit is None:
            limit = min(settings.GRAPHQL["DEFAULT_PAGE_SIZE"], maximum)
        if offset < 0:
            raise GraphQLError("pagination.offset must be 0 or more.")
        if not 0 <= limit <= maximum:
            raise GraphQLError(f"pagination.limit must be between 0 and {maximum}.")
        return cls(offset=offset, limit=limit)


@strawberry.type(description="One page of entries, and how many there are in all.")
class ArticlePage:
    page: strawberry.Private[PageRequest]
    count: strawberry.Private[Callable[[], int]]
    load_results: strawberry.Private[Callable[[], list["ArticleType"]]]

    @strawberry.field(description="How many entries match, over all pages.")
    def total_count(self) -> int:
        return self.count()

    @strawberry.field(description="The offset and the limit applied.")
    def page_info(self) -> OffsetPaginationInfo:
        return OffsetPaginationInfo(offset=self.page.offset, limit=self.page.limit)

    @strawberry.field(description="The entries on this page.")
    def results(self) -> list["ArticleType"]:
        return self.load_results()

    @classmethod
    def of(cls, queryset, *, ordering: tuple, page: PageRequest, language: str) -> "ArticlePage":
        def load_results():
            entries = with_page_data(queryset.order_by(*ordering))
            return in_batch(
                ArticleType, entries[page.offset : page.offset + page.limit], language=language
            )

        return cls(page=page, count=queryset.count, load_results=load_results)


@strawberry.type(name="Topic")
class TopicType:
    name: str
    slug: str


@strawberry.type(
    name="RiskLevel",
    description=(
        "One step of a framework's ordered scale; rank 0 is the lowest risk. An object rather "
        "than an enum because each framework defines its own scale as data: another vendor's "
        "framework works without a schema change. Compare levels of one framework by rank."
    ),
)
class RiskLevelType:
    name: str
    rank: int


@strawberry.type(name="RiskFramework", description="A vendor's safety framework.")
class RiskFrameworkType:
    obj: strawberry.Private[models.RiskFramework]

    @strawberry.field
    def name(self) -> str:
        return self.obj.name

    @strawberry.field
    def url(self) -> str:
        return self.obj.url

    @strawberry.field(description="The framework's levels, lowest risk first.")
    def scale(self) -> list[RiskLevelType]:
        return [RiskLevelType(name=level.name, rank=level.rank) for level in self.obj.levels.all()]

    @strawberry.field(description="The highest post-mitigation level that may be deployed.")
    def deploy_threshold(self) -> RiskLevelType | None:
        return level_or_none(self.obj.deploy_threshold)

    @strawberry.field(
        description="The highest post-mitigation level that may be developed further."
    )
    def develop_threshold(self) -> RiskLevelType | None:
        return level_or_none(self.obj.develop_threshold)


def level_or_none(level) -> RiskLevelType | None:
    return RiskLevelType(name=level.name, rank=level.rank) if level is not None else None


@strawberry.type(name="ScorecardRating", description="A category's rating.")
class ScorecardRatingType:
    obj: strawberry.Private[models.ScorecardRating]

    @strawberry.field(description="The risk category, e.g. CBRN.")
    def category(self) -> str:
        return self.obj.category.name

    @strawberry.field
    def pre_mitigation(self) -> RiskLevelType:
        return level_or_none(self.obj.pre_mitigation)

    @strawberry.field(description="Null when nothing mitigated the category.")
    def post_mitigation(self) -> RiskLevelType | None:
        return level_or_none(self.obj.post_mitigation)


@strawberry.type(name="RiskArea")
class RiskAreaType:
    name: str
    slug: str


@strawberry.type(name="Scorecard", description="A model release's rating under a framework.")
class ScorecardType:
    obj: strawberry.Private[models.Scorecard]

    @strawberry.field
    def framework(self) -> RiskFrameworkType:
        return RiskFrameworkType(obj=self.obj.framework)

    @strawberry.field(
        description="The headline rating: the highest post-mitigation category rating."
    )
    def overall(self) -> RiskLevelType | None:
        return level_or_none(self.obj.summary.overall)

    @strawberry.field(description="The highest pre-mitigation category rating.")
    def overall_pre_mitigation(self) -> RiskLevelType | None:
        return level_or_none(self.obj.summary.overall_pre_mitigation)

    @strawberry.field(description="Whether the framework allows deploying the model.")
    def may_deploy(self) -> bool:
        return self.obj.summary.may_deploy

    @strawberry.field(description="Whether the framework allows developing the model further.")
    def may_develop(self) -> bool:
        return self.obj.summary.may_develop

    @strawberry.field(description="Per category, in the framework's order.")
    def ratings(self) -> list[ScorecardRatingType]:
        return [
            ScorecardRatingType(obj=rating) for rating in self.obj.article.scorecard_ratings.all()
        ]

    @strawberry.field(description="Specific areas of risk the system card covers.")
    def risk_areas(self) -> list[RiskAreaType]:
        return [RiskAreaType(name=a.name, slug=a.slug) for a in self.obj.risk_areas.all()]


@strawberry.type(name="ArticleTranslation", description="An entry's texts in one language.")
class ArticleTranslationType:
    resolved: strawberry.Private[Resolved[models.ArticleTranslation]]

    @property
    def obj(self) -> models.ArticleTranslation:
        return self.resolved.translation

    @strawberry.field(description="The language served.")
    def language(self) -> Language:
        return Language(self.resolved.served)

    @strawberry.field(description="The language asked for.")
    def requested_language(self) -> Language:
        return Language(self.resolved.requested)

    @strawberry.field(description="True when the requested language was missing.")
    def fallback(self) -> bool:
        return self.resolved.fell_back

    @strawberry.field
    def title(self) -> str:
        return self.obj.title

    @strawberry.field
    def summary(self) -> str:
        return self.obj.summary

    @strawberry.field(description='Who should care, e.g. "Relevant if you build with AI tools."')
    def audience(self) -> str:
        return self.obj.audience

    @strawberry.field(description="The body as Markdown.")
    def body_markdown(self) -> str:
        return self.obj.body

    @strawberry.field(description="The body as sanitised HTML.")
    def body_html(self) -> str:
        return self.obj.body_html


@strawberry.type(name="Article", description=models.Article.__doc__)
class ArticleType:
    obj: strawberry.Private[models.Article]
    language: strawberry.Private[str]
    batch: strawberry.Private[Batch]

    @strawberry.field
    def slug(self) -> str:
        return self.obj.slug

    @strawberry.field
    def kind(self) -> ArticleKind:
        return ArticleKind(self.obj.kind)

    @strawberry.field
    def vendor(self) -> "VendorType":
        return self.batch.load("vendor", load_vendors)[self.obj.vendor_id]

    @strawberry.field(description="The original source.")
    def source_url(self) -> str:
        return self.obj.source_url

    @strawberry.field(description="Authors of the source.")
    def authors(self) -> list[str]:
        return self.obj.authors

    @strawberry.field
    def topics(self) -> list[TopicType]:
        return [TopicType(name=t.name, slug=t.slug) for t in self.obj.topics.all()]

    @strawberry.field
    def published_at(self) -> datetime:
        return self.obj.published_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.obj.updated_at

    @strawberry.field(
        description=(
            "The texts in the requested language, else the default language (`fallback` is "
            "then true). Null only for an entry without texts in either."
        )
    )
    def translation(self) -> ArticleTranslationType | None:
        resolved = self.obj.translation(self.language)
        return ArticleTranslationType(resolved=resolved) if resolved.translation else None

    @strawberry.field(description="Languages the entry has texts in.")
    def available_languages(self) -> list[Language]:
        return [Language(code) for code in self.obj.available_languages]

    @strawberry.field(
        description=(
            'The quick editorial signal ("why this matters"), in order, in the language the '
            "texts are served in."
        )
    )
    def signals(self) -> list[str]:
        return [bullet.text for bullet in self.obj.signals(self.language)]

    @strawberry.field(description="The safety scorecard of a model release, if it has one.")
    def scorecard(self) -> ScorecardType | None:
        scorecard = getattr(self.obj, "scorecard", None)
        return ScorecardType(obj=scorecard) if scorecard is not None else None

    @strawberry.field(
        description=(
            "The vendor's other public entries, newest first. `limit` is capped at "
            f"{MORE_FROM_VENDOR_MAX}. Loaded for a whole list of entries in one query."
        )
    )
    def more_from_vendor(self, limit: int = 4) -> list["ArticleType"]:
        limit = max(0, min(limit, MORE_FROM_VENDOR_MAX))
        return self.batch.load(("more_from_vendor", limit), load_more_from_vendor(limit))[
            self.obj.pk
        ]


def load_vendors(articles: list[ArticleType]) -> dict[int, "VendorType"]:
    vendors = {article.obj.vendor_id: article.obj.vendor for article in articles}
    nodes = in_batch(VendorType, vendors.values(), language=articles[0].language)
    return {node.obj.pk: node for node in nodes}


def load_more_from_vendor(limit: int):
    def load(articles: list[ArticleType]) -> dict[int, list[ArticleType]]:
        by_article = with_page_data(models.Article.objects.all()).more_from_vendors(
            [article.obj for article in articles], limit=limit
        )
        entries = {entry.pk: entry for listed in by_article.values() for entry in listed}
        nodes = in_batch(ArticleType, entries.values(), language=articles[0].language)
        by_pk = {node.obj.pk: node for node in nodes}
        return {pk: [by_pk[entry.pk] for entry in listed] for pk, listed in by_article.items()}

    return load


def load_public_counts(vendors: list["VendorType"]) -> dict[int, int]:
    counted = models.Vendor.objects.with_public_counts().filter(
        pk__in=[vendor.obj.pk for vendor in vendors]
    )
    return dict(counted.values_list("pk", "public_article_count"))


@strawberry.type(name="Vendor", description=models.Vendor.__doc__)
class VendorType:
    obj: strawberry.Private[models.Vendor]
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

    @strawberry.field(
        description=(
            "The vendor's public entries, filtered and ordered like `articles`. "
            + PAGINATION_DESCRIPTION
        )
    )
    def articles(
        self,
        filters: ArticleFilter | None = None,
        ordering: ArticleOrder | None = None,
        pagination: OffsetPaginationInput | None = None,
    ) -> ArticlePage:
        page = PageRequest.from_input(pagination)
        order_by = ordering.as_order_by() if ordering else NEWEST_FIRST
        key = ("articles", repr(filters), order_by, page)
        queryset = models.Article.objects.public()
        if filters is not None:
            queryset = filters.apply(queryset, language=self.language)

        def count() -> int:
            return self.batch.load((*key, "count"), count_per_vendor(queryset)).get(self.obj.pk, 0)

        def load_results() -> list[ArticleType]:
            loader = page_per_vendor(queryset, order_by=order_by, page=page)
            return self.batch.load((*key, "results"), loader).get(self.obj.pk, [])

        return ArticlePage(page=page, count=count, load_results=load_results)


def count_per_vendor(queryset):
    def load(vendors: list[VendorType]) -> dict[int, int]:
        counted = (
            queryset.filter(vendor_id__in=[vendor.obj.pk for vendor in vendors])
            .order_by()
            .values_list("vendor_id")
            .annotate(count=Count("pk"))
        )
        return dict(counted)

    return load


def page_per_vendor(queryset, *, order_by: tuple, page: PageRequest):
    def load(vendors: list[VendorType]) -> dict[int, list[ArticleType]]:
        entries = with_page_data(
            queryset.page_per_vendor(
                [vendor.obj.pk for vendor in vendors],
                offset=page.offset,
                limit=page.limit,
                ordering=order_by,
            )
        )
        by_vendor: dict[int, list[ArticleType]] = {}
        for node in in_batch(ArticleType, entries, language=vendors[0].language):
            by_vendor.setdefault(node.obj.vendor_id, []).append(node)
        return by_vendor

    return load
