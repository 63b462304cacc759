"""Public entries as search engines are told about them: one page per entry and language it
is written in (a language served by fallback repeats another page, so it is left out)."""

from dataclasses import dataclass
from datetime import datetime

from articles.models import LiveDocument

# Google News takes at most this many URLs per news sitemap.
NEWS_MAX_URLS = 1000


@dataclass(frozen=True)
class PageInLanguage:
    """An entry's page in one language, and the languages it is written in (its alternates)."""

    entry_id: int
    slug: str
    language: str
    modified_at: datetime
    languages: list[str]


@dataclass(frozen=True)
class NewsItem:
    entry_id: int
    slug: str
    language: str
    title: str
    published_at: datetime


def _written():
    return LiveDocument.objects.visible().filter(fallback=False)


def sitemap_documents():
    """The public entries' pages, oldest entry first: a stable order, so a page of the sitemap
    changes only when its own entries do. Count and slice it (``Paginator``), then give a
    slice to :func:`sitemap_pages`."""
    return (
        _written()
        .order_by("entry_id", "language")
        .values_list("entry_id", "slug", "language", "modified_at")
    )


def sitemap_pages(rows) -> list[PageInLanguage]:
    """``rows`` of :func:`sitemap_documents` with their alternates: one query."""
    rows = list(rows)
    languages: dict[int, list[str]] = {}
    written = _written().filter(entry_id__in={row[0] for row in rows})
    for entry_id, language in written.order_by("entry_id", "language").values_list(
        "entry_id", "language"
    ):
        languages.setdefault(entry_id, []).append(language)
    return [PageInLanguage(*row, languages.get(row[0], [row[2]])) for row in rows]


def news_items(*, since: datetime) -> list[NewsItem]:
    """The pages of entries published since ``since``, newest first, at most
    ``NEWS_MAX_URLS``: one query."""
    rows = (
        _written()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-entry_id", "language")
        .values_list("entry_id", "slug", "language", "title", "published_at")
    )
    return [NewsItem(*row) for row in rows[:NEWS_MAX_URLS]]
