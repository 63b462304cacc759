"""RSS, Atom and JSON Feed per language, for all vendors or one."""

import json
from datetime import timedelta

import feedparser
import pytest
import time_machine

from tests.factories import (
    ArticleFactory,
    ArticleTranslationFactory,
    NoteFactory,
    TopicFactory,
    VendorFactory,
)
from tests.utils import go_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    openai = VendorFactory(name="OpenAI", slug="openai")
    dutch = ArticleFactory(vendor=openai, languages=[], source_authors="OpenAI, Jane Doe")
    ArticleTranslationFactory(article=dutch, language="en", title="Agents for builders")
    ArticleTranslationFactory(article=dutch, language="nl", title="Agenten voor bouwers")
    dutch.topics.add(TopicFactory(name="Agents", slug="agents"))
    go_live(dutch)
    english_only = ArticleFactory(vendor=openai, languages=["en"])
    other_vendor = ArticleFactory(vendor=VendorFactory(slug="anthropic"))
    hidden = [
        ArticleFactory(vendor=openai, **{state: True})
        for state in ("draft", "in_review", "scheduled", "archived")
    ]
    return {"dutch": dutch, "english_only": english_only, "other": other_vendor, "hidden": hidden}


@pytest.mark.parametrize("extension", ["rss", "atom"])
def test_a_vendor_feed_in_dutch_parses_and_lists_only_public_entries(client, entries, extension):
    response = client.get(f"/feeds/nl/openai.{extension}")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == ("rss20" if extension == "rss" else "atom10")
    assert feed.feed.language == "nl"
    titles = [item.title for item in feed.entries]
    assert titles == ["Agenten voor bouwers", f"{entries['english_only'].slug} title (en)"]
    first = feed.entries[0]
    assert first.id == f"urn:ainews:article:{entries['dutch'].pk}"
    assert first.link == entries["dutch"].source_url
    assert [tag.term for tag in first.tags] == ["Agents"]
    assert first.author == "OpenAI, Jane Doe"
    hidden = {article.slug for article in entries["hidden"]}
    assert not any(slug in response.content.decode() for slug in hidden)


def test_the_all_vendors_feed_has_every_vendors_public_entries(client, entries):
    feed = feedparser.parse(client.get("/feeds/en.atom").content)
    assert not feed.bozo
    assert len(feed.entries) == 3
    assert feedparser.parse(client.get("/feeds/en.rss").content).entries[0].title


def test_a_feed_speaks_its_language(client, entries):
    english = feedparser.parse(client.get("/feeds/en.atom").content).feed
    dutch = feedparser.parse(client.get("/feeds/nl/openai.rss").content).feed
    dutch_json = client.get("/feeds/nl.json").json()
    assert english.title == "AI news: all vendors (en)"
    assert english.subtitle == "Curated entries about what every vendor we follow shipped."
    assert dutch.title == "AI-nieuws: OpenAI (nl)"
    assert dutch.subtitle == "Geselecteerde berichten over wat OpenAI heeft uitgebracht."
    assert dutch_json["title"] == "AI-nieuws: alle aanbieders (nl)"


def test_the_json_feed_has_the_required_fields_of_json_feed_1_1(client, entries, settings):
    response = client.get("/feeds/nl/openai.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/feed+json"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].endswith("/feeds/nl/openai.json")
    assert [item["title"] for item in feed["items"]] == [
        "Agenten voor bouwers",
        f"{entries['english_only'].slug} title (en)",
    ]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item["content_html"] and item["url"].startswith(f"{settings.SITE_URL}/read/nl/")
    assert feed["items"][0]["language"] == "nl" and feed["items"][1]["language"] == "en"
    assert feed["items"][0]["authors"] == [{"name": "OpenAI"}, {"name": "Jane Doe"}]
    all_vendors = json.loads(client.get("/feeds/en.json").content)
    assert len(all_vendors["items"]) == 3


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/fr.atom",
        "/feeds/fr/openai.rss",
        "/feeds/fr.json",
        "/feeds/nl/nobody.atom",
        "/feeds/nl/nobody.json",
    ],
)
def test_an_unknown_language_or_vendor_is_404(client, entries, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "<h1>Not Found</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/feeds/en.atom", 2),  # the log head, the documents
        ("/feeds/en.rss", 2),
        ("/feeds/en.json", 2),
        ("/feeds/nl/openai.json", 3),  # and the vendor
        ("/feeds/corrections/nl.atom", 2),
        ("/feeds/corrections/en.json", 2),
    ],
)
def test_feeds_run_a_fixed_number_of_queries_and_are_cached(
    client, django_assert_num_queries, url, queries
):
    topic = TopicFactory()
    vendor = VendorFactory(slug="openai")
    for _ in range(30):
        article = ArticleFactory(vendor=vendor, languages=["en", "nl"])
        article.topics.add(topic)
        NoteFactory.create_batch(2, article=article)
        go_live(article)
    with django_assert_num_queries(queries):
        first = client.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=60"
    with django_assert_num_queries(1):
        assert client.get(url).content == first.content


def test_a_feed_shows_a_publication_at_once_and_a_scheduled_entry_at_its_time(client):
    scheduled = ArticleFactory(scheduled=True, languages=[])
    ArticleTranslationFactory(article=scheduled, title="Coming soon")
    go_live(scheduled)
    first = client.get("/feeds/en.atom")
    assert feedparser.parse(first.content).entries == []
    out_now = ArticleFactory(languages=[])
    ArticleTranslationFactory(article=out_now, title="Out now")
    go_live(out_now)
    titles = [e.title for e in feedparser.parse(client.get("/feeds/en.atom").content).entries]
    assert "Out now" in titles and "Coming soon" not in titles
    with time_machine.travel(scheduled.published_at + timedelta(seconds=1)):
        later = client.get("/feeds/en.atom", HTTP_IF_NONE_MATCH=first.headers["ETag"])
        assert later.status_code == 200
        assert "Coming soon" in [entry.title for entry in feedparser.parse(later.content).entries]


def test_feeds_link_readers_to_the_reader_site_not_the_api(client, entries, settings):
    site = settings.SITE_URL
    dutch, english_only = entries["dutch"], entries["english_only"]
    pages = [f"{site}/read/nl/{dutch.slug}/", f"{site}/read/nl/{english_only.slug}/"]
    json_feed = client.get("/feeds/nl/openai.json").json()
    assert json_feed["home_page_url"] == f"{site}/read/nl/?vendor=openai"
    assert json_feed["feed_url"] == f"{site}/feeds/nl/openai.json"
    assert [item["url"] for item in json_feed["items"]] == pages
    assert json_feed["items"][0]["external_url"] == dutch.source_url
    for extension in ("rss", "atom"):
        feed = feedparser.parse(client.get(f"/feeds/nl/openai.{extension}").content)
        assert feed.feed.link == f"{site}/read/nl/?vendor=openai"
        assert feed.entries[0].link == dutch.source_url  # the source first, as before
    atom = client.get("/feeds/nl/openai.atom").content.decode()
    assert "/api/v1/articles/?" in atom  # the feed's Atom id, and only that, is as it was
    assert feedparser.parse(atom).feed.id == f"{site}/api/v1/articles/?lang=nl&vendor=openai"
    assert atom.count("/api/") == 1


def test_an_entry_without_a_source_links_to_its_page(client, settings):
    article = ArticleFactory(slug="no-source", source_url="")
    rss = feedparser.parse(client.get("/feeds/en.rss").content)
    assert rss.entries[0].link == f"{settings.SITE_URL}/read/en/{article.slug}/"


def test_the_json_feed_html_of_an_entry_with_notes_is_escaped_once(client):
    article = ArticleFactory(slug="fish", languages=[])
    ArticleTranslationFactory(article=article, body="Fish & *chips* <3")
    note = NoteFactory(article=article, text={"en": "Prices < 5 & rising"})
    go_live(article)
    note.refresh_from_db()
    body_html = client.get(f"/api/v1/articles/{article.slug}/").json()["body_html"]
    assert "<em>chips</em>" in body_html and "&amp;" in body_html
    item = client.get("/feeds/en.json").json()["items"][0]
    day = note.published_at.date().isoformat()
    assert item["content_html"] == (
        f"{body_html}<p><strong>Correction ({day})</strong>: Prices &lt; 5 &amp; rising</p>"
    )
