import pytest

from tests.factories import ArticleFactory, VendorFactory, VendorTranslationFactory

pytestmark = pytest.mark.django_db


def graphql(client, query, variables=None, language=None):
    return client.post(
        "/graphql/",
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        headers={"Accept-Language": language} if language else {},
    )


def test_vendors_count_only_public_entries(client):
    vendor = VendorFactory(slug="openai", name="OpenAI")
    VendorTranslationFactory(vendor=vendor, language="nl", description="Maakt ChatGPT.")
    ArticleFactory(vendor=vendor)
    for state in ("draft", "in_review", "scheduled", "archived"):
        ArticleFactory(vendor=vendor, **{state: True})

    response = graphql(client, "{ vendors { slug articleCount description } }", language="nl")

    assert response.status_code == 200
    assert response.json()["data"]["vendors"] == [
        {"slug": "openai", "articleCount": 1, "description": "Maakt ChatGPT."}
    ]
