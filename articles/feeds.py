"""Public feeds per language, for all vendors or one: RSS 2.0, Atom and JSON Feed 1.1."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import urlencode

from articles.models import Article, Vendor
from cms.languages import UnsupportedLanguage, validate_language

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedScope:
    language: str
    vendor: Vendor | None

    @classmethod
    def from_url(cls, language: str, vendor: str | None = None) -> "FeedScope":
        try:
            language = validate_language(language)
        except UnsupportedLanguage:
            raise Http404("No feed in this language.") from None
        return cls(language, get_object_or_404(Vendor, slug=vendor) if vendor else None)

    @property
    def title(self) -> str:
        return f"AI news: {self.vendor.name if self.vendor else 'all vendors'} ({self.language})"

    @property
    def description(self) -> str:
        who = self.vendor.name if self.vendor else "every vendor we follow"
        return f"Curated entries about what {who} shipped."

    def list_url(self) -> str:
        query = {"lang": self.language}
        if self.vendor:
            query["vendor"] = self.vendor.slug
        return f"{reverse('v1:article-list')}?{urlencode(query)}"

    def entries(self) -> list[Article]:
        entries = Article.objects.public()
        if self.vendor:
            entries = entries.for_vendors([self.vendor.slug])
        entries = list(
            entries.select_related("vendor")
            .prefetch_related("translations", "topics")
            .newest_first()[:FEED_SIZE]
        )
        for entry in entries:
            entry.feed_text = entry.translation(self.language).translation
            entry.feed_language = self.language
        return entries


def entry_url(entry: Article) -> str:
    return f"{reverse('v1:article-detail', args=[entry.slug])}?lang={entry.feed_language}"


def entry_id(entry: Article) -> str:
    """Stable across languages and slug changes."""
    return f"urn:ainews:article:{entry.pk}"


def entry_updated(entry: Article):
    return max(entry.updated_at, entry.published_at)


class EntryFeed(Feed):
    """RSS 2.0; :class:`AtomEntryFeed` is the same feed in Atom."""

    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        return response

    def get_object(self, request, language, vendor=None):
        return FeedScope.from_url(language, vendor)

    def get_feed(self, scope, request):
        feed = super().get_feed(scope, request)
        feed.feed["language"] = scope.language
        return feed

    def title(self, scope):
        return scope.title

    def description(self, scope):
        return scope.description

    subtitle = description

    def link(self, scope):
        return scope.list_url()

    def items(self, scope):
        return scope.entries()

    def item_title(self, entry):
        return entry.feed_text.title if entry.feed_text else entry.slug

    def item_description(self, entry):
        return entry.feed_text.summary if entry.feed_text else ""

    def item_link(self, entry):
        return entry.source_url or entry_url(entry)

    def item_guid(self, entry):
        return entry_id(entry)

    def item_guid_is_permalink(self, entry):
        return False

    def item_author_name(self, entry):
        return ", ".join(entry.authors) or entry.vendor.name

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry_updated(entry)

    def item_categories(self, entry):
        return [topic.name for topic in entry.topics.all()]


class AtomEntryFeed(EntryFeed):
    feed_type = Atom1Feed


def json_feed(request, language, vendor=None):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    scope = FeedScope.from_url(language, vendor)
    items = [
        {
            "id": entry_id(entry),
            "url": request.build_absolute_uri(entry_url(entry)),
            **({"external_url": entry.source_url} if entry.source_url else {}),
            "title": entry.feed_text.title if entry.feed_text else entry.slug,
            "summary": entry.feed_text.summary if entry.feed_text else "",
            "content_html": entry.feed_text.body_html if entry.feed_text else "",
            "date_published": entry.published_at.isoformat(),
            "date_modified": entry_updated(entry).isoformat(),
            "authors": [{"name": name} for name in entry.authors or [entry.vendor.name]],
            "tags": [topic.name for topic in entry.topics.all()],
            "language": entry.feed_text.language if entry.feed_text else scope.language,
        }
        for entry in scope.entries()
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": scope.title,
        "description": scope.description,
        "home_page_url": request.build_absolute_uri(scope.list_url()),
        "feed_url": request.build_absolute_uri(),
        "language": scope.language,
        "items": items,
    }
    response = JsonResponse(feed, content_type="application/feed+json")
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    return response
