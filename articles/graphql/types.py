"""GraphQL types for entries, vendors and scorecards.

The types are strawberry-django model types: ``DjangoOptimizerExtension`` reads the query's
selections and shapes each root queryset (``only``, ``select_related``, ``prefetch_related``,
annotations), so a list costs the same number of SQL queries whatever its length. Computed
fields declare what they read; nested lists with arguments (``moreFromVendor``,
``Vendor.articles``) declare a ``Prefetch`` built from the shared querysets with a window
function, stored per set of arguments.

Nested fields answer in the language of their root field (see ``served_language``).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import strawberry
import strawberry_django
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from graphql import FieldNode, FragmentSpreadNode, GraphQLError, get_named_type
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.schema.schema_converter import get_arguments
from strawberry.types.info import Info
from strawberry.types.nodes import get_variable_values
from strawberry_django.optimizer import OptimizerStore, optimize
from strawberry_django.pagination import OffsetPaginationInfo, OffsetPaginationInput

from articles import models
from articles.graphql.enums import ArticleKind, Language, served_language
from articles.graphql.filters import ArticleFilter
from articles.graphql.orders import ArticleOrder
from articles.querysets import (
    MORE_FROM_VENDOR_DEFAULT,
    MORE_FROM_VENDOR_MAX,
    NEWEST_FIRST,
    public_q,
)
from cms.languages import Resolved


def keep_vendor() -> OptimizerStore:
    """Prefetched entries are matched to their vendor by ``vendor_id``: never defer it.
    A new store each time, as the optimizer merges into it."""
    return OptimizerStore.with_hints(only=["vendor_id"])


PAGINATION_DESCRIPTION = (
    "Offset pagination: `pagination: {offset, limit}`; `limit` defaults to "
    "GRAPHQL.DEFAULT_PAGE_SIZE and may not exceed GRAPHQL.MAX_PAGE_SIZE (an error, not a silent "
    "clamp). Offsets suit the frontends' numbered pages and `totalCount`; entries arrive a few "
    "a day, ordered by time, so a page shifting between two requests is rare and harmless."
)


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


def filtered(filters: ArticleFilter | None, *, language: str) -> QuerySet:
    queryset = models.Article.objects.public()
    return filters.apply(queryset, language=language) if filters is not None else queryset


def ordered(queryset: QuerySet, ordering: ArticleOrder | None) -> QuerySet:
    return queryset.order_by(*(ordering.as_order_by() if ordering else NEWEST_FIRST))


def selection_arguments(info, type_, field_name: str) -> dict:
    """The arguments of the selection ``info`` points at, converted to their Python types
    (prefetch callables get the selection's info, not the resolver's arguments)."""
    raw = getattr(info, "_raw_info", info)
    schema = raw.schema._strawberry_schema
    node = raw.field_nodes[0]
    field = type_.__strawberry_definition__.get_field(field_name)
    _args, kwargs = get_arguments(
        field=field,
        source=None,
        info=Info(_raw_info=raw, _field=field),
        kwargs=get_argument_values(
            raw.parent_type.fields[node.name.value],
            node,
            VariableValues(sources={}, coerced=get_variable_values(raw)),
        ),
        config=schema.config,
        scalar_registry=schema.schema_converter.scalar_registry,
    )
    kwargs.pop("info", None)
    return kwargs


def prefetched_as(field: str, *arguments) -> str:
    """The attribute a nested list prefetched for ``arguments`` is stored in. The optimizer
    merges aliases of a field with the same arguments into one prefetch and skips aliases
    with different ones, whose resolvers then load their own rows."""
    digest = hashlib.sha256(repr(arguments).encode()).hexdigest()[:16]
    return f"{field}_{digest}"


def selections_named(selection_set, name: str, fragments) -> list[FieldNode]:
    """The fields called ``name`` in a selection set, fragments included."""
    found = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            found += [selection] if selection.name.value == name else []
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            found += selections_named(fragment.selection_set, name, fragments)
        else:
            found += selections_named(selection.selection_set, name, fragments)
    return found


def page_results_info(info):
    """The info of ``results`` under the ``ArticlePage`` selection ``info`` points at, so a
    prefetched page is optimized for the entry fields the query selects there."""
    raw = getattr(info, "_raw_info", info)
    page_type = get_named_type(raw.return_type)
    nodes = [
        found
        for node in raw.field_nodes
        for found in selections_named(node.selection_set, "results", raw.fragments)
    ]
    if not nodes:
        return None
    return raw._replace(
        field_name="results",
        field_nodes=nodes,
        return_type=page_type.fields["results"].type,
        parent_type=page_type,
        path=raw.path.add_key("results", page_type.name),
    )


@strawberry.type(description="One page of entries, and how many there are in all.")
class ArticlePage:
    page: strawberry.Private[PageRequest]
    queryset: strawberry.Private[QuerySet | None] = None
    entries: strawberry.Private[list | None] = None
    count: strawberry.Private[int | None] = None

    @strawberry.field(description="How many entries match, over all pages.")
    def total_count(self) -> int:
        return self.count if self.count is not None else self.queryset.count()

    @strawberry.field(description="The offset and the limit applied.")
    def page_info(self) -> OffsetPaginationInfo:
        return OffsetPaginationInfo(offset=self.page.offset, limit=self.page.limit)

    @strawberry_django.field(description="The entries on this page.")
    def results(self) -> list["ArticleType"]:
        if self.entries is not None:
            return self.entries
        return self.queryset[self.page.offset : self.page.offset + self.page.limit]


@strawberry_django.type(
    models.Topic, name="Topic", description="A subject entries are listed under."
)
class TopicType:
    name: str
    slug: str


@strawberry_django.type(
    models.RiskLevel,
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


@strawberry_django.type(
    models.RiskFramework, name="RiskFramework", description="A vendor's safety framework."
)
class RiskFrameworkType:
    name: str
    url: str
    scale: list[RiskLevelType] = strawberry_django.field(
        field_name="levels", description="The framework's levels, lowest risk first."
    )
    deploy_threshold: RiskLevelType | None = strawberry_django.field(
        description="The highest post-mitigation level that may be deployed."
    )
    develop_threshold: RiskLevelType | None = strawberry_django.field(
        description="The highest post-mitigation level that may be developed further."
    )


@strawberry_django.type(
    models.ScorecardRating, name="ScorecardRating", description="A category's rating."
)
class ScorecardRatingType:
    pre_mitigation: RiskLevelType
    post_mitigation: RiskLevelType | None = strawberry_django.field(
        description="Null when nothing mitigated the category."
    )

    @strawberry_django.field(
        description="The risk category, e.g. CBRN.",
        select_related=["category"],
        only=["category__name"],
    )
    def category(self) -> str:
        return self.category.name


@strawberry_django.type(models.RiskArea, name="RiskArea")
class RiskAreaType:
    name: str
    slug: str


def ratings_prefetch(_info=None) -> Prefetch:
    """A scorecard's ratings live on its entry; the summary reads their levels."""
    return Prefetch(
        "article__scorecard_ratings",
        queryset=models.ScorecardRating.objects.select_related(
            "category", "pre_mitigation", "post_mitigation"
        ),
    )


SUMMARY_HINTS = {
    "select_related": ["framework__deploy_threshold", "framework__develop_threshold"],
    "prefetch_related": [ratings_prefetch],
    "only": [
        f"framework__{threshold}__{column}"
        for threshold in ("deploy_threshold", "develop_threshold")
        for column in ("name", "rank")
    ],
}


@strawberry_django.type(
    models.Scorecard, name="Scorecard", description="A model release's rating under a framework."
)
class ScorecardType:
    framework: RiskFrameworkType
    risk_areas: list[RiskAreaType] = strawberry_django.field(
        description="Specific areas of risk the system card covers."
    )

    @strawberry_django.field(
        description="The headline rating: the highest post-mitigation category rating.",
        **SUMMARY_HINTS,
    )
    def overall(self) -> RiskLevelType | None:
        return self.summary.overall

    @strawberry_django.field(
        description="The highest pre-mitigation category rating.", **SUMMARY_HINTS
    )
    def overall_pre_mitigation(self) -> RiskLevelType | None:
        return self.summary.overall_pre_mitigation

    @strawberry_django.field(
        description="Whether the framework allows deploying the model.", **SUMMARY_HINTS
    )
    def may_deploy(self) -> bool:
        return self.summary.may_deploy

    @strawberry_django.field(
        description="Whether the framework allows developing the model further.",
        **SUMMARY_HINTS,
    )
    def may_develop(self) -> bool:
        return self.summary.may_develop

    @strawberry_django.field(
        description="Per category, in the framework's order.", prefetch_related=[ratings_prefetch]
    )
    def ratings(self) -> list[ScorecardRatingType]:
        return list(self.article.scorecard_ratings.all())


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


def more_from_vendor_limit(limit: int) -> int:
    return max(0, min(limit, MORE_FROM_VENDOR_MAX))


def more_from_vendor_prefetch(info) -> Prefetch:
    """Each vendor's newest public entries, one more than asked (the entry itself may be
    among them), for every entry of the list in one query."""
    limit = more_from_vendor_limit(
        selection_arguments(info, ArticleType, "more_from_vendor")["limit"]
    )
    entries = models.Article.objects.public().numbered_per_vendor()
    entries = entries.filter(position_in_vendor__lte=limit + 1)
    vendors = models.Vendor.objects.only("pk").prefetch_related(
        Prefetch(
            "articles",
            queryset=optimize(entries, info, store=keep_vendor()),
            to_attr="newest_public",
        )
    )
    return Prefetch("vendor", queryset=vendors, to_attr=prefetched_as("more_from_vendor", limit))


@strawberry_django.type(models.Article, name="Article", description=models.Article.__doc__)
class ArticleType:
    slug: str
    vendor: "VendorType"
    source_url: str
    topics: list[TopicType]
    published_at: datetime = strawberry_django.field(description="When the entry was published.")
    updated_at: datetime
    scorecard: ScorecardType | None = strawberry_django.field(
        description="The safety scorecard of a model release, if it has one."
    )

    @strawberry_django.field(only=["kind"])
    def kind(self) -> ArticleKind:
        return ArticleKind(self.kind)

    @strawberry_django.field(description="Authors of the source.", only=["source_authors"])
    def authors(self) -> list[str]:
        return self.authors

    @strawberry_django.field(
        description=(
            "The texts in the requested language, else the default language (`fallback` is "
            "then true). Null only for an entry without texts in either."
        ),
        prefetch_related=["translations"],
    )
    def translation(self, info: Info) -> ArticleTranslationType | None:
        resolved = self.translation(served_language(info))
        return ArticleTranslationType(resolved=resolved) if resolved.translation else None

    @strawberry_django.field(
        description="Languages the entry has texts in.", prefetch_related=["translations"]
    )
    def available_languages(self) -> list[Language]:
        return [Language(code) for code in self.available_languages]

    @strawberry_django.field(
        description=(
            'The quick editorial signal ("why this matters"), in order, in the language the '
            "texts are served in."
        ),
        prefetch_related=["signal_bullets"],
    )
    def signals(self, info: Info) -> list[str]:
        return [bullet.text for bullet in self.signals(served_language(info))]

    @strawberry_django.field(
        description=(
            "The vendor's other public entries, newest first. `limit` is capped at "
            f"{MORE_FROM_VENDOR_MAX}. Loaded for a whole list of entries in one query."
        ),
        only=["vendor_id"],
        prefetch_related=[more_from_vendor_prefetch],
    )
    def more_from_vendor(self, limit: int = MORE_FROM_VENDOR_DEFAULT) -> list["ArticleType"]:
        limit = more_from_vendor_limit(limit)
        vendor = getattr(self, prefetched_as("more_from_vendor", limit), None)
        if vendor is None:
            return models.Article.objects.more_from_vendor(self, limit=limit)
        return [entry for entry in vendor.newest_public if entry.pk != self.pk][:limit]


def vendor_articles_prefetch(info) -> Prefetch:
    """One page of each vendor's entries for every vendor of the list in one query. The
    vendor's first entry always comes along, as it carries the vendor's total."""
    arguments = selection_arguments(info, VendorType, "articles")
    filters, ordering = arguments.get("filters"), arguments.get("ordering")
    page = PageRequest.from_input(arguments.get("pagination"))
    order_by = ordering.as_order_by() if ordering else NEWEST_FIRST
    entries = filtered(filters, language=served_language(info))
    entries = entries.numbered_per_vendor(order_by).filter(
        Q(position_in_vendor__gt=page.offset, position_in_vendor__lte=page.offset + page.limit)
        | Q(position_in_vendor=1)
    )
    if (results_info := page_results_info(info)) is not None:
        entries = optimize(entries, results_info, store=keep_vendor())
    return Prefetch(
        "articles",
        queryset=entries,
        to_attr=prefetched_as("articles", filters, order_by, page),
    )


@strawberry_django.type(models.Vendor, name="Vendor", description=models.Vendor.__doc__)
class VendorType:
    slug: str
    name: str
    website: str
    article_count: int = strawberry_django.field(
        description="How many public entries the vendor has.",
        annotate=lambda info: Count("articles", filter=public_q("articles__")),
    )

    @strawberry_django.field(
        description="One line about the vendor, in the requested language (else the default).",
        prefetch_related=["translations"],
    )
    def description(self, info: Info) -> str | None:
        translation = self.translation(served_language(info)).translation
        return translation.description if translation else None

    @strawberry_django.field(
        description=(
            "The vendor's public entries, filtered and ordered like `articles`. "
            + PAGINATION_DESCRIPTION
        ),
        prefetch_related=[vendor_articles_prefetch],
    )
    def articles(
        self,
        info: Info,
        filters: ArticleFilter | None = None,
        ordering: ArticleOrder | None = None,
        pagination: OffsetPaginationInput | None = None,
    ) -> ArticlePage:
        page = PageRequest.from_input(pagination)
        order_by = ordering.as_order_by() if ordering else NEWEST_FIRST
        entries = getattr(self, prefetched_as("articles", filters, order_by, page), None)
        if entries is None:
            language = served_language(info)
            mine = filtered(filters, language=language).filter(vendor_id=self.pk)
            return ArticlePage(page=page, queryset=ordered(mine, ordering))
        return ArticlePage(
            page=page,
            entries=[
                e for e in entries if page.offset < e.position_in_vendor <= page.offset + page.limit
            ],
            count=entries[0].vendor_total if entries else 0,
        )
