"""One request budget per client over every public surface: REST, GraphQL and feeds."""

import os
import secrets
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from articles import feed_urls
from partners.services import partner_key_create, partner_key_revoke
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REST = "/api/v1/articles/"
FEED = "/feeds/en.rss"
TYPENAME = {"query": "{ __typename }"}


def graphql(client):
    return client.post("/graphql/", TYPENAME, content_type="application/json")


def test_graphql_answers_429_with_retry_after_in_its_own_shape(rates):
    rates(anonymous="2/minute")
    reader, other = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="203.0.113.6")

    assert [graphql(reader).status_code for _ in range(2)] == [200, 200]
    throttled = graphql(reader)

    assert throttled.status_code == 429
    retry_after = int(throttled.headers["Retry-After"])
    assert 0 < retry_after <= 60
    assert throttled.json() == {
        "data": None,
        "errors": [
            {
                "message": f"Request was throttled. Expected available in {retry_after} seconds.",
                "extensions": {"code": "THROTTLED", "retryAfter": retry_after},
            }
        ],
    }
    assert reader.get("/graphql/", TYPENAME).status_code == 429  # GET too
    assert graphql(other).status_code == 200


@pytest.mark.parametrize("route", feed_urls.urlpatterns, ids=lambda route: route.name)
def test_every_feed_answers_429_with_retry_after(rates, route, django_assert_num_queries):
    """Every route of the feeds (corrections included), read from the URLconf itself, so a
    feed added later is covered without a line here."""
    vendor = ArticleFactory().vendor.slug
    values = {"language": "nl", "vendor": vendor}
    path = reverse(
        route.name, kwargs={name: values[name] for name in route.pattern.regex.groupindex}
    )
    rates(anonymous="1/minute")
    reader = Client(REMOTE_ADDR="203.0.113.7")
    assert reader.get(path).status_code == 200

    with django_assert_num_queries(0):  # a refused request costs one counter increment
        throttled = reader.get(path)

    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert throttled.content.decode().startswith("Request was throttled.")


def test_a_client_has_one_budget_across_rest_graphql_and_feeds(rates):
    rates(anonymous="3/minute")
    reader = Client(REMOTE_ADDR="203.0.113.8")
    assert reader.get(REST).status_code == 200
    assert graphql(reader).status_code == 200
    assert reader.get(FEED).status_code == 200

    assert reader.get(REST).status_code == 429
    assert graphql(reader).status_code == 429
    assert reader.get(FEED).status_code == 429


def test_an_api_key_lifts_graphql_and_feeds_to_the_partner_rate(rates):
    rates(anonymous="1/minute", partner="3/minute")
    _key, raw_key = partner_key_create(name="Newsletter")
    partner = Client(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Api-Key {raw_key}")

    assert [graphql(partner).status_code for _ in range(2)] == [200, 200]
    assert partner.get(FEED).status_code == 200
    assert graphql(partner).status_code == 429
    assert graphql(Client(REMOTE_ADDR="203.0.113.9")).status_code == 200  # the anonymous budget


def test_a_bad_api_key_is_refused_on_graphql_and_feeds_as_on_rest():
    key, raw_key = partner_key_create(name="Newsletter")
    partner_key_revoke(key=key)
    revoked = Client(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    unknown = Client(HTTP_AUTHORIZATION="Api-Key 00000000.nope")

    response = graphql(revoked)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Api-Key"
    assert response.json()["data"] is None
    assert "revoked" in response.json()["errors"][0]["message"]
    assert unknown.get(FEED).status_code == 401
    assert unknown.get(FEED).content == b"Unknown API key."
    assert unknown.get(REST).status_code == 401


# --- Many processes, one Redis ---------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own; only throttle keys are removed


@pytest.fixture(scope="module")
def redis_db():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379; start it to test shared budgets.")
    yield client
    for key in client.scan_iter(match="*throttle*"):
        client.delete(key)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(redis_db, tmp_path_factory):
    """gunicorn with 4 processes of 8 threads sharing one Redis, 120 requests a day per client
    (a day, so the window cannot turn over during the test)."""
    tmp_path = tmp_path_factory.mktemp("throttle")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_"))},
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # fresh fingerprints, fresh budgets
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_MANIFEST": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "API_ANONYMOUS_RATE": "120/day",
        "NUM_PROXIES": "1",  # so each surface below can be a client of its own
    }
    base = django_settings.BASE_DIR
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=base, check=True
    )
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [gunicorn, "cms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "4", "--threads", "8"],
        env=env,
        cwd=base,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/admin/login/")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("method", "path", "client_address"),
    [
        ("GET", "/api/v1/vendors/", "198.51.100.1"),
        ("POST", "/graphql/", "198.51.100.2"),
        ("GET", "/feeds/en.json", "198.51.100.3"),
    ],
    ids=["rest", "graphql", "feeds"],
)
def test_300_concurrent_requests_over_4_processes_let_exactly_the_rate_through(
    server, method, path, client_address
):
    headers = {"X-Forwarded-For": client_address}
    with httpx.Client(base_url=server, headers=headers, timeout=30) as http:

        def send(_index):
            if method == "POST":
                return http.post(path, json=TYPENAME).status_code
            return http.get(path).status_code

        with ThreadPoolExecutor(max_workers=64) as pool:
            statuses = list(pool.map(send, range(300)))

    assert {status: statuses.count(status) for status in set(statuses)} == {200: 120, 429: 180}
