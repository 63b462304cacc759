"""A vendor's logo on the vendors' own endpoints (REST list and detail, GraphQL ``vendors``
and ``vendor``), as entries carry it: only once its renditions are ready."""

import pytest
from rest_framework.test import APIClient

from articles.services import vendor_update
from images.services import image_renditions_render
from tests.factories import ArticleFactory, VendorFactory
from tests.utils import go_live

pytestmark = pytest.mark.django_db

VENDOR_QUERY = """query ($language: Language) {
  vendors(language: $language) { slug logo { alt language fallback credit
    renditions { url width height format } } }
  vendor(slug: "drawn-labs", language: $language) { logo { alt fallback } } }"""


@pytest.fixture
def vendor():
    vendor = VendorFactory(slug="drawn-labs", name="Drawn Labs")
    go_live(ArticleFactory(slug="by-drawn-labs", vendor=vendor))
    return vendor


def with_logo(vendor, logo):
    vendor_update(vendor=vendor, user=None, fields={"logo": logo})


def rest(path, lang="en"):
    return APIClient().get(f"/api/v1/vendors/{path}", {"lang": lang}).json()


def graphql(client, language="EN"):
    response = client.post(
        "/graphql/",
        {"query": VENDOR_QUERY, "variables": {"language": language}},
        content_type="application/json",
    )
    return response.json()["data"]


def test_the_vendors_endpoints_give_the_logo_in_the_served_language(vendor, library_image):
    with_logo(vendor, library_image(200, 200, alt={"en": "Drawn Labs mark", "nl": "Merkteken"}))
    (listed,) = rest("")["results"]
    logo = listed["logo"]
    assert (logo["alt"], logo["language"], logo["fallback"]) == ("Drawn Labs mark", "en", False)
    assert logo["credit"] == "Illustration: the desk"
    assert {(r["format"], r["width"], r["height"]) for r in logo["renditions"]} == {
        ("avif", 200, 200),
        ("webp", 200, 200),
        ("jpeg", 200, 200),
    }
    assert all(r["url"].startswith("http://127.0.0.1:8000/media/") for r in logo["renditions"])
    assert logo == rest("drawn-labs/")["logo"]
    # The same logo as the vendor's entries carry.
    entry = APIClient().get("/api/v1/articles/by-drawn-labs/").json()
    assert entry["vendor"]["logo"] == logo
    assert rest("drawn-labs/", "nl")["logo"]["alt"] == "Merkteken"


def test_a_missing_dutch_alt_text_falls_back_to_english_with_the_flag(vendor, library_image):
    with_logo(vendor, library_image(200, 200, alt={"en": "Drawn Labs mark"}))
    logo = rest("drawn-labs/", "nl")["logo"]
    assert (logo["alt"], logo["language"], logo["fallback"]) == ("Drawn Labs mark", "en", True)


def test_graphql_vendors_and_vendor_give_the_logo(client, vendor, library_image):
    with_logo(vendor, library_image(200, 200, alt={"en": "Drawn Labs mark"}))
    data = graphql(client, "NL")
    (listed,) = data["vendors"]
    assert (listed["logo"]["alt"], listed["logo"]["fallback"]) == ("Drawn Labs mark", True)
    assert listed["logo"]["language"] == "EN"
    assert {r["format"] for r in listed["logo"]["renditions"]} == {"AVIF", "WEBP", "JPEG"}
    assert data["vendor"]["logo"] == {"alt": "Drawn Labs mark", "fallback": True}


def test_a_logo_shows_nowhere_until_its_renditions_are_ready(client, vendor, library_image):
    logo = library_image(200, 200, alt={"en": "Drawn Labs mark"}, ready=False)
    with_logo(vendor, logo)
    api = APIClient()
    assert api.get("/api/v1/vendors/").json()["results"][0]["logo"] is None
    assert api.get("/api/v1/vendors/drawn-labs/").json()["logo"] is None
    assert api.get("/api/v1/articles/by-drawn-labs/").json()["vendor"]["logo"] is None
    assert graphql(client)["vendor"]["logo"] is None

    image_renditions_render(image_id=logo.pk)
    # The same clients again: what was stored for them is not served any longer.
    assert api.get("/api/v1/vendors/").json()["results"][0]["logo"]["alt"] == "Drawn Labs mark"
    assert api.get("/api/v1/vendors/drawn-labs/").json()["logo"]["renditions"]
    assert api.get("/api/v1/articles/by-drawn-labs/").json()["vendor"]["logo"]["renditions"]
    assert graphql(client)["vendor"]["logo"]["alt"] == "Drawn Labs mark"


def test_a_vendor_without_a_logo_has_none(client, vendor):
    assert rest("drawn-labs/")["logo"] is None
    assert graphql(client)["vendors"][0]["logo"] is None
