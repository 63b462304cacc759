"""The entry image on every public surface: the server-rendered page (head and <picture>,
without JavaScript), GraphQL, the feeds and the JSON-LD."""

import json

import pytest

from tests.factories import ArticleFactory
from tests.reader.test_entry_head import Head
from tests.utils import go_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(library_image):
    image = library_image(1920, 1080, alt={"en": "A red disc", "nl": "Een rode schijf"})
    article = ArticleFactory(slug="drawn", image=image, image_caption={"en": "Drawn."})
    go_live(article)
    return article


def test_link_previews_get_the_social_card_and_its_alt_without_javascript(client, entry):
    page = Head(client.get("/read/nl/drawn/").content.decode())
    assert page.one("og:image").endswith(".jpg")
    assert page.one("og:image").startswith("http://127.0.0.1:8000/media/images/renditions/")
    assert page.one("og:image:alt") == "Een rode schijf"
    assert (page.one("og:image:width"), page.one("og:image:height")) == ("1200", "630")
    assert page.one("twitter:card") == "summary_large_image"
    (data,) = page.json_ld
    card, largest = data["image"]
    assert (card["width"], card["height"]) == (1200, 630)
    assert card["url"] == page.one("og:image")
    assert largest["width"] == 1600 and card["creditText"] == "Illustration: the desk"


def test_the_page_offers_every_width_in_every_format_lazily(client, entry):
    html = client.get("/read/en/drawn/").content.decode()
    assert html.count("<source ") == 2
    assert 'type="image/avif"' in html and 'type="image/webp"' in html
    assert 'loading="lazy"' in html and 'width="1600" height="900"' in html
    assert 'alt="A red disc"' in html
    for width in (480, 960, 1600):
        assert f"-width-{width}.jpg {width}w" in html
    assert "Drawn." in html


def test_graphql_gives_the_renditions_and_the_flagged_alt(client, entry):
    query = """{ article(slug: "drawn", language: NL) { image {
        alt language fallback credit focalPoint { x y }
        renditions { format width height url } card { width height }
        caption { text language fallback } } } }"""
    image = client.post("/graphql/", {"query": query}, content_type="application/json").json()[
        "data"
    ]["article"]["image"]
    assert (image["alt"], image["language"], image["fallback"]) == ("Een rode schijf", "NL", False)
    assert image["caption"] == {"text": "Drawn.", "language": "EN", "fallback": True}
    assert {(r["format"], r["width"]) for r in image["renditions"]} == {
        (fmt, w) for fmt in ("AVIF", "WEBP", "JPEG") for w in (480, 960, 1600)
    }
    assert image["card"] == {"width": 1200, "height": 630}


def test_feeds_carry_the_image(client, entry):
    rss = client.get("/feeds/en.rss").content.decode()
    assert "<enclosure " in rss and 'type="image/jpeg"' in rss
    assert "<media:content " in rss
    atom = client.get("/feeds/en.atom").content.decode()
    assert 'rel="enclosure"' in atom
    feed = json.loads(client.get("/feeds/en.json").content)
    assert feed["items"][0]["image"].endswith(".jpg")
