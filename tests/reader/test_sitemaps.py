"""The sitemaps list exactly the public entries' pages, in the shapes their schemas require;
robots.txt names them."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import time_machine

from articles.services import article_unpublish
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
W3C_DATETIME = "%Y-%m-%dT%H:%M:%SZ"


def xml(response) -> ElementTree.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def urls(root) -> dict[str, ElementTree.Element]:
    """The ``<url>`` elements of a urlset by ``<loc>``, each checked for what sitemap 0.9
    requires: exactly one absolute ``loc`` of at most 2,048 characters."""
    assert root.tag == f"{{{NS['sm']}}}urlset"
    found = {}
    for url in root.findall("sm:url", NS):
        (loc,) = url.findall("sm:loc", NS)
        assert loc.text.startswith(f"{SITE}/") and len(loc.text) <= 2048
        assert loc.text not in found
        found[loc.text] = url
    return found


def alternates(url) -> dict[str, str]:
    links = url.findall("xhtml:link", NS)
    assert all(link.get("rel") == "alternate" for link in links)
    return {link.get("hreflang"): link.get("href") for link in links}


def page(lang, slug):
    return f"{SITE}/read/{lang}/{slug}/"


@pytest.fixture
def entries():
    both = ArticleFactory(slug="both", languages=["en", "nl"])
    english = ArticleFactory(slug="english-only")
    ArticleFactory(slug="a-draft", draft=True, languages=["en", "nl"])
    ArticleFactory(slug="in-review", in_review=True)
    ArticleFactory(slug="scheduled", scheduled=True)
    ArticleFactory(slug="archived", archived=True)
    return both, english


def test_the_sitemap_lists_each_public_page_in_the_languages_it_is_written_in(client, entries):
    _both, english = entries
    listed = urls(xml(client.get("/sitemap.xml")))
    assert set(listed) == {
        page("en", "both"),
        page("nl", "both"),
        page("en", "english-only"),
    }
    pair = {"en": page("en", "both"), "nl": page("nl", "both"), "x-default": page("en", "both")}
    assert alternates(listed[page("en", "both")]) == pair
    assert alternates(listed[page("nl", "both")]) == pair
    assert alternates(listed[page("en", "english-only")]) == {}
    (lastmod,) = listed[page("en", "english-only")].findall("sm:lastmod", NS)
    modified = english.live.modified_at.astimezone(UTC).replace(microsecond=0)
    assert datetime.strptime(lastmod.text, W3C_DATETIME).replace(tzinfo=UTC) == modified


def test_a_large_sitemap_is_an_index_of_pages_that_together_list_every_page(
    client, entries, settings, django_assert_max_num_queries
):
    settings.SITEMAP_MAX_URLS = 2
    index = xml(client.get("/sitemap.xml"))
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    locations = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert locations == [f"{SITE}/sitemap-entries.xml?p=1", f"{SITE}/sitemap-entries.xml?p=2"]
    listed = {}
    for location in locations:
        with django_assert_max_num_queries(4):  # head, count, page, alternates
            listed |= urls(xml(client.get(location.removeprefix(SITE))))
    assert len(listed) == 3
    assert alternates(listed[page("nl", "both")])["en"] == page("en", "both")
    assert client.get("/sitemap-entries.xml?p=3").status_code == 404
    assert client.get("/sitemap-entries.xml?p=x").status_code == 404


def test_the_sitemap_takes_the_same_queries_however_many_entries(
    client, entries, django_assert_num_queries
):
    with django_assert_num_queries(4):  # head, count, the page, its alternates
        client.get("/sitemap.xml")
    for n in range(5):
        ArticleFactory(slug=f"more-{n}", languages=["en", "nl"])
    with django_assert_num_queries(4):
        fresh = client.get("/sitemap.xml")
    assert len(urls(xml(fresh))) == 13
    with django_assert_num_queries(1):  # head: the cached answer
        cached = client.get("/sitemap.xml")
    assert cached.content == fresh.content
    assert cached["Surrogate-Key"] == "sitemaps"
    assert cached["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert client.get("/sitemap.xml", headers={"If-None-Match": fresh["ETag"]}).status_code == 304


def test_an_entry_unpublished_leaves_the_sitemap_at_once(client, entries):
    _both, english = entries
    assert page("en", "english-only") in urls(xml(client.get("/sitemap.xml")))
    article_unpublish(article=english, user=None)
    assert page("en", "english-only") not in urls(xml(client.get("/sitemap.xml")))


def news(root) -> dict[str, dict]:
    """The news sitemap's entries by ``<loc>``, each checked for what Google News requires."""
    found = {}
    for loc, url in urls(root).items():
        (item,) = url.findall("news:news", NS)
        (publication,) = item.findall("news:publication", NS)
        (name,) = publication.findall("news:name", NS)
        (language,) = publication.findall("news:language", NS)
        (published,) = item.findall("news:publication_date", NS)
        (title,) = item.findall("news:title", NS)
        found[loc] = {
            "name": name.text,
            "language": language.text,
            "published": datetime.strptime(published.text, W3C_DATETIME).replace(tzinfo=UTC),
            "title": title.text,
        }
    return found


NOW = datetime(2031, 5, 4, 12, 0, tzinfo=UTC)


def test_the_news_sitemap_lists_the_public_pages_of_the_last_48_hours(
    client, django_assert_num_queries
):
    with time_machine.travel(NOW, tick=False) as traveller:
        ArticleFactory(slug="old", published_at=NOW - timedelta(hours=49))
        ArticleFactory(
            slug="recent", published_at=NOW - timedelta(hours=47), languages=["en", "nl"]
        )
        ArticleFactory(slug="new", published_at=NOW - timedelta(minutes=5))
        ArticleFactory(slug="draft", draft=True)
        ArticleFactory(slug="soon", published_at=NOW + timedelta(hours=1))
        with django_assert_num_queries(2):  # the log's head, the entries
            listed = news(xml(client.get("/sitemap-news.xml")))
        assert list(listed) == [page("en", "new"), page("en", "recent"), page("nl", "recent")]
        assert listed[page("nl", "recent")] == {
            "name": "AI News Desk",
            "language": "nl",
            "published": NOW - timedelta(hours=47),
            "title": "recent title (nl)",
        }

        traveller.move_to(NOW + timedelta(hours=2))  # "recent" is 49 hours old; "soon" is out
        listed = news(xml(client.get("/sitemap-news.xml")))
        assert list(listed) == [page("en", "soon"), page("en", "new")]


def test_the_news_sitemap_holds_at_most_its_limit_newest_first(client, monkeypatch):
    monkeypatch.setattr("articles.selectors.sitemaps.NEWS_MAX_URLS", 2)
    for n in range(3):
        ArticleFactory(slug=f"entry-{n}", published_at=NOW - timedelta(hours=n))
    with time_machine.travel(NOW, tick=False):
        assert list(news(xml(client.get("/sitemap-news.xml")))) == [
            page("en", "entry-0"),
            page("en", "entry-1"),
        ]


def test_robots_txt_names_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/sitemap-news.xml" in lines
    assert "Disallow: /read/" not in lines
