"""The key scheme of every cacheable public answer (REST, GraphQL GET, feeds): its
``Surrogate-Key`` header names what it shows, and a cache in front purges by these names
(docs/edge.md). A change purges the keys of what it changed (``edge.keys``), so each key
names the smallest set of answers one kind of change can alter:

- ``entry-<id>``: an entry's own answers (its detail, its "more from the vendor");
- ``vendor-<slug>``: a vendor's page, and lists and feeds narrowed to the vendor;
- ``topic-<slug>``: lists narrowed to the topic;
- ``entries-<lang>``: the other entry lists in a language (unfiltered, or by kind or time);
- ``search-<lang>``: searches in a language;
- ``vendors-<lang>``: the vendor list in a language; ``topics``: the topic list;
- ``feed-<lang>``: the entry feeds of all vendors in a language;
- ``corrections-<lang>``: the corrections feeds in a language;
- ``sitemaps``: the sitemaps (every language's entry pages).

Vendors and topics are keyed by slug, as lists are filtered by slug: an answer names its
keys without reading anything more.
"""

from kernel.languages import supported_languages

TOPICS_KEY = "topics"
SITEMAPS_KEY = "sitemaps"


def entry_key(entry_id: int) -> str:
    return f"entry-{entry_id}"


def vendor_key(slug: str) -> str:
    return f"vendor-{slug}"


def topic_key(slug: str) -> str:
    return f"topic-{slug}"


def entries_key(language: str) -> str:
    return f"entries-{language}"


def search_key(language: str) -> str:
    return f"search-{language}"


def vendors_key(language: str) -> str:
    return f"vendors-{language}"


def feed_key(language: str) -> str:
    return f"feed-{language}"


def corrections_key(language: str) -> str:
    return f"corrections-{language}"


def list_keys(*, language: str, vendors=(), topics=(), search: bool = False) -> list[str]:
    """The keys of one list of entries. Narrowed to vendors (or else topics), only theirs: an
    entry enters or leaves it only by being one of theirs. Else a search's, or else the
    language's lists' key."""
    if vendors:
        return [vendor_key(slug) for slug in vendors]
    if topics:
        return [topic_key(slug) for slug in topics]
    return [search_key(language) if search else entries_key(language)]


def every_language(*keyers) -> list[str]:
    """Each keyer's key in every supported language (an entry has a document in each)."""
    return [keyer(language) for keyer in keyers for language in supported_languages()]
