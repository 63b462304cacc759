"""The reader site's pages are shells the script fills, with the right headers; links point at
them. (An entry page's server-filled head and text: test_entry_head.py.)"""

import json
import re

import pytest
from django.core.checks import run_checks

from articles.previews import preview_token_create
from kernel.languages import UnsupportedLanguage
from persisted.services import document_id_of
from reader.documents import reader_documents
from reader.links import preview_url, reader_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _config(response) -> dict:
    match = re.search(rb'<script id="reader-config"[^>]*>(.*?)</script>', response.content)
    return json.loads(match.group(1))


def test_the_entry_page_is_a_shell_that_reads_the_graphql_api(client):
    ArticleFactory(slug="openai-o3-mini-system-card", languages=["en", "nl"])
    response = client.get("/read/nl/openai-o3-mini-system-card/")
    assert response.status_code == 200
    assert b'<html lang="nl">' in response.content
    assert b'<main id="main"' in response.content
    assert b'type="module" src="/static/reader/reader.js"' in response.content
    assert _config(response) == {
        "page": "entry",
        "lang": "nl",
        "slug": "openai-o3-mini-system-card",
        "graphqlUrl": "/graphql/",
        "readerUrl": "/read/",
        "languages": [{"code": "en", "name": "English"}, {"code": "nl", "name": "Nederlands"}],
        "documents": reader_documents(),
    }


def test_the_pages_send_their_documents_with_their_persisted_ids_except_the_preview(client):
    documents = _config(client.get("/read/en/"))["documents"]
    assert sorted(documents) == ["entry", "entry_preview", "feedback", "list"]
    for name, document in documents.items():
        expected = None if name == "entry_preview" else document_id_of(document["query"])
        assert document["id"] == expected


@pytest.mark.parametrize("path", ["/read/", "/read/en/", "/read/en/some-entry/"])
def test_reader_pages_allow_scripts_and_requests_to_this_origin_only(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert "unsafe" not in policy


@pytest.mark.parametrize("path", ["/read/fr/", "/read/fr/some-entry/", "/read/EN/some-entry/"])
def test_a_language_the_site_does_not_have_is_not_found(client, path):
    assert client.get(path).status_code == 404


DUTCH_SHELL = [
    '<a class="skip-link" href="#main">Naar de inhoud</a>',
    '<nav class="switch" id="switch" aria-label="Taal">',
    '<p class="status" id="status" role="status">Laden…</p>',
    "Deze pagina heeft JavaScript nodig: ze leest de berichten uit de GraphQL-API.",
    'Gebouwd op de openbare <a href="/graphql/">GraphQL-API</a>.',
]


def test_a_dutch_page_speaks_dutch_before_its_script_runs(client):
    text = client.get("/read/nl/some-entry/").content.decode()
    for words in DUTCH_SHELL:
        assert words in text
    assert "Skip to content" not in text


def test_the_list_without_a_language_follows_the_browser_and_says_so_to_caches(client):
    response = client.get("/read/", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    text = response.content.decode()
    assert '<html lang="nl">' in text
    for words in DUTCH_SHELL:
        assert words in text
    assert "Accept-Language" in response["Vary"]
    english = client.get("/read/", headers={"Accept-Language": "fr-FR"}).content.decode()
    assert '<html lang="en">' in english
    assert '<a class="skip-link" href="#main">Skip to content</a>' in english


def test_a_preview_page_is_never_cached_and_never_sends_its_address_on(client):
    response = client.get("/read/en/draft-entry/?preview=some-token")
    assert response["Referrer-Policy"] == "no-referrer"
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert "Surrogate-Control" not in response
    assert "Surrogate-Key" not in response
    assert b'<meta name="robots" content="noindex">' in response.content


def test_a_public_page_keeps_the_default_referrer_policy_and_may_be_indexed(client):
    article = ArticleFactory(slug="some-entry")
    response = client.get("/read/en/some-entry/")
    assert response["Referrer-Policy"] != "no-referrer"
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Surrogate-Key"] == f"entry-{article.pk}"
    assert b"noindex" not in response.content


def test_an_entry_page_of_no_public_entry_is_a_404_that_is_never_stored(client):
    response = client.get("/read/en/some-entry/")
    assert response.status_code == 404
    assert "Cache-Control" not in response


def test_reader_url_points_at_the_entry_page():
    article = ArticleFactory(slug="some-entry")
    assert reader_url(article) == "/read/en/some-entry/"
    assert reader_url(article, language="nl") == "/read/nl/some-entry/"
    with pytest.raises(UnsupportedLanguage):
        reader_url(article, language="fr")


def test_preview_url_defaults_to_the_reader_site(client):
    article = ArticleFactory(draft=True, slug="draft-entry")
    token = preview_token_create(article=article)
    url = preview_url(article, token, language="nl")
    assert url.startswith("/read/nl/draft-entry/?preview=")
    assert client.get(url)["Cache-Control"] == "private, no-store"


def test_preview_url_follows_the_configured_frontend(settings):
    settings.PREVIEW_URL_TEMPLATE = "https://front.example/preview/{slug}?token={token}&lang={lang}"
    article = ArticleFactory(draft=True, slug="draft-entry")
    assert preview_url(article, "a:b/c") == (
        "https://front.example/preview/draft-entry?token=a%3Ab%2Fc&lang=en"
    )


@pytest.mark.parametrize(
    "template", ["https://front.example/{slug}?t={tokn}", "https://front.example/{slug}"]
)
def test_an_unusable_preview_url_template_is_reported_at_start_up(settings, template):
    settings.PREVIEW_URL_TEMPLATE = template
    errors = [error for error in run_checks() if error.id == "reader.E001"]
    assert len(errors) == 1
    assert template in errors[0].msg


def test_a_usable_preview_url_template_passes_the_checks(settings):
    settings.PREVIEW_URL_TEMPLATE = "https://front.example/p/{lang}/{slug}#{token}"
    assert not [error for error in run_checks() if error.id == "reader.E001"]
