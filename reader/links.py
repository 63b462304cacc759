"""Links to an entry as a reader sees it, for the admin and anything else that needs one."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.core import checks
from django.urls import reverse

from articles.models import Article
from kernel.languages import default_language, validate_language
from kernel.url_templates import url_template_errors

PLACEHOLDERS = ("slug", "token", "lang")


def reader_url(article: Article, *, language: str | None = None) -> str:
    """The entry on the reader site (a path), in ``language`` or the default language."""
    lang = validate_language(language) if language else default_language()
    return reverse("reader:entry", kwargs={"lang": lang, "slug": article.slug})


def preview_url(article: Article, token: str, *, language: str | None = None) -> str:
    """Where an editor previews the entry with ``token``.

    ``settings.PREVIEW_URL_TEMPLATE`` (a frontend's preview page, with ``{slug}``, ``{token}``
    and ``{lang}``) when set, else the reader site's page with ``?preview=<token>``.
    """
    lang = validate_language(language) if language else default_language()
    template = settings.PREVIEW_URL_TEMPLATE
    if template:
        return template.format(slug=quote(article.slug), token=quote(token, safe=""), lang=lang)
    return f"{reader_url(article, language=lang)}?{urlencode({'preview': token})}"


@checks.register(checks.Tags.urls)
def check_preview_url_template(app_configs=None, **kwargs):
    return url_template_errors(
        "PREVIEW_URL_TEMPLATE",
        settings.PREVIEW_URL_TEMPLATE,
        placeholders=PLACEHOLDERS,
        needs=("token",),
        example="https://front.example/preview/{slug}?token={token}&lang={lang}",
        id="reader.E001",
    )
