"""An entry's JSON-LD can go into a page's <script type="application/ld+json"> as served:
no editor's text (title, authors, vendor name, notes) can end the script or open a comment."""

import json

import pytest

from tests.factories import ArticleFactory, ArticleTranslationFactory, NoteFactory, VendorFactory
from tests.utils import go_live

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script> <!-- & -->"
ENTRY = """
query ($slug: String!) {
  article(slug: $slug) { structuredData structuredDataScript }
}
"""


@pytest.fixture
def entry():
    vendor = VendorFactory(name=f"Acme {HOSTILE}", slug="acme")
    article = ArticleFactory(
        slug="hostile", vendor=vendor, source_authors=f"Jane {HOSTILE}, {vendor.name}", languages=[]
    )
    ArticleTranslationFactory(article=article, language="en", title=f"Title {HOSTILE}")
    NoteFactory(article=article, text={"en": f"Note {HOSTILE}"})
    go_live(article)
    return article


def assert_embeddable(script: str) -> dict:
    """``script`` goes into a script element as it is, and reads back as the editors wrote it."""
    assert "</script" not in script.lower() and "<!--" not in script
    assert "<" not in script and ">" not in script and "&" not in script
    data = json.loads(script)
    assert data["headline"] == f"Title {HOSTILE}"
    assert [author["name"] for author in data["author"]] == [f"Jane {HOSTILE}", f"Acme {HOSTILE}"]
    assert data["correction"][0]["text"] == f"Note {HOSTILE}"
    return data


def test_the_rest_api_serves_the_json_ld_ready_to_embed(client, entry):
    document = client.get(f"/api/v1/articles/{entry.slug}/").json()
    assert assert_embeddable(document["structured_data_script"]) == document["structured_data"]
    listed = client.get("/api/v1/articles/").json()["results"][0]
    assert listed["structured_data_script"] == document["structured_data_script"]


def test_graphql_serves_the_json_ld_ready_to_embed(client, entry):
    response = client.post(
        "/graphql/", {"query": ENTRY, "variables": {"slug": entry.slug}}, "application/json"
    )
    article = response.json()["data"]["article"]
    assert assert_embeddable(article["structuredDataScript"]) == article["structuredData"]
