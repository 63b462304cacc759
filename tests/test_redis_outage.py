"""Redis down: every public surface still answers, from the database, every budget is still
counted, per process, and a publish still succeeds, its webhook sent once the queue is back;
when Redis returns everything uses it again by itself. Against a real redis-server of the
tests' own, stopped and started again."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import Article
from articles.services import article_publish, article_submit_for_review
from tests.factories import ArticleFactory, UserFactory
from tests.redis_server import HangingServer, RedisServer, redis_server_or_skip
from webhooks.models import Event
from webhooks.services import deliveries_sweep, subscription_create

pytestmark = pytest.mark.django_db

CACHE_BACKEND = "kernel.cache.FailoverRedisCache"  # as cms/settings.py has it with REDIS_URL
ARTICLES = "/api/v1/articles/"
QUERY = "{ articles { results { slug } } }"


@pytest.fixture(scope="module")
def redis_server():
    redis_server_or_skip()
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def on_redis(redis_server, settings):
    """The project's cache on the test's own Redis, running at the start of the test."""
    if redis_server.process is None:
        redis_server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": CACHE_BACKEND,
            "LOCATION": redis_server.url,
            "OPTIONS": {"RETRY_AFTER": 0},  # try Redis again on every operation
        }
    }
    cache.clear()  # through the project's cache, which so knows Redis is up
    return redis_server


def public_reads(slug: str) -> dict[str, tuple[str, dict]]:
    """Every public GET, with the text its answer must hold."""
    return {
        ARTICLES: (slug, {}),
        f"{ARTICLES}{slug}/": (slug, {}),
        "/api/v1/vendors/": ("results", {}),
        "/api/v1/topics/": ("results", {}),
        "/api/v1/changes/": ("has_more", {}),
        "/graphql/": (slug, {"query": QUERY}),
        "/feeds/en.atom": (slug, {}),
        "/feeds/en.json": (slug, {}),
        "/api/schema/": ("openapi", {}),
        "/api/docs/": ("swagger", {}),
        "/api/redoc/": ("redoc", {}),
        f"/read/en/{slug}/": (slug, {}),
    }


def test_every_public_surface_answers_while_redis_is_down(on_redis):
    slug = ArticleFactory().slug
    reader = Client(raise_request_exception=False)
    on_redis.stop()
    for url, (text, params) in public_reads(slug).items():
        response = reader.get(url, params)
        assert response.status_code == 200, (url, response.content[:300])
        assert text in response.content.decode(), url
    posted = reader.post("/graphql/", {"query": QUERY}, content_type="application/json")
    assert posted.json()["data"] == {"articles": {"results": [{"slug": slug}]}}


def test_the_response_cache_uses_redis_again_when_it_returns(on_redis):
    slug = ArticleFactory().slug
    on_redis.stop()
    built = APIClient().get(ARTICLES)
    assert built.status_code == 200 and slug in built.content.decode()
    on_redis.start()
    again = APIClient().get(ARTICLES)
    assert again.content == built.content  # kept in this process's memory meanwhile
    assert not list(on_redis.client().scan_iter("*http-cache:*"))
    APIClient().get(ARTICLES, {"page_size": 5})  # the next answer built goes to Redis
    assert list(on_redis.client().scan_iter("*http-cache:*"))


def test_budgets_are_counted_per_process_while_redis_is_down(on_redis, rates):
    rates(anonymous="3/minute")
    ArticleFactory()
    reader = APIClient(REMOTE_ADDR="203.0.113.10")
    on_redis.stop()
    statuses = [reader.get(ARTICLES).status_code for _ in range(3)]
    graphql = reader.post("/graphql/", {"query": QUERY}, format="json")
    assert statuses == [200, 200, 200]
    assert graphql.status_code == 429
    assert graphql.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert APIClient(REMOTE_ADDR="203.0.113.11").get(ARTICLES).status_code == 200


def test_feedback_submissions_are_counted_while_redis_is_down(on_redis, rates):
    rates(feedback="2/minute")
    reader = APIClient(REMOTE_ADDR="203.0.113.12")
    on_redis.stop()
    statuses = [
        reader.post(
            "/api/v1/feedback/", {"kind": "general", "message": f"Note {n}"}, format="json"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_admin_sign_in_is_still_limited_while_redis_is_down(on_redis, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(username="editor", is_staff=True)
    user.set_password("right password")
    user.save()
    on_redis.stop()
    for _ in range(5):
        Client().post("/admin/login/", {"username": "editor", "password": "wrong"})
    refused = Client().post("/admin/login/", {"username": "editor", "password": "right password"})
    assert refused.status_code == 200
    assert "Too many failed sign-in attempts" in refused.content.decode()


def test_an_outage_is_logged_once_and_so_is_its_end(on_redis, caplog):
    ArticleFactory()
    reader = APIClient()
    caplog.set_level(logging.INFO)
    on_redis.stop()
    for _ in range(5):
        assert reader.get(ARTICLES).status_code == 200
    on_redis.start()
    for _ in range(3):
        assert reader.get(ARTICLES).status_code == 200
    messages = [record.getMessage() for record in caplog.records if "Redis" in record.getMessage()]
    assert len(messages) == 2, messages
    assert "unreachable" in messages[0] and "reachable again" in messages[1]


def test_every_key_the_cache_writes_to_redis_expires(on_redis):
    """So that Redis bounded with ``volatile-lru`` can evict any of them, and no queued job."""
    slug = ArticleFactory().slug
    for url, (_text, params) in public_reads(slug).items():
        Client().get(url, params)
    cache.set("kept", 1, timeout=None)
    cache.add("added", 1, timeout=None)
    cache.set("touched", 1)
    cache.touch("touched", None)
    server = on_redis.client()
    ttls = {key.decode(): server.ttl(key) for key in server.scan_iter()}
    assert len(ttls) > 5
    assert {key: ttl for key, ttl in ttls.items() if ttl < 0} == {}


# --- The task queue ---------------------------------------------------------------------------


@pytest.fixture
def queue_on_redis(on_redis, settings):
    """Tasks queued on RQ in the test's own Redis, as TASKS_BACKEND=rq has them."""
    settings.RQ_QUEUES = {"default": {"URL": on_redis.url, "DEFAULT_TIMEOUT": 120}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    return on_redis


def queued_jobs(server) -> int:
    return server.client().llen("rq:queue:default")


@pytest.mark.django_db(transaction=True)
def test_a_publish_while_the_queue_is_down_succeeds_and_its_webhook_is_sent_later(
    queue_on_redis, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    subscription_create(name="Partner", url="http://127.0.0.1:9/hook")
    queue_on_redis.stop()
    article = ArticleFactory(slug="fresh-entry", draft=True)
    article_submit_for_review(article=article, user=None)
    published = article_publish(article=article, user=None)
    assert published.status == Article.Status.PUBLISHED
    assert Event.objects.get().fanned_out is False  # the outbox row waits for the sweep
    queue_on_redis.start()
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS + 1)
    ):
        deliveries_sweep()
    assert queued_jobs(queue_on_redis) == 1
    # Queued jobs never expire, so Redis bounded with volatile-lru never evicts them.
    server = queue_on_redis.client()
    (job_id,) = server.lrange("rq:queue:default", 0, -1)
    assert server.ttl(b"rq:job:" + job_id) == -1 and server.ttl("rq:queue:default") == -1


def test_a_redis_that_hangs_is_left_alone_between_retries(settings):
    """A Redis that accepts connections and never answers costs one timeout per retry
    interval, not one per operation: the answers come from the database meanwhile."""
    slug = ArticleFactory().slug
    with HangingServer() as hanging:
        settings.CACHES = {
            "default": {
                "BACKEND": CACHE_BACKEND,
                "LOCATION": hanging.url,
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }
        reader = APIClient()
        for _ in range(5):
            response = reader.get(ARTICLES)
            assert response.status_code == 200 and slug in response.content.decode()
        assert hanging.connections == 1
