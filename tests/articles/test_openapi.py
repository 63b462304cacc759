"""The OpenAPI document is the contract: real responses of every endpoint match it."""

import io
from datetime import timedelta

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from cms.services import partner_key_create, partner_key_revoke
from tests.conftest import assert_matches_schema as assert_matches
from tests.factories import (
    ArticleFactory,
    SignalBulletFactory,
    VendorTranslationFactory,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = ArticleFactory(languages=["en", "nl"])
    ArticleFactory(vendor=article.vendor, languages=["en"])
    SignalBulletFactory(article=article)
    VendorTranslationFactory(vendor=article.vendor)
    make_scorecard(
        article=article,
        framework=make_framework(),
        ratings={"CBRN": ("Medium", "Low"), "Persuasion": ("Low", None)},
        risk_areas=["Jailbreaks"],
    )
    return article


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
        "/api/v1/changes/",
        "/api/v1/feedback/",
    } <= paths


def test_successful_responses_match_the_schema(openapi, article, time_machine):
    api = APIClient()
    slug, vendor = article.slug, article.vendor.slug
    urls = [
        "/api/v1/vendors/?lang=nl",
        f"/api/v1/vendors/{vendor}/",
        "/api/v1/articles/?lang=nl&page_size=1",
        f"/api/v1/articles/?vendor={vendor}&has_scorecard=true&ordering=-updated",
        f"/api/v1/articles/{slug}/?lang=nl",
        f"/api/v1/articles/{slug}/more-from-vendor/?limit=2",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        assert_matches(openapi, response)
        again = api.get(url, HTTP_IF_NONE_MATCH=response.headers["ETag"])
        assert again.status_code == 304, url
        assert_matches(openapi, again)
    article.delete()
    time_machine.move_to(timezone.now() + timedelta(minutes=1))
    first = api.get("/api/v1/changes/?page_size=1")
    assert first.json()["has_more"]
    assert_matches(openapi, first)
    rest = api.get(f"/api/v1/changes/?since={first.json()['next']}")
    actions = [first.json()["results"][0]["action"]] + [
        change["action"] for change in rest.json()["results"]
    ]
    assert actions == ["upsert", "delete"]
    assert_matches(openapi, rest)


def test_error_responses_match_the_schema(openapi, article, settings):
    api = APIClient()
    errors = {
        "/api/v1/articles/?lang=fr": 400,
        "/api/v1/articles/?published_after=yesterday": 400,
        "/api/v1/articles/?cursor=broken": 400,
        f"/api/v1/articles/{article.slug}/more-from-vendor/?limit=99": 400,
        "/api/v1/changes/?since=broken": 400,
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
