"""The reader site's pages: static shells; the data comes from /graphql/ in the browser.

The server only checks the language in the address and sets headers. Everything shown is
fetched by ``static/reader/reader.js`` from the public GraphQL API, as any frontend would.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP, build_policy

from kernel.languages import negotiate_language, supported_languages

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


def _page(request, *, page: str, lang: str | None, slug: str | None = None):
    if lang is not None and lang not in supported_languages():
        raise Http404("No such language.")
    config = {
        "page": page,
        "lang": lang,
        "slug": slug,
        "graphqlUrl": reverse("graphql"),
        "readerUrl": reverse("reader:list"),
        "languages": [{"code": code, "name": name} for code, name in settings.LANGUAGES],
    }
    # The site's own words in the page's language; a list without one in the address is in
    # the browser's language, which the page's script then reads from <html lang>.
    page_language = lang or negotiate_language(None, request.headers.get("Accept-Language"))
    with translation.override(page_language):
        response = render(request, "reader/page.html", {"config": config, "lang": page_language})
    if lang is None:
        patch_vary_headers(response, ["Accept-Language"])
    response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(READER_CSP)
    # A shell changes only with a release (its data comes from GraphQL): a cache in front
    # keeps it until the release purges the key ``reader``.
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    response.headers["Surrogate-Control"] = f"max-age={settings.EDGE_CACHE_MAX_AGE}"
    response.headers["Surrogate-Key"] = READER_KEY
    return response


def entry_list(request, lang: str | None = None):
    return _page(request, page="list", lang=lang)


def entry(request, lang: str, slug: str):
    response = _page(request, page="entry", lang=lang, slug=slug)
    if "preview" in request.GET:
        # The token is in the address: never leak it to linked sites, never keep the page.
        response.headers["Referrer-Policy"] = "no-referrer"
        del response.headers["Surrogate-Control"], response.headers["Surrogate-Key"]
        response.headers["Cache-Control"] = "private, no-store"
        # The admin shows a preview beside the entry's form.
        response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(
            {**READER_CSP, "frame-ancestors": [CSP.SELF]}
        )
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
