"""schema.org ``NewsArticle`` JSON-LD for an entry in one language, and its canonical URL.

Built with the entry's documents at publishing time from the settings that name the
publisher (``SITE_NAME``, ``SITE_URL``, ``SITE_LOGO_URL``) and the canonical URL
(``CANONICAL_URL_TEMPLATE``); ``manage.py rebuild_live`` applies a change of those settings to
every live entry. ``script_text`` is the same JSON-LD ready to go into a page as it is.
"""

import json
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.urls import NoReverseMatch, reverse

from articles.choices import NoteKind
from kernel.url_templates import url_template_errors

CANONICAL_PLACEHOLDERS = ("id", "slug", "lang")
# Notes that correct what was published; an update adds to it instead.
CORRECTING_KINDS = (NoteKind.CORRECTION, NoteKind.CLARIFICATION)
# What could end a script element or open a comment in it, escaped as Django's json_script does.
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def canonical_url(*, article_id: int, slug: str, language: str) -> str:
    """Where the entry lives for readers: ``CANONICAL_URL_TEMPLATE`` filled in, else the
    reader site's page, else the REST detail."""
    template = settings.CANONICAL_URL_TEMPLATE
    if template:
        return template.format(id=article_id, slug=quote(slug), lang=language)
    try:
        path = reverse("reader:entry", kwargs={"lang": language, "slug": slug})
    except NoReverseMatch:
        path = f"{reverse('v1:article-detail', args=[slug])}?lang={language}"
    return site_url(path)


def site_url(path: str) -> str:
    """``path`` on this site, absolute under ``SITE_URL``: never the request's host, as the
    answers that carry it are stored and cached for everyone."""
    return settings.SITE_URL.rstrip("/") + path


def _organization(name: str, url: str = "") -> dict:
    return {"@type": "Organization", "name": name, **({"url": url} if url else {})}


def _authors(authors: list[str], vendor) -> list[dict]:
    """The source's authors; the vendor as an Organization when it is the author (by name, or
    when the source names nobody)."""
    if not authors:
        return [_organization(vendor.name, vendor.website)]
    return [
        _organization(vendor.name, vendor.website)
        if name.casefold() == vendor.name.casefold()
        else {"@type": "Person", "name": name}
        for name in authors
    ]


def _publisher() -> dict:
    publisher = _organization(settings.SITE_NAME, settings.SITE_URL)
    if settings.SITE_LOGO_URL:
        publisher["logo"] = {"@type": "ImageObject", "url": settings.SITE_LOGO_URL}
    return publisher


def news_article(document: dict, *, vendor) -> dict:
    """The JSON-LD of ``document`` (a full entry document, notes included)."""
    url = canonical_url(
        article_id=document["id"], slug=document["slug"], language=document["requested_language"]
    )
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": document["title"],
        "description": document["summary"],
        "datePublished": document["published_at"],
        "dateModified": document["modified_at"],
        "author": _authors(document["authors"], vendor),
        "publisher": _publisher(),
        "inLanguage": document["language"] or document["requested_language"],
        "about": [{"@type": "Thing", "name": topic["name"]} for topic in document["topics"]],
        "correction": [
            {
                "@type": "CorrectionComment",
                "text": note["text"],
                "datePublished": note["published_at"],
            }
            for note in document["notes"]
            if note["kind"] in CORRECTING_KINDS
        ],
    }
    if document["source_url"]:
        data["isBasedOn"] = document["source_url"]
    if document.get("image"):
        data["image"] = _image(document["image"])
    return data


def _image(image: dict) -> list[dict]:
    """The entry's image as ImageObjects: the social card first, then the widest rendition
    in a format every reader of JSON-LD decodes (JPEG or PNG)."""
    fallback = [r for r in image["renditions"] if r["format"] in ("jpeg", "png")]
    chosen = [image["card"]] if image["card"] else []
    chosen += sorted(fallback, key=lambda r: r["width"])[-1:]
    return [
        {
            "@type": "ImageObject",
            "url": rendition["url"],
            "width": rendition["width"],
            "height": rendition["height"],
            "caption": image["alt"],
            "creditText": image["credit"],
            **({"license": image["licence"]} if image["licence"].startswith("http") else {}),
        }
        for rendition in chosen
    ]


def script_text(data: dict) -> str:
    """``data`` as JSON for a ``<script type="application/ld+json">``, to embed as it is.

    ``<``, ``>`` and ``&`` in the editors' text (a title with ``</script>`` in it) are written
    as JSON escapes, so the page's HTML parser never ends the element early, while a JSON
    parser still reads back exactly the text the editors wrote.
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)


@checks.register(checks.Tags.urls)
def check_canonical_url_template(app_configs=None, **kwargs):
    return url_template_errors(
        "CANONICAL_URL_TEMPLATE",
        settings.CANONICAL_URL_TEMPLATE,
        placeholders=CANONICAL_PLACEHOLDERS,
        needs=("slug", "id"),
        example="https://news.example/{lang}/{slug}",
        id="articles.E001",
    )
