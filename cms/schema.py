"""The root GraphQL schema: every app's Query and Mutation types, merged.

An app adds its fields by listing its type below; with no mutation types there is no Mutation.
"""

import strawberry
from asgiref.sync import async_to_sync
from django.conf import settings
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.tools import merge_types

from articles.graphql.schema import Query as ArticlesQuery
from feedback.graphql.schema import Mutation as FeedbackMutation

QUERY_TYPES: list[type] = [ArticlesQuery]
MUTATION_TYPES: list[type] = [FeedbackMutation]


def is_unexpected(error: GraphQLError) -> bool:
    """A Python exception escaped a resolver: its message may reveal internals."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


def build_extensions() -> list:
    """Extension factories: each request gets fresh instances."""
    config = settings.GRAPHQL
    extensions = [
        lambda: QueryDepthLimiter(max_depth=config["MAX_DEPTH"]),
        lambda: MaxAliasesLimiter(max_alias_count=config["MAX_ALIASES"]),
        lambda: MaxTokensLimiter(max_token_count=config["MAX_TOKENS"]),
    ]
    if not config["INTROSPECTION"]:
        extensions.append(DisableIntrospection)
    if not settings.DEBUG:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    return extensions


class PublicSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None):
        """Log only server faults: refused or invalid queries are the client's, and logging
        each one in full would let anyone flood the logs."""
        super().process_errors([e for e in errors if is_unexpected(e)], execution_context)

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
