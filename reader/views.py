"""The reader site's pages: the data comes from /graphql/ in the browser.

A list page is a static shell: the server only checks the language in the address and sets
headers, and ``static/reader/reader.js`` fetches everything shown from the public GraphQL
API, as any frontend would. An entry page is served with its head (title, description,
canonical and alternate links, Open Graph and Twitter card tags, the JSON-LD) and its text
filled in by the server from the live document, for crawlers and link previews that run no
JavaScript; the script then replaces the text with the full page. A preview stays a shell.
"""

import re

import orjson
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP, build_policy
from django.utils.dateparse import parse_datetime

from articles import selectors
from articles.middleware import release_token
from articles.structured_data import canonical_url
from articles.surrogate_keys import entry_key
from kernel import http_cache
from kernel.db_routing import replica_reads
from kernel.languages import default_language, negotiate_language, supported_languages
from reader.documents import reader_documents

READER_KEY = "reader"
READER_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Entry bodies may show images from their sources.
    "img-src": [CSP.SELF, "https:", "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
WEB_URL = re.compile(r"^https?://", re.IGNORECASE)


def _check_language(lang: str | None) -> None:
    if lang is not None and lang not in supported_languages():
        raise Http404("No such language.")


def _page(request, *, page: str, lang: str | None, slug: str | None = None, entry=None, status=200):
    config = {
        "page": page,
        "lang": lang,
        "slug": slug,
        "graphqlUrl": reverse("graphql"),
        "readerUrl": reverse("reader:list"),
        "languages": [{"code": code, "name": name} for code, name in settings.LANGUAGES],
        "documents": reader_documents(),
    }
    # The site's own words in the page's language; a list without one in the address is in
    # the browser's language, which the page's script then reads from <html lang>.
    page_language = lang or negotiate_language(None, request.headers.get("Accept-Language"))
    # A release preview's page links to the site's other pages within the preview.
    release = release_token(request)
    context = {"config": config, "lang": page_language, "entry": entry, "release": release}
    with translation.override(page_language):
        return render(request, "reader/page.html", context, status=status)


def _with_policy(response, policy=READER_CSP):
    response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(policy)
    return response


@replica_reads
def entry_list(request, lang: str | None = None):
    _check_language(lang)
    response = _page(request, page="list", lang=lang)
    if lang is None:
        patch_vary_headers(response, ["Accept-Language"])
    # A shell changes only with a release (its data comes from GraphQL): a cache in front
    # keeps it until the release purges the key ``reader``.
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    response.headers["Surrogate-Control"] = f"max-age={settings.EDGE_CACHE_MAX_AGE}"
    response.headers["Surrogate-Key"] = READER_KEY
    return _with_policy(response)


def entry_head(document: dict) -> dict:
    """What the server fills into an entry page from its live ``document``: its links (the
    canonical page in the served language, one alternate per language it is written in, the
    default language's as ``x-default``), dates and the source link when it is a web address."""
    pages = {
        language: canonical_url(article_id=document["id"], slug=document["slug"], language=language)
        for language in document["available_languages"]
    }
    served = document["language"] or document["requested_language"]
    canonical = pages.get(served) or document["structured_data"]["url"]
    return {
        **document,
        "canonical": canonical,
        "alternates": sorted(pages.items()),
        "x_default": pages.get(default_language()),
        "served": served,
        "published": parse_datetime(document["published_at"]),
        "modified": parse_datetime(document["modified_at"]),
        "web_source_url": document["source_url"] if WEB_URL.match(document["source_url"]) else "",
        "site_name": settings.SITE_NAME,
        **_share_image(document.get("image")),
        "picture": _picture(document.get("image")),
    }


def _share_image(image: dict | None) -> dict:
    """What a link preview shows: the entry's social card with its alt text, else the site's
    logo (a small card)."""
    if image and image["card"]:
        card = image["card"]
        return {
            "share_image": card["url"],
            "share_image_alt": image["alt"],
            "share_image_size": (card["width"], card["height"]),
            "twitter_card": "summary_large_image",
        }
    return {"share_image": settings.SITE_LOGO_URL, "twitter_card": "summary"}


# The entry column is at most 46rem wide (reader.css), the whole width on a phone.
PICTURE_SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"


def _picture(image: dict | None) -> dict | None:
    """The entry's image as a ``<picture>``: AVIF, then WebP, then the JPEG or PNG every
    browser shows, each with every width it has, so the browser picks the file it needs."""
    if not image or not image["renditions"]:
        return None
    by_format: dict[str, list[dict]] = {}
    for rendition in sorted(image["renditions"], key=lambda r: r["width"]):
        by_format.setdefault(rendition["format"], []).append(rendition)

    def srcset(renditions):
        return ", ".join(f"{r['url']} {r['width']}w" for r in renditions)

    fallback = by_format.get("jpeg") or by_format.get("png")
    largest = fallback[-1]
    return {
        "sources": [
            {"type": f"image/{fmt}", "srcset": srcset(by_format[fmt])}
            for fmt in ("avif", "webp")
            if fmt in by_format
        ],
        "src": largest["url"],
        "srcset": srcset(fallback),
        "sizes": PICTURE_SIZES,
        "width": largest["width"],
        "height": largest["height"],
        "alt": image["alt"],
        "alt_language": image["language"],
        "caption": image["caption"],
        "credit": image["credit"],
    }


@replica_reads
def entry(request, lang: str, slug: str):
    _check_language(lang)
    if "preview" in request.GET:
        return _preview(request, lang, slug)

    def build():
        live = selectors.entry_detail(slug=slug, language=lang)
        if live is None:
            # The shell still loads: its script says "not found" in the reader's language.
            return _page(request, page="entry", lang=lang, slug=slug, status=404)
        head = entry_head(orjson.loads(live.document))
        response = _page(request, page="entry", lang=lang, slug=slug, entry=head)
        response.headers["Surrogate-Key"] = entry_key(live.entry_id)
        return response

    public = selectors.log_head()
    response = http_cache.public_response(
        request,
        head=public,
        variant=[request.build_absolute_uri(request.path)],
        build=build,
    )
    return _with_policy(response)


def _preview(request, lang: str, slug: str):
    """A draft seen through a preview link: the shell only (its script asks the API with the
    token), never stored, never indexed."""
    response = _page(request, page="entry", lang=lang, slug=slug)
    # The token is in the address: never leak it to linked sites, never keep the page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    # The admin shows a preview beside the entry's form.
    return _with_policy(response, {**READER_CSP, "frame-ancestors": [CSP.SELF]})
