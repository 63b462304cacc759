"""What a partner notices of caching: validators, 304s, fresh content the moment anything is
published, Surrogate-Key headers, and a fixed, small number of queries per response."""

from datetime import timedelta

import pytest
import redis
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from articles.services import article_archive, article_publish_changes, article_update
from partners.services import partner_key_create, partner_key_revoke
from tests.factories import (
    ArticleFactory,
    SignalBulletFactory,
    TopicFactory,
    VendorFactory,
    VendorTranslationFactory,
    make_framework,
    make_scorecard,
)
from tests.utils import go_live

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"
VENDORS = "/api/v1/vendors/"
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def api():
    return APIClient()


def detail(slug: str) -> str:
    return f"{ARTICLES}{slug}/"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [entry["title"] for entry in response.json()["results"]]


def retitle(article, title: str) -> None:
    article_update(article=article, user=None, translations={"en": {"title": title}})
    article_publish_changes(article=article, user=None)


def entries_with_everything(count: int) -> list:
    framework = make_framework()
    topic = TopicFactory(slug="agents")
    vendor = VendorFactory(slug="openai")
    articles = []
    for _ in range(count):
        article = ArticleFactory(vendor=vendor, languages=["en", "nl"])
        SignalBulletFactory(article=article)
        article.topics.add(topic)
        make_scorecard(
            article=article,
            framework=framework,
            ratings={"CBRN": ("Medium", "Low"), "Persuasion": ("Low", None)},
            risk_areas=["Jailbreaks"],
        )
        go_live(article)
        articles.append(article)
    return articles


# --- Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 50])
def test_a_page_of_entries_takes_the_log_head_and_one_query_for_the_rows(
    api, django_assert_num_queries, page_size
):
    entries_with_everything(50)
    with django_assert_num_queries(2):
        response = api.get(ARTICLES, {"page_size": page_size, "lang": "nl"})
    assert len(response.json()["results"]) == page_size
    # A vendor or topic filter adds one query for both: their slugs must exist.
    params = {"page_size": page_size, "vendor": "openai", "topic": "agents"}
    with django_assert_num_queries(3):
        response = api.get(ARTICLES, params)
    assert len(response.json()["results"]) == page_size
    # A search reads its page as ids with their scores, in any order, then the page's
    # documents, and cuts snippets from them, whatever the page size. On SQLite it first asks
    # the index whether there are more matches than it ranks (SEARCH_RANKED); on PostgreSQL
    # the ranked matches are a subquery of the page's query.
    searching = 5 if connection.vendor == "sqlite" else 4
    with django_assert_num_queries(searching):
        ordered = api.get(ARTICLES, {**params, "q": "title", "ordering": "-published"})
    assert len(ordered.json()["results"]) == page_size
    with django_assert_num_queries(searching):
        response = api.get(ARTICLES, {**params, "q": "title"})
    assert len(response.json()["results"]) == page_size
    with django_assert_num_queries(1):
        again = api.get(ARTICLES, {**params, "q": "title"})
    assert again.content == response.content


@pytest.mark.parametrize("page_size", [1, 50])
def test_vendors_and_topics_take_a_fixed_number_of_queries(
    api, django_assert_num_queries, page_size, library_image
):
    logos = [library_image(120, 120) for _ in range(3)]
    for index in range(50):
        article = ArticleFactory(vendor=VendorFactory(logo=logos[index % 3]))
        VendorTranslationFactory(vendor=article.vendor)
        article.topics.add(TopicFactory())
        go_live(article)
    # the log head, vendors with their counts, their translations, their logos
    with django_assert_num_queries(4):
        vendors = api.get(VENDORS, {"page_size": page_size})
    assert len(vendors.json()["results"]) == page_size
    assert all(vendor["logo"]["renditions"] for vendor in vendors.json()["results"])
    # the log head, the vendor, its translations, its count, its logo
    slug = vendors.json()["results"][0]["slug"]
    with django_assert_num_queries(5):
        assert api.get(f"{VENDORS}{slug}/").json()["logo"]["renditions"]
    # the log head, topics with their counts
    with django_assert_num_queries(2):
        topics = api.get("/api/v1/topics/")
    assert len(topics.json()["results"]) == 50


@pytest.mark.parametrize("limit", [1, 20])
def test_an_entry_and_more_from_its_vendor_take_a_fixed_number_of_queries(
    api, django_assert_num_queries, limit
):
    entry, *_others = entries_with_everything(25)
    with django_assert_num_queries(2):  # the log head, the document
        assert api.get(detail(entry.slug)).status_code == 200
    with django_assert_num_queries(3):  # the log head, the entry, its vendor's other entries
        response = api.get(f"{detail(entry.slug)}more-from-vendor/", {"limit": limit})
    assert len(response.json()["results"]) == limit


def test_every_cached_endpoint_answers_a_conditional_request_with_one_query(
    api, django_assert_num_queries
):
    (entry,) = entries_with_everything(1)
    for url in (
        f"{ARTICLES}?vendor=openai&topic=agents",
        detail(entry.slug),
        f"{detail(entry.slug)}more-from-vendor/",
        VENDORS,
        f"{VENDORS}openai/",
        "/api/v1/topics/",
        "/feeds/en.atom",
        "/feeds/nl/openai.json",
    ):
        etag = api.get(url).headers["ETag"]
        with django_assert_num_queries(1):
            again = api.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b"" and again.headers["ETag"] == etag


def test_a_partner_key_is_looked_up_once_per_request(django_assert_num_queries):
    ArticleFactory()
    _key, raw_key = partner_key_create(name="Partner")
    partner = APIClient(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    partner.get(ARTICLES)  # records when the key was last used
    with django_assert_num_queries(3):  # the key, the log's head, the rows
        built = partner.get(ARTICLES, {"page_size": 1})
    with django_assert_num_queries(2):  # the key, the log's head
        assert partner.get(ARTICLES, {"page_size": 1}).content == built.content
    with django_assert_num_queries(2):
        validated = partner.get(ARTICLES, {"page_size": 1}, HTTP_IF_NONE_MATCH=built["ETag"])
    assert validated.status_code == 304


# --- Answered from the cache -----------------------------------------------------------------


def test_an_answer_from_the_cache_carries_the_headers_of_the_built_one(api):
    article = ArticleFactory()
    for url in (ARTICLES, detail(article.slug), VENDORS):
        built, cached = api.get(url), api.get(url)
        assert cached.content == built.content
        for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary", "Allow"):
            assert cached[name] == built[name], (url, name)
        assert cached["Surrogate-Key"] == built["Surrogate-Key"]


def test_a_head_request_is_answered_like_a_get(api):
    article = ArticleFactory()
    for url in (ARTICLES, detail(article.slug)):
        get, head = api.get(url), api.head(url)
        assert head.status_code == 200 and head.content == b""
        assert head["ETag"] == get["ETag"] and head["Content-Type"] == get["Content-Type"]


def test_cached_answers_and_304s_spend_from_the_budget_and_are_throttled(
    api, settings, django_assert_num_queries
):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anonymous": "3/minute"},
    }
    ArticleFactory()
    first = api.get(ARTICLES)
    assert api.get(ARTICLES).content == first.content
    assert api.get(ARTICLES, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_num_queries(0):  # refused before the log's head is read
        throttled = api.get(ARTICLES, HTTP_IF_NONE_MATCH=first["ETag"])
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["detail"].startswith("Request was throttled.")
    assert "ETag" not in throttled and "public" not in throttled.get("Cache-Control", "")
    assert api.get(ARTICLES).status_code == 429
    assert APIClient(REMOTE_ADDR="203.0.113.50").get(ARTICLES).content == first.content


def test_a_bad_api_key_is_refused_on_a_cached_url():
    ArticleFactory()
    first = APIClient().get(ARTICLES)
    key, raw_key = partner_key_create(name="Partner")
    partner_key_revoke(key=key)
    for authorization in (f"Api-Key {raw_key}", "Api-Key 00000000.nope"):
        refused = APIClient(HTTP_AUTHORIZATION=authorization)
        for conditions in ({}, {"HTTP_IF_NONE_MATCH": first["ETag"]}):
            response = refused.get(ARTICLES, **conditions)
            assert response.status_code == 401, (authorization, conditions)
            assert response["WWW-Authenticate"] == "Api-Key"
            assert "ETag" not in response


def test_an_answer_over_the_cache_size_limit_is_built_each_time_and_still_validated(
    api, settings, django_assert_num_queries
):
    ArticleFactory()
    small = api.get(VENDORS)
    settings.RESPONSE_CACHE_MAX_BYTES = len(small.content) + 1
    first = api.get(ARTICLES)
    assert len(first.content) > settings.RESPONSE_CACHE_MAX_BYTES
    with django_assert_num_queries(2):  # the log head and the rows: built again
        again = api.get(ARTICLES)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    with django_assert_num_queries(1):
        assert api.get(ARTICLES, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_num_queries(1):  # a small answer is still stored
        assert api.get(VENDORS).content == small.content


# --- Validators ------------------------------------------------------------------------------


def test_validators_depend_on_the_language_and_the_query(api):
    entries_with_everything(2)
    first = api.get(ARTICLES, {"lang": "nl"})
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert api.get(ARTICLES, {"lang": "nl"}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get(ARTICLES, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="nl").status_code == 304
    assert api.get(ARTICLES, {"lang": "nl"}, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert api.get(ARTICLES, {"lang": "en"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    other_query = {"lang": "nl", "page_size": 1}
    assert api.get(ARTICLES, other_query, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_request_that_would_be_refused_is_never_answered_304(api):
    ArticleFactory(vendor=VendorFactory(slug="openai"))
    modified = api.get(ARTICLES).headers["Last-Modified"]
    bad_page = api.get(ARTICLES, {"page_size": "0"}, HTTP_IF_NONE_MATCH="*")
    assert bad_page.status_code == 400 and list(bad_page.json()) == ["page_size"]
    unknown = api.get(ARTICLES, {"vendor": "nobody"}, HTTP_IF_NONE_MATCH="*")
    assert unknown.json() == {"vendor": ["Unknown: nobody."]}
    unknown = api.get(ARTICLES, {"vendor": "nobody"}, HTTP_IF_MODIFIED_SINCE=modified)
    assert unknown.status_code == 400
    assert api.get(detail("no-such-entry"), HTTP_IF_NONE_MATCH="*").status_code == 404
    assert api.get(ARTICLES, {"vendor": "openai"}, HTTP_IF_NONE_MATCH="*").status_code == 304


def test_errors_are_not_publicly_cacheable(api):
    for url in (detail("no-such-entry"), f"{ARTICLES}?page_size=0"):
        response = api.get(url)
        assert response.status_code in (400, 404)
        assert "public" not in response.headers.get("Cache-Control", "")
        assert "ETag" not in response.headers


# --- Freshness -------------------------------------------------------------------------------


def test_publishing_changes_makes_every_cached_response_fresh_at_once(api):
    article = ArticleFactory()
    sibling = ArticleFactory(vendor=article.vendor)
    urls = [ARTICLES, detail(article.slug), f"{detail(sibling.slug)}more-from-vendor/"]
    before = {url: api.get(url) for url in urls}
    assert "A better title" not in str([response.content for response in before.values()])
    retitle(article, "A better title")
    for url in urls:
        after = api.get(url, HTTP_IF_NONE_MATCH=before[url].headers["ETag"])
        assert after.status_code == 200, url
        assert b"A better title" in after.content, url


def test_a_scheduled_entry_appears_at_its_time_without_any_write(api):
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    ArticleFactory(vendor=scheduled.vendor)
    first = api.get(ARTICLES)
    assert scheduled.slug not in str(first.content)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        for conditions in (
            {"HTTP_IF_NONE_MATCH": first.headers["ETag"]},
            {"HTTP_IF_MODIFIED_SINCE": first.headers["Last-Modified"]},
            {},
        ):
            later = api.get(ARTICLES, **conditions)
            assert later.status_code == 200
            assert scheduled.slug in [entry["slug"] for entry in later.json()["results"]]


def test_taking_an_entry_down_removes_it_from_cached_lists_and_its_page(api):
    article = ArticleFactory()
    ArticleFactory(vendor=article.vendor)
    first = api.get(ARTICLES)
    etag = api.get(detail(article.slug)).headers["ETag"]
    assert api.get(detail(article.slug), HTTP_IF_NONE_MATCH=etag).status_code == 304
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        article_archive(article=article, user=None)
        later = api.get(ARTICLES, HTTP_IF_MODIFIED_SINCE=first.headers["Last-Modified"])
        assert later.status_code == 200
        assert article.slug not in [entry["slug"] for entry in later.json()["results"]]
        assert api.get(detail(article.slug), HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_the_response_cache_works_on_redis(api, settings, django_assert_num_queries):
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip("No Redis at 127.0.0.1:6379.")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rest-caching-test",
        }
    }
    article = ArticleFactory()
    try:
        first = api.get(ARTICLES)
        with django_assert_num_queries(1):
            assert api.get(ARTICLES).content == first.content
        retitle(article, "Fresh from Redis")
        assert titles(api.get(ARTICLES)) == ["Fresh from Redis"]
    finally:
        for key in server.scan_iter("rest-caching-test:*"):
            server.delete(key)


# --- Surrogate keys --------------------------------------------------------------------------


def test_responses_name_what_they_show_for_a_cdn_to_purge(api):
    topic = TopicFactory(slug="agents")
    article = ArticleFactory()
    article.topics.add(topic)
    go_live(article)
    ArticleFactory(vendor=article.vendor)
    vendor = article.vendor.slug

    def keys(url):
        return api.get(url).headers["Surrogate-Key"].split()

    assert keys(ARTICLES) == ["entries-en"]
    assert keys(f"{ARTICLES}?lang=nl") == ["entries-nl"]
    assert keys(f"{ARTICLES}?q=model") == ["search-en"]
    assert keys(f"{ARTICLES}?vendor={vendor}&q=model") == [f"vendor-{vendor}"]
    assert keys(f"{ARTICLES}?topic=agents") == ["topic-agents"]
    assert keys(f"{ARTICLES}?kind=product_update") == ["entries-en"]
    assert keys(detail(article.slug)) == [f"entry-{article.pk}"]
    more = keys(f"{detail(article.slug)}more-from-vendor/")
    assert more == [f"entry-{article.pk}", f"vendor-{vendor}"]
    assert keys(f"{VENDORS}{vendor}/") == [f"vendor-{vendor}"]
    assert keys(VENDORS) == ["vendors-en"]
    assert keys("/api/v1/topics/") == ["topics"]
    assert keys("/feeds/en.rss") == ["feed-en"]
    assert keys("/feeds/nl.json") == ["feed-nl"]
    assert keys(f"/feeds/en/{vendor}.atom") == [f"vendor-{vendor}"]
    assert keys("/feeds/corrections/en.rss") == ["corrections-en"]
    assert keys("/feeds/corrections/nl.json") == ["corrections-nl"]
