"""What crawlers are told: ``/sitemap.xml`` (the reader's entry pages with their language
alternates; an index of pages once there are more than ``SITEMAP_MAX_URLS``), the Google News
sitemap of the last 48 hours and ``/robots.txt`` naming both.

Django's ``Sitemap`` pages the entries (its ``Paginator``, ``limit`` URLs a page) and its
index template lists the pages; the URLs themselves are the entries' canonical URLs under
``SITE_URL`` (never the request's host: answers are cached for everyone), read through the
selectors. Answers are cached and validated like every public answer, under the publication
log's head.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property

from articles import selectors
from articles.structured_data import canonical_url, site_url
from articles.surrogate_keys import SITEMAPS_KEY
from kernel import http_cache
from kernel.db_routing import replica_reads

NEWS_WINDOW = timedelta(hours=48)
XML = "application/xml"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _page_url(entry_id: int, slug: str, language: str) -> str:
    return canonical_url(article_id=entry_id, slug=slug, language=language)


class EntrySitemap(Sitemap):
    """Every public entry's page in each language it is written in, with ``hreflang``
    alternates (the default language's page also as ``x-default``) and ``lastmod``, the public
    modification time."""

    def __init__(self):
        self.limit = settings.SITEMAP_MAX_URLS

    def items(self):
        return selectors.sitemap_documents()

    @cached_property
    def paginator(self):
        """Counted once per answer (Django's builds a new one, and counts, on every use)."""
        return Paginator(self.items(), self.limit)

    def get_urls(self, page=1, site=None, protocol=None):
        rows = self.paginator.page(page).object_list
        urls, alternates = [], {}
        for entry in selectors.sitemap_pages(rows):
            if entry.entry_id not in alternates:  # once per entry, not per language
                alternates[entry.entry_id] = _alternates(entry)
            pages, links = alternates[entry.entry_id]
            urls.append(
                {
                    "location": pages[entry.language],
                    "lastmod": _iso(entry.modified_at),
                    "alternates": links if len(links) > 1 else [],
                }
            )
        return urls


def _alternates(entry: selectors.PageInLanguage) -> tuple[dict[str, str], list[dict]]:
    """The entry's page in each language it is written in, and those pages as alternate links
    with the default language's page again as ``x-default`` when there are several."""
    pages = {lang: _page_url(entry.entry_id, entry.slug, lang) for lang in entry.languages}
    pages.setdefault(entry.language, _page_url(entry.entry_id, entry.slug, entry.language))
    links = [{"lang_code": lang, "location": location} for lang, location in pages.items()]
    default = settings.LANGUAGES[0][0]
    if len(links) > 1 and default in pages:
        links.append({"lang_code": "x-default", "location": pages[default]})
    return pages, links


def _cached(request, build, *, variant=()):
    """``build()``'s answer from the response cache while nothing public has changed."""

    def tagged():
        response = build()
        response.headers["Surrogate-Key"] = SITEMAPS_KEY
        return response

    head = selectors.log_head()
    return http_cache.public_response(
        request,
        head=head,
        variant=[request.build_absolute_uri(request.path), *variant],
        build=tagged,
    )


def _urlset(request, sitemap: EntrySitemap, page):
    try:
        urls = sitemap.get_urls(page=page)
    except (EmptyPage, PageNotAnInteger):
        raise Http404(f"No sitemap page {page!r}.") from None
    response = TemplateResponse(request, "reader/sitemap.xml", {"urlset": urls}, content_type=XML)
    return response.render()


@replica_reads
@x_robots_tag
def sitemap(request):
    """The entries' sitemap, or, when they fill more than one page, the index of its pages."""

    def build():
        entries = EntrySitemap()
        pages = entries.paginator.num_pages
        if pages <= 1:
            return _urlset(request, entries, 1)
        location = site_url(reverse("sitemap-entries"))
        listed = [SitemapIndexItem(f"{location}?p={number}") for number in range(1, pages + 1)]
        index = TemplateResponse(
            request, "sitemap_index.xml", {"sitemaps": listed}, content_type=XML
        )
        return index.render()

    return _cached(request, build)


@replica_reads
@x_robots_tag
def sitemap_entries(request):
    """One page (``?p=``, from 1) of the entries' sitemap."""
    page = request.GET.get("p", "1")
    return _cached(request, lambda: _urlset(request, EntrySitemap(), page), variant=[page])


@replica_reads
@x_robots_tag
def news_sitemap(request):
    """The Google News sitemap: the pages of entries published in the last 48 hours, newest
    first, at most 1,000. Entries leave it as the clock moves, without any publication: the
    answer is kept for the minute it was built in."""
    minute = timezone.now().replace(second=0, microsecond=0)

    def build():
        items = [
            {
                "location": _page_url(item.entry_id, item.slug, item.language),
                "language": item.language,
                "title": item.title,
                "published_at": _iso(item.published_at),
            }
            for item in selectors.news_items(since=minute - NEWS_WINDOW)
        ]
        context = {"items": items, "publication": settings.SITE_NAME}
        response = TemplateResponse(request, "reader/news_sitemap.xml", context, content_type=XML)
        return response.render()

    return _cached(request, build, variant=[minute.isoformat()])


def robots_txt(request):
    """Crawl everything public; the sitemaps are named with their absolute addresses."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /graphql/",
        "",
        f"Sitemap: {site_url(reverse('sitemap'))}",
        f"Sitemap: {site_url(reverse('sitemap-news'))}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    return response
