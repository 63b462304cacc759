"""An entry page fetched without JavaScript carries its head and its text, filled by the server
from the live document: what link previews and search engines read."""

import json
from html.parser import HTMLParser

import pytest

from articles.previews import preview_token_create
from tests.factories import ArticleFactory, ArticleTranslationFactory, SignalBulletFactory
from tests.utils import go_live

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


class Head(HTMLParser):
    """The tags of a page a crawler reads: meta, link, title, JSON-LD, and the visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.title = ""
        self.json_ld: list[dict] = []
        self.text: list[str] = []
        self._in = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            name = attrs.get("property") or attrs["name"]
            self.meta.setdefault(name, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        self._in.append((tag, attrs))

    def handle_endtag(self, tag):
        while self._in and self._in.pop()[0] != tag:
            pass

    def handle_data(self, data):
        tag, attrs = self._in[-1] if self._in else ("", {})
        if tag == "title":
            self.title += data
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self.json_ld.append(json.loads(data))
        elif any(t == "main" for t, _a in self._in) and data.strip():
            self.text.append(data.strip())

    def one(self, name: str) -> str:
        (value,) = self.meta[name]
        return value

    def link(self, rel: str, **attrs) -> list[str]:
        return [
            link["href"]
            for link in self.links
            if link.get("rel") == rel and all(link.get(k) == v for k, v in attrs.items())
        ]


def entry_page(client, path: str, **headers):
    response = client.get(path, headers=headers)
    return response, Head(response.content.decode())


@pytest.fixture
def entry():
    article = ArticleFactory(slug="o3-mini", languages=[], source_authors="OpenAI")
    ArticleTranslationFactory(
        article=article, language="en", title="o3-mini & the </script> card", summary="Cheap."
    )
    ArticleTranslationFactory(
        article=article, language="nl", title="o3-mini-systeemkaart", summary="Goedkoop."
    )
    SignalBulletFactory(article=article, language="nl", text="Sterk in redeneren")
    go_live(article)
    return article


def test_an_entry_page_carries_its_head_and_text_in_the_served_language(client, entry):
    response, page = entry_page(client, "/read/nl/o3-mini/")
    assert response.status_code == 200
    assert page.title == "o3-mini-systeemkaart · AI News"
    assert page.one("description") == "Goedkoop."
    assert page.link("canonical") == [f"{SITE}/read/nl/o3-mini/"]
    assert page.link("alternate", hreflang="en") == [f"{SITE}/read/en/o3-mini/"]
    assert page.link("alternate", hreflang="nl") == [f"{SITE}/read/nl/o3-mini/"]
    assert page.link("alternate", hreflang="x-default") == [f"{SITE}/read/en/o3-mini/"]
    assert page.one("og:type") == "article"
    assert page.one("og:title") == "o3-mini-systeemkaart"
    assert page.one("og:description") == "Goedkoop."
    assert page.one("og:url") == f"{SITE}/read/nl/o3-mini/"
    assert page.one("og:site_name") == "AI News Desk"
    assert page.one("twitter:card") == "summary"
    assert page.one("twitter:title") == "o3-mini-systeemkaart"
    assert page.one("article:published_time") == entry.live.documents.get(
        language="nl"
    ).published_at.isoformat().replace("+00:00", "Z")
    (data,) = page.json_ld
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "o3-mini-systeemkaart"
    assert data["inLanguage"] == "nl"
    assert data["url"] == f"{SITE}/read/nl/o3-mini/"
    # The text is there without JavaScript, and the page's own words are Dutch.
    assert "o3-mini-systeemkaart" in page.text
    assert "Sterk in redeneren" in page.text
    assert "Snelle redactionele duiding" in page.text
    assert "Body in" in " ".join(page.text)
    text = response.content.decode()
    assert '<p class="status" id="status" role="status" hidden>' in text
    assert "heeft JavaScript nodig" not in text


def test_the_json_ld_is_embedded_so_a_title_cannot_end_its_script(client, entry):
    response, page = entry_page(client, "/read/en/o3-mini/")
    assert b"</script> card" not in response.content.split(b"<body>")[0]
    (data,) = page.json_ld
    assert data["headline"] == "o3-mini & the </script> card"
    assert page.one("og:title") == "o3-mini & the </script> card"
    assert page.title == "o3-mini & the </script> card · AI News"


def test_a_page_in_a_language_the_entry_lacks_points_at_the_page_it_shows(client):
    go_live(ArticleFactory(slug="english-only"))
    response, page = entry_page(client, "/read/nl/english-only/")
    assert response.status_code == 200
    assert page.link("canonical") == [f"{SITE}/read/en/english-only/"]
    assert page.link("alternate", hreflang="nl") == []
    assert page.link("alternate", hreflang="en") == [f"{SITE}/read/en/english-only/"]
    assert page.one("og:title") == "english-only title (en)"


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "archived"])
def test_an_entry_the_public_may_not_see_is_a_404_that_shows_nothing_of_it(client, state):
    ArticleFactory(slug="secret", **{state: True})
    response, page = entry_page(client, "/read/en/secret/")
    assert response.status_code == 404
    assert page.title == "AI News"
    assert "secret title" not in response.content.decode()
    assert page.json_ld == [] and "og:title" not in page.meta


def test_a_drafts_preview_page_is_noindex_uncached_and_shows_nothing_without_the_api(client):
    article = ArticleFactory(slug="draft-entry", draft=True)
    token = preview_token_create(article=article)
    response, page = entry_page(client, f"/read/en/draft-entry/?preview={token}")
    assert response.status_code == 200
    assert page.one("robots") == "noindex"
    assert response["X-Robots-Tag"] == "noindex"
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert "ETag" not in response and "Surrogate-Key" not in response
    assert "draft-entry title" not in response.content.decode()
    assert page.json_ld == [] and page.link("canonical") == []


def test_an_entry_page_is_cached_keyed_and_validated_in_constant_queries(
    client, entry, django_assert_num_queries
):
    for other in range(3):
        go_live(ArticleFactory(slug=f"other-{other}", languages=["en", "nl"]))
    with django_assert_num_queries(2):  # the log's head, the document
        built = client.get("/read/en/o3-mini/")
    assert built["Surrogate-Key"] == f"entry-{entry.pk}"
    assert built["Cache-Control"] == "public, max-age=60"
    assert "script-src 'self'" in built["Content-Security-Policy"]
    with django_assert_num_queries(1):  # the log's head
        cached = client.get("/read/en/o3-mini/")
    assert cached.content == built.content
    assert cached["Surrogate-Key"] == built["Surrogate-Key"]
    assert "script-src 'self'" in cached["Content-Security-Policy"]
    with django_assert_num_queries(1):
        unchanged = client.get("/read/en/o3-mini/", headers={"If-None-Match": built["ETag"]})
    assert unchanged.status_code == 304


def test_a_published_change_reaches_the_entry_page_at_once(client, entry):
    assert client.get("/read/en/o3-mini/").status_code == 200
    translation = entry.translations.get(language="en")
    translation.title = "o3-mini, corrected"
    translation.save()
    go_live(entry)
    _response, page = entry_page(client, "/read/en/o3-mini/")
    assert page.one("og:title") == "o3-mini, corrected"
