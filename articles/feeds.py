"""Public feeds per language, for all vendors or one: RSS 2.0, Atom and JSON Feed 1.1.

Items are the stored documents (``selectors.feed_entries``); responses are validated and
cached like the REST API's, under the publication log's head. With ``WEBSUB_HUBS`` set, each
feed names its hubs and its own address (WebSub discovery: ``<link rel="hub">`` and
``rel="self"`` in the feed and in a ``Link`` header, ``hubs`` in JSON Feed); the webhooks
app pings the hubs when a feed changes (``webhooks.websub``). A feed's own words (its title,
description, the kinds of notes) are in its language, from the project's message catalogue
(``locale/``); a language without one gets English.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, override

from articles import selectors
from articles.choices import NoteKind
from articles.models import Vendor
from articles.structured_data import site_url
from articles.surrogate_keys import corrections_key, feed_key, vendor_key
from kernel import http_cache
from kernel.languages import UnsupportedLanguage, validate_language


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
        found = selectors.vendor_by_slug(vendor) if vendor else None
        if vendor and found is None:
            raise Http404("No vendor has this slug.")
        return cls(language, found)

    @property
    def title(self) -> str:
        vendor = self.vendor.name if self.vendor else gettext("all vendors")
        return gettext("AI news: %(vendor)s (%(language)s)") % {
            "vendor": vendor,
            "language": self.language,
        }

    @property
    def description(self) -> str:
        who = self.vendor.name if self.vendor else gettext("every vendor we follow")
        return gettext("Curated entries about what %(who)s shipped.") % {"who": who}

    def home_url(self) -> str:
        """These entries on the reader site (the API's list where the reader site is not
        served), as a feed's link and home page."""
        vendor = f"?{urlencode({'vendor': self.vendor.slug})}" if self.vendor else ""
        try:
            return site_url(reverse("reader:list-in", kwargs={"lang": self.language}) + vendor)
        except NoReverseMatch:
            return self.list_url()

    def list_url(self) -> str:
        """These entries in the REST API; the feed's Atom id, as it has always been."""
        query = {"lang": self.language}
        if self.vendor:
            query["vendor"] = self.vendor.slug
        return site_url(f"{reverse('v1:article-list')}?{urlencode(query)}")

    def entries(self) -> list[dict]:
        return selectors.feed_entries(language=self.language, vendor=self.vendor)


def hubs() -> list[str]:
    return list(settings.WEBSUB_HUBS)


def feed_keys(language: str, vendor: str | None = None) -> list[str]:
    """An entry feed's surrogate keys: its vendor's (by slug), or its language's feeds'."""
    return [vendor_key(vendor)] if vendor else [feed_key(language)]


def cached_feed(request, build, *, language: str, keys: list[str]):
    """``build()``'s feed in ``language``, from the response cache while nothing public has
    changed, tagged with ``keys``."""

    def tagged():
        with override(language):
            response = build()
        response.headers["Surrogate-Key"] = " ".join(keys)
        if hubs():
            links = [f'<{hub}>; rel="hub"' for hub in hubs()]
            links.append(f'<{site_url(request.path)}>; rel="self"')
            response.headers["Link"] = ", ".join(links)
        return response

    head = selectors.log_head()
    return http_cache.public_response(
        request,
        head=head,
        variant=[request.build_absolute_uri(request.path)],
        build=tagged,
    )


def entry_url(entry: dict) -> str:
    """Where readers read the entry: its canonical URL, as its structured data names it."""
    return entry["structured_data"]["url"]


def entry_id(entry: dict) -> str:
    """Stable across languages and slug changes."""
    return f"urn:ainews:article:{entry['id']}"


def title(entry: dict) -> str:
    return entry["title"] or entry["slug"]


def authors(entry: dict) -> list[str]:
    return entry["authors"] or [entry["vendor"]["name"]]


def note_label(note: dict) -> str:
    return f"{NoteKind(note['kind']).label} ({note['published_at'][:10]})"


def notes_html(entry: dict) -> str:
    """The entry's notes as HTML paragraphs, oldest first, for an item's text."""
    return format_html_join(
        "", "<p><strong>{}</strong>: {}</p>", ((note_label(n), n["text"]) for n in entry["notes"])
    )


def with_notes(html: str, entry: dict) -> str:
    """``html`` (already HTML: a formatted summary, a rendered body) followed by the notes."""
    return html + notes_html(entry)


class HubRss(Rss201rev2Feed):
    """RSS 2.0 naming its WebSub hubs beside its ``atom:link rel="self"``, with each entry's
    image as Media RSS ``media:content`` (beside the ``enclosure``)."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": "http://search.yahoo.com/mrss/"}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for hub in self.feed.get("hubs", ()):
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": hub})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("image")
        if image and image["card"]:
            card = image["card"]
            handler.startElement(
                "media:content",
                {
                    "url": card["url"],
                    "medium": "image",
                    "type": "image/jpeg",
                    "width": str(card["width"]),
                    "height": str(card["height"]),
                    "fileSize": str(card["size"]),
                },
            )
            handler.addQuickElement("media:description", image["alt"], {"type": "plain"})
            handler.addQuickElement("media:credit", image["credit"])
            handler.endElement("media:content")


class HubAtom(Atom1Feed):
    """Atom naming its WebSub hubs beside its ``link rel="self"``."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for hub in self.feed.get("hubs", ()):
            handler.addQuickElement("link", "", {"rel": "hub", "href": hub})


class EntryFeed(Feed):
    """RSS 2.0; :class:`AtomEntryFeed` is the same feed in Atom."""

    feed_type = HubRss

    def __call__(self, request, *args, **kwargs):
        render = super().__call__
        language = kwargs["language"]
        return cached_feed(
            request,
            lambda: render(request, *args, **kwargs),
            language=language,
            keys=self.keys(language, kwargs.get("vendor")),
        )

    def keys(self, language: str, vendor: str | None) -> list[str]:
        return feed_keys(language, vendor)

    def get_object(self, request, language, vendor=None):
        return FeedScope.from_url(language, vendor)

    def get_feed(self, scope, request):
        feed = super().get_feed(scope, request)
        feed.feed["language"] = scope.language
        feed.feed["feed_url"] = site_url(request.path)
        feed.feed["hubs"] = hubs()
        return feed

    def title(self, scope):
        return scope.title

    def description(self, scope):
        return scope.description

    subtitle = description

    def link(self, scope):
        return scope.home_url()

    def feed_guid(self, scope):
        return scope.list_url()

    def items(self, scope):
        return scope.entries()

    def item_title(self, entry):
        return title(entry)

    def item_description(self, entry):
        return with_notes(format_html("<p>{}</p>", entry["summary"]), entry)

    def item_link(self, entry):
        return entry["source_url"] or entry_url(entry)

    def item_guid(self, entry):
        return entry_id(entry)

    def item_guid_is_permalink(self, entry):
        return False

    def item_author_name(self, entry):
        return ", ".join(authors(entry))

    def item_pubdate(self, entry):
        return parse_datetime(entry["published_at"])

    def item_updateddate(self, entry):
        return parse_datetime(entry["modified_at"])

    def item_categories(self, entry):
        return [topic["name"] for topic in entry["topics"]]

    def item_enclosures(self, entry):
        """The entry's social card (a JPEG, 1200 x 630): RSS allows one enclosure."""
        card = (entry.get("image") or {}).get("card")
        if not card:
            return []
        return [Enclosure(card["url"], str(card["size"]), "image/jpeg")]

    def item_extra_kwargs(self, entry):
        return {"image": entry.get("image")}


class AtomEntryFeed(EntryFeed):
    feed_type = HubAtom


def json_feed(request, language, vendor=None):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    return cached_feed(
        request,
        lambda: _json_feed(request, FeedScope.from_url(language, vendor)),
        language=language,
        keys=feed_keys(language, vendor),
    )


def _json_feed(request, scope: FeedScope):
    items = [
        {
            "id": entry_id(entry),
            "url": entry_url(entry),
            **({"external_url": entry["source_url"]} if entry["source_url"] else {}),
            "title": title(entry),
            "summary": entry["summary"],
            "content_html": with_notes(entry["body_html"], entry),
            "date_published": entry["published_at"],
            "date_modified": entry["modified_at"],
            "authors": [{"name": name} for name in authors(entry)],
            "tags": [topic["name"] for topic in entry["topics"]],
            "language": entry["language"] or scope.language,
            **_json_image(entry.get("image")),
            "_notes": entry["notes"],
        }
        for entry in scope.entries()
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": scope.title,
        "description": scope.description,
        "home_page_url": scope.home_url(),
        "feed_url": site_url(request.path),
        "language": scope.language,
        **json_hubs(),
        "items": items,
    }
    return JsonResponse(feed, content_type="application/feed+json")


def _json_image(image: dict | None) -> dict:
    """JSON Feed's ``image`` (the social card) and, as an extension, its alt text and credit."""
    if not image or not image["card"]:
        return {}
    return {
        "image": image["card"]["url"],
        "_image": {"alt": image["alt"], "language": image["language"], "credit": image["credit"]},
    }


def json_hubs() -> dict:
    """JSON Feed's ``hubs``, when there are any."""
    return {"hubs": [{"type": "WebSub", "url": hub} for hub in hubs()]} if hubs() else {}


def json_notes_feed(request, language):
    """The corrections feed in JSON Feed 1.1."""
    return cached_feed(
        request,
        lambda: _json_notes_feed(request, FeedScope.from_url(language)),
        language=language,
        keys=[corrections_key(language)],
    )


def _json_notes_feed(request, scope: FeedScope):
    feed = NoteFeed()
    items = [
        {
            "id": feed.item_guid(item),
            "url": feed.item_link(item),
            "title": feed.item_title(item),
            "content_text": item[0]["text"],
            "date_published": item[0]["published_at"],
            "tags": feed.item_categories(item),
            "language": item[0]["language"] or scope.language,
            "_entry": {"id": item[1]["id"], "slug": item[1]["slug"]},
        }
        for item in feed.items(scope)
    ]
    return JsonResponse(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed.title(scope),
            "description": feed.description(scope),
            "feed_url": site_url(request.path),
            "language": scope.language,
            **json_hubs(),
            "items": items,
        },
        content_type="application/feed+json",
    )


class NoteFeed(EntryFeed):
    """The corrections feed of one language: every note on a public entry (corrections,
    clarifications, updates), newest first, each linking to its entry."""

    def item_enclosures(self, item):
        return []

    def item_extra_kwargs(self, item):
        return {}

    def get_object(self, request, language):
        return FeedScope.from_url(language)

    def keys(self, language: str, vendor: str | None) -> list[str]:
        return [corrections_key(language)]

    def title(self, scope):
        return gettext("AI news: corrections and updates (%(language)s)") % {
            "language": scope.language
        }

    def description(self, scope):
        return gettext("Corrections, clarifications and updates to our entries, newest first.")

    subtitle = description

    def items(self, scope):
        return selectors.feed_notes(language=scope.language)

    def item_title(self, item):
        note, entry = item
        return f"{NoteKind(note['kind']).label}: {title(entry)}"

    def item_description(self, item):
        note, _entry = item
        return format_html("<p>{}</p>", note["text"])

    def item_link(self, item):
        _note, entry = item
        return entry_url(entry)

    def item_guid(self, item):
        note, _entry = item
        return f"urn:ainews:note:{note['id']}"

    def item_author_name(self, item):
        return None

    def item_pubdate(self, item):
        note, _entry = item
        return parse_datetime(note["published_at"])

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_categories(self, item):
        note, _entry = item
        return [note["kind"]]


class AtomNoteFeed(NoteFeed):
    feed_type = HubAtom
