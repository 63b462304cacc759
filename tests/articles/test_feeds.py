"""RSS, Atom and JSON Feed per language, for all vendors or one."""

import json

import feedparser
import pytest

from tests.factories import (
    ArticleFactory,
    ArticleTranslationFactory,
    TopicFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    openai = VendorFactory(name="OpenAI", slug="openai")
    dutch = ArticleFactory(vendor=openai, languages=[], source_authors="OpenAI, Jane Doe")
    ArticleTranslationFactory(article=dutch, language="en", title="Agents for builders")
    ArticleTranslationFactory(article=dutch, language="nl", title="Agenten voor bouwers")
    dutch.topics.add(TopicFactory(name="Agents", slug="agents"))
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


def test_the_json_feed_has_the_required_fields_of_json_feed_1_1(client, entries):
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
        assert item["content_html"] and item["url"].startswith("http://testserver/api/v1/")
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
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/feeds/en.atom", "/feeds/en.rss", "/feeds/en.json"])
def test_feeds_run_a_fixed_number_of_queries(client, django_assert_num_queries, url):
    topic = TopicFactory()
    for _ in range(30):
        ArticleFactory(languages=["en", "nl"]).topics.add(topic)
    with django_assert_num_queries(3):
        client.get(url)
