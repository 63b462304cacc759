"""Query parameters are checked the same way whatever else the request carries, and the
OpenAPI document states their bounds, so a generated client refuses what the API refuses."""

import base64
import json

import pytest
import yaml
from rest_framework.test import APIClient

from articles.selectors import (
    MAX_FILTER_VALUES,
    MAX_SEARCH_LENGTH,
    MORE_FROM_VENDOR_MAX,
    NOT_A_SLUG,
    SLUG_PATTERN,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def parameter(schema: dict, path: str, name: str) -> dict:
    (found,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


def test_page_size_and_limit_publish_their_bounds(client, settings):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    page_size = {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE}
    for path in ("/api/v1/articles/", "/api/v1/vendors/", "/api/v1/changes/"):
        assert parameter(schema, path, "page_size") == page_size, path
    more = "/api/v1/articles/{slug}/more-from-vendor/"
    assert parameter(schema, more, "limit") == {
        "type": "integer",
        "minimum": 1,
        "maximum": MORE_FROM_VENDOR_MAX,
    }


@pytest.mark.parametrize(
    "path",
    ["/api/v1/articles/", "/api/v1/vendors/", "/api/v1/changes/", "/api/v1/articles/{slug}/"],
)
def test_an_empty_lang_is_a_400_not_the_default_language(path):
    slug = ArticleFactory().slug
    response = APIClient().get(path.format(slug=slug) + "?lang=", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    assert list(response.json()) == ["lang"]


@pytest.mark.parametrize(
    "query, name",
    [
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("ordering=sideways", "ordering"),
    ],
)
@pytest.mark.parametrize("condition", ["*", "etag"])
def test_a_conditional_get_checks_paging_values_first(query, name, condition):
    ArticleFactory()
    api = APIClient()
    etag = api.get("/api/v1/articles/").headers["ETag"] if condition == "etag" else "*"
    response = api.get(f"/api/v1/articles/?{query}", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_a_conditional_vendor_list_checks_paging_values_first():
    ArticleFactory()
    response = APIClient().get("/api/v1/vendors/?page_size=abc", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 400 and list(response.json()) == ["page_size"]


def test_a_single_entry_ignores_paging_parameters_it_does_not_have():
    slug = ArticleFactory().slug
    api = APIClient()
    response = api.get(f"/api/v1/articles/{slug}/?page_size=abc&cursor=x")
    assert response.status_code == 200
    assert response.json()["slug"] == slug
    assert response.json() == api.get(f"/api/v1/articles/{slug}/").json()


@pytest.mark.parametrize(
    ("query", "name"),
    [("vendor=a%00b", "vendor"), ("topic=a%00b", "topic"), ("vendor=Bad%20Slug!", "vendor")],
)
def test_a_vendor_or_topic_that_cannot_be_a_slug_is_a_400_naming_it(query, name):
    ArticleFactory()
    response = APIClient().get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400
    assert response.json() == {name: [NOT_A_SLUG]}


def test_the_vendor_and_topic_filters_publish_what_a_slug_is(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for name in ("vendor", "topic"):
        assert parameter(schema, "/api/v1/articles/", name)["items"]["pattern"] == SLUG_PATTERN


def test_a_vendor_cursor_holding_a_nul_is_a_400_naming_it():
    ArticleFactory()
    cursor = base64.urlsafe_b64encode(json.dumps([0, "a\x00b"]).encode()).decode()
    response = APIClient().get("/api/v1/vendors/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {
        "cursor": ["Invalid cursor; use a `next` or `previous` link as it is."]
    }


@pytest.mark.parametrize(
    "name", ["published_after", "published_before", "updated_since", "has_scorecard"]
)
def test_an_empty_date_or_boolean_is_a_400_naming_it_as_the_document_says(name):
    ArticleFactory()
    response = APIClient().get(f"/api/v1/articles/?{name}=")
    assert response.status_code == 400
    assert response.json() == {name: ["This field may not be blank."]}


def test_the_document_states_every_bound_the_api_enforces(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for name in ("vendor", "kind", "topic"):
        assert parameter(schema, "/api/v1/articles/", name)["maxItems"] == MAX_FILTER_VALUES
    assert parameter(schema, "/api/v1/articles/", "q")["maxLength"] == MAX_SEARCH_LENGTH
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for found in operation.get("parameters", []):
                if found["name"] == "slug":
                    assert found["schema"]["pattern"] == SLUG_PATTERN, path


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("&".join(["kind=research"] * (MAX_FILTER_VALUES + 1)), "kind"),
        ("q=" + "%20" * 2 + "x" * (MAX_SEARCH_LENGTH - 1), "q"),
    ],
    ids=["repeated-values", "spaces-counted"],
)
def test_a_value_over_its_documented_bound_is_refused_however_it_is_spelt(query, name):
    response = APIClient().get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [name]
