"""Per-request DataLoaders: a nested field asks for its parent's rows, and the loader reads
the rows of every parent of the list in one selector call.

A loader is kept per request and per set of arguments (language, limit, filters, page), so
aliases of a field with different arguments each cost one query, whatever the list's length.
Loaders return what the selectors return; the types turn it into GraphQL objects.
"""

from collections.abc import Awaitable, Callable, Hashable

from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from articles import selectors
from articles.selectors import EntryFilter, InvalidRequest


def refusal(error: InvalidRequest, prefix: str = "") -> GraphQLError:
    """A refused argument as a GraphQL error naming it as the query does, e.g.
    ``filters.vendors: Unknown: nope.``; ``extensions.fields`` lists each argument's problems."""
    fields = {prefix + camel_case(name): messages for name, messages in error.errors.items()}
    message = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "fields": fields})


def camel_case(name: str) -> str:
    """``published_after`` as the schema spells it: ``publishedAfter``."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def reading(function: Callable) -> Callable[..., Awaitable]:
    """A selector called from a resolver: the database is used from synchronous code only."""
    return sync_to_async(function)


def _loader(info, key: Hashable, load: Callable) -> DataLoader:
    loaders = vars(info.context).setdefault("loaders", {})
    if key not in loaders:
        loaders[key] = DataLoader(load_fn=load)
    return loaders[key]


def more_from_vendor(info, *, language: str, limit: int) -> DataLoader:
    """(entry id, vendor id) -> the vendor's other public entries, as document JSON."""

    async def load(keys):
        found = await reading(selectors.more_from_vendors)(keys, language, limit, column="document")
        return [found[entry_id] for entry_id, _vendor_id in keys]

    return _loader(info, ("more_from_vendor", language, limit), load)


def vendor_pages(
    info, entry_filter: EntryFilter, *, language: str, ordering: str, offset: int, limit: int
) -> DataLoader:
    """vendor id -> one page of the vendor's entries, as document JSON."""

    async def load(keys):
        pages = await reading(selectors.vendor_pages)(
            keys, entry_filter, language=language, ordering=ordering, offset=offset, limit=limit
        )
        return [pages[vendor_id] for vendor_id in keys]

    key = ("vendor_pages", entry_filter, language, ordering, offset, limit)
    return _loader(info, key, load)


def vendor_totals(info, entry_filter: EntryFilter, *, language: str) -> DataLoader:
    """vendor id -> how many of the vendor's entries match ``entry_filter``."""

    async def load(keys):
        totals = await reading(selectors.vendor_totals)(keys, entry_filter, language=language)
        return [totals[vendor_id] for vendor_id in keys]

    return _loader(info, ("vendor_totals", entry_filter, language), load)


def vendors(info, *, language: str) -> DataLoader:
    """vendor slug -> ``VendorView`` (description in ``language``, count of public entries)."""

    async def load(keys):
        views = await reading(selectors.vendor_list)(language=language, slugs=keys)
        by_slug = {view.vendor.slug: view for view in views}
        return [by_slug.get(slug) for slug in keys]

    return _loader(info, ("vendors", language), load)


def topic_counts(info) -> DataLoader:
    """topic slug -> how many public entries have the topic."""

    async def load(keys):
        topics = await reading(selectors.topic_list)(slugs=keys)
        counts = {topic.slug: topic.public_article_count for topic in topics}
        return [counts.get(slug, 0) for slug in keys]

    return _loader(info, "topic_counts", load)
