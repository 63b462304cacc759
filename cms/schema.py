"""The root GraphQL schema: every app's Query and Mutation types, merged.

An app adds its fields by listing its type below; with no mutation types there is no Mutation.
"""

import strawberry
from asgiref.sync import async_to_sync
from django.conf import settings
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.tools import merge_types
from strawberry.types.graphql import OperationType

from articles.graphql.schema import Query as ArticlesQuery
from articles.graphql.weights import WEIGHTS as ARTICLE_WEIGHTS
from articles.selectors import MORE_FROM_VENDOR_DEFAULT, MORE_FROM_VENDOR_MAX
from cms.errors import OUTAGE_ATTRIBUTE, is_database_outage
from feedback.graphql.schema import Mutation as FeedbackMutation
from kernel.db_routing import on_primary
from kernel.graphql import CachedValidation, DocumentGuard, ListSize, QueryCost, Weight
from kernel.graphql_size import AnswerSize

QUERY_TYPES: list[type] = [ArticlesQuery]
MUTATION_TYPES: list[type] = [FeedbackMutation]


def graphql_setting(name: str):
    """A GRAPHQL setting read per request, so tests and operators may change it."""
    return lambda: settings.GRAPHQL[name]


PAGE = ListSize(
    "pagination.limit",
    default=graphql_setting("DEFAULT_PAGE_SIZE"),
    maximum=graphql_setting("MAX_PAGE_SIZE"),
)
LIST_SIZES: dict[str, ListSize] = {
    "Query.articles": PAGE,
    "Vendor.articles": PAGE,
    "Article.moreFromVendor": ListSize(
        "limit", default=MORE_FROM_VENDOR_DEFAULT, maximum=MORE_FROM_VENDOR_MAX
    ),
}
"""The list fields that take a size argument. Any other list counts as GRAPHQL["LIST_SIZE"]
items in a query's cost (see ``kernel.graphql.query_cost``)."""
WEIGHTS: dict[str, Weight] = {**ARTICLE_WEIGHTS}
"""Fields and objects that cost more than a plain field, as each app measured them."""


def is_unexpected(error: GraphQLError) -> bool:
    """A Python exception escaped a resolver: its message may reveal internals."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class MutationsOnPrimary(SchemaExtension):
    """A mutation reads from the primary, whatever the request reads from: it checks what it is
    about to write against the latest data."""

    def on_execute(self):
        if self.execution_context.operation_type is OperationType.MUTATION:
            with on_primary():
                yield
        else:
            yield


def build_extensions() -> list:
    """Extension factories: each request gets fresh instances."""
    config = settings.GRAPHQL
    # The limiters' rules are made once: validation results are cached per rule set.
    limits = (
        *QueryDepthLimiter(max_depth=config["MAX_DEPTH"]).validation_rules,
        *MaxAliasesLimiter(max_alias_count=config["MAX_ALIASES"]).validation_rules,
    )
    extensions = [
        # First: it refuses fragment fan-out before the validation rules walk it.
        lambda: DocumentGuard(max_fields=graphql_setting("MAX_FIELDS")),
        lambda: AddValidationRules(list(limits)),
        lambda: MaxTokensLimiter(max_token_count=config["MAX_TOKENS"]),
        # A document is parsed and validated once per text (both caches are bounded).
        ParserCache,
        CachedValidation,
        lambda: QueryCost(
            max_cost=graphql_setting("MAX_COST"),
            sizes=LIST_SIZES,
            weights=WEIGHTS,
            list_size=graphql_setting("LIST_SIZE"),
        ),
        lambda: AnswerSize(max_bytes=graphql_setting("MAX_RESPONSE_BYTES")),
        MutationsOnPrimary,
    ]
    if not config["INTROSPECTION"]:
        extensions.append(DisableIntrospection)
    if not settings.DEBUG:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    return extensions


class PublicSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None):
        """Log only server faults: refused or invalid queries are the client's, and logging
        each one in full would let anyone flood the logs. A database outage is answered (and
        logged) as a 503 by ``cms.errors.DatabaseOutageMiddleware``."""
        unexpected = [e for e in errors if is_unexpected(e)]
        request = getattr(getattr(execution_context, "context", None), "request", None)
        outage = next((e for e in unexpected if is_database_outage(e.original_error)), None)
        if outage and request is not None:
            setattr(request, OUTAGE_ATTRIBUTE, outage.original_error)
            unexpected = [e for e in unexpected if not is_database_outage(e.original_error)]
        super().process_errors(unexpected, execution_context)

    def execute_sync(self, *args, **kwargs):
        """Run every operation on an event loop, also behind the synchronous view, so fields
        can batch their reads with DataLoaders; resolvers reach the database through
        ``sync_to_async``."""
        return async_to_sync(self.execute)(*args, **kwargs)


def build_schema(query_types=QUERY_TYPES, mutation_types=MUTATION_TYPES) -> strawberry.Schema:
    return PublicSchema(
        query=merge_types("Query", tuple(query_types)),
        mutation=merge_types("Mutation", tuple(mutation_types)) if mutation_types else None,
        extensions=build_extensions(),
    )


schema = build_schema()
