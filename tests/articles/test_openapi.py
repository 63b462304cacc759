"""The OpenAPI document is the contract: real responses of every endpoint match it."""

import io
from datetime import timedelta

import pytest
import time_machine
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from articles.services import article_delete, vendor_update
from partners.services import partner_key_create, partner_key_revoke
from tests.factories import (
    ArticleFactory,
    SignalBulletFactory,
    TopicFactory,
    VendorTranslationFactory,
    make_framework,
    make_scorecard,
)
from tests.utils import assert_matches_schema as assert_matches
from tests.utils import go_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(library_image):
    article = ArticleFactory(languages=["en", "nl"], image=library_image())
    vendor_update(vendor=article.vendor, user=None, fields={"logo": library_image(120, 120)})
    ArticleFactory(vendor=article.vendor, languages=["en"])
    SignalBulletFactory(article=article)
    VendorTranslationFactory(vendor=article.vendor)
    article.topics.add(TopicFactory())
    make_scorecard(
        article=article,
        framework=make_framework(),
        ratings={"CBRN": ("Medium", "Low"), "Persuasion": ("Low", None)},
        risk_areas=["Jailbreaks"],
    )
    go_live(article)
    return article


def resolved(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def assert_same_fields(spec: dict, schema: dict, data, where: str = "$"):
    """Every object in ``data`` has the properties its schema describes, no more, and every
    required one (the validator alone lets undescribed fields through)."""
    schema = resolved(spec, schema)
    if data is None:
        return
    for choice in schema.get("oneOf", []):
        if resolved(spec, choice).get("type") != "null":
            return assert_same_fields(spec, choice, data, where)
    if isinstance(data, dict) and "properties" in schema:
        required = set(schema.get("required", schema["properties"]))
        assert required <= set(data) <= set(schema["properties"]), where
        for name, value in data.items():
            assert_same_fields(spec, schema["properties"][name], value, f"{where}.{name}")
    elif isinstance(data, list) and "items" in schema:
        for index, item in enumerate(data):
            assert_same_fields(spec, schema["items"], item, f"{where}[{index}]")


def test_the_schema_generates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_the_docs_page_loads(client):
    assert client.get("/api/docs/").status_code == 200


def test_every_partner_endpoint_is_documented(openapi, client):
    paths = set(yaml.safe_load(client.get("/api/schema/").content)["paths"])
    assert {
        "/api/v1/vendors/",
        "/api/v1/vendors/{slug}/",
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/articles/{slug}/more-from-vendor/",
        "/api/v1/topics/",
        "/api/v1/changes/",
        "/api/v1/feedback/",
    } <= paths


def test_successful_responses_match_the_schema_field_for_field(openapi, client, article):
    spec = yaml.safe_load(client.get("/api/schema/").content)
    api = APIClient()
    slug, vendor = article.slug, article.vendor.slug
    urls = [
        ("/api/v1/vendors/", "?lang=nl&page_size=1"),
        ("/api/v1/vendors/{slug}/", f"{vendor}/"),
        ("/api/v1/topics/", ""),
        ("/api/v1/articles/", "?lang=nl&page_size=1"),
        ("/api/v1/articles/", f"?vendor={vendor}&has_scorecard=true&ordering=-updated"),
        ("/api/v1/articles/", "?q=title&lang=nl"),
        ("/api/v1/articles/{slug}/", f"{slug}/?lang=nl"),
        ("/api/v1/articles/{slug}/more-from-vendor/", f"{slug}/more-from-vendor/?limit=2"),
    ]
    for template, rest in urls:
        url = template.split("{")[0] + rest
        response = api.get(url)
        assert response.status_code == 200, url
        assert_matches(openapi, response)
        described = spec["paths"][template]["get"]["responses"]["200"]["content"]
        assert_same_fields(spec, described["application/json"]["schema"], response.json(), url)
        again = api.get(url, HTTP_IF_NONE_MATCH=response.headers["ETag"])
        assert again.status_code == 304, url
        assert_matches(openapi, again)


def test_change_feed_responses_match_the_schema_field_for_field(openapi, client, article):
    spec = yaml.safe_load(client.get("/api/schema/").content)
    described = spec["paths"]["/api/v1/changes/"]["get"]["responses"]["200"]["content"]
    api = APIClient()
    article_delete(article=article, user=None)
    actions, url = [], "/api/v1/changes/?page_size=1"
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        while url:
            response = api.get(url)
            assert_matches(openapi, response)
            body = response.json()
            assert_same_fields(spec, described["application/json"]["schema"], body)
            actions += [change["action"] for change in body["results"]]
            url = f"/api/v1/changes/?page_size=1&since={body['next']}" if body["has_more"] else ""
    assert actions == ["upsert", "delete"]


def test_error_responses_match_the_schema(openapi, article, settings):
    api = APIClient()
    errors = {
        "/api/v1/articles/?lang=fr": 400,
        "/api/v1/articles/?published_after=yesterday": 400,
        "/api/v1/articles/?cursor=broken": 400,
        f"/api/v1/articles/{article.slug}/more-from-vendor/?limit=99": 400,
        "/api/v1/changes/?since=broken": 400,
        "/api/v1/articles/?vendor=nobody": 400,
        "/api/v1/topics/?lang=fr": 400,
        "/api/v1/articles/no-such-entry/": 404,
        "/api/v1/articles/no-such-entry/more-from-vendor/": 404,
        "/api/v1/vendors/no-such-vendor/": 404,
    }
    for url, status in errors.items():
        response = api.get(url)
        assert response.status_code == status, url
        assert_matches(openapi, response)

    key, raw_key = partner_key_create(name="Partner")
    partner_key_revoke(key=key)
    revoked = APIClient(HTTP_AUTHORIZATION=f"Api-Key {raw_key}").get("/api/v1/vendors/")
    assert revoked.status_code == 401
    assert_matches(openapi, revoked)

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anonymous": "1/minute"},
    }
    cache.clear()
    api.get("/api/v1/changes/")
    throttled = api.get("/api/v1/changes/")
    assert throttled.status_code == 429
    assert_matches(openapi, throttled)
