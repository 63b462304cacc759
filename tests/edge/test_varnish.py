"""The shipped VCL (deploy/varnish/default.vcl) in a real varnishd in front of a live origin:
publishing through the admin answers fresh on every surface, nothing else is refetched,
what must reach the origin does, and readers get the stale answer while the origin is down.
"""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.services import article_publish, article_submit_for_review
from edge import backends
from tests.edge.relay import Relay
from tests.factories import ArticleFactory, UserFactory
from tests.varnish_server import VarnishServer, varnishd_or_skip
from tests.webhooks.utils import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# The reader site's list: its shell, then the GraphQL GET its script sends.
READER_LIST = "query ReaderList { articles { totalCount results { slug translation { title } } } }"
SURFACES = {
    "rest": "/api/v1/articles/",
    "graphql": f"/graphql/?{httpx.QueryParams({'query': READER_LIST})}",
    "feed": "/feeds/en.rss",
    "reader": "/read/en/",
}


@pytest.fixture
def edge(live_server, settings):
    varnishd_or_skip()
    relay = Relay(int(live_server.url.rsplit(":", 1)[1]))
    relay.start()
    varnish = VarnishServer(relay.port)
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]  # readers via Varnish; the admin
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_PURGE_URLS = [f"{varnish.url}/"]
    client = httpx.Client(base_url=varnish.url, timeout=10)
    try:
        varnish.start()
        wait_for(lambda: client.get("/read/nl/").status_code == 200)  # the probe found it
        client.relay, client.varnish = relay, varnish
        yield client
    finally:
        client.close()
        varnish.stop()
        relay.stop()


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def cache(response) -> str:
    return response.headers["X-Cache"]


def publish_in_admin(client, article, user) -> None:
    client.force_login(user)
    for action in ("submit_for_review", "publish"):
        url = reverse("admin:articles_article_workflow", args=[article.pk, action])
        assert client.post(url, follow=True).status_code == 200


def test_publishing_in_the_admin_answers_fresh_through_varnish_and_nothing_else_moves(edge, client):
    bystander = ArticleFactory(slug="bystander")
    run_worker()
    detail = f"/api/v1/articles/{bystander.slug}/"
    for url in [*SURFACES.values(), detail]:
        assert cache(edge.get(url)) == "MISS"
        assert cache(edge.get(url)) == "HIT", url
    article = ArticleFactory(slug="just-published", draft=True)
    publish_in_admin(client, article, UserFactory(is_superuser=True))
    run_worker()  # the purge, after the commit
    for name in ("rest", "graphql", "feed"):
        fresh = edge.get(SURFACES[name])
        assert cache(fresh) == "MISS", name
        assert "just-published" in fresh.text, name
    assert cache(edge.get(SURFACES["reader"])) == "HIT"  # the shell did not change
    assert cache(edge.get(detail)) == "HIT"  # an unrelated entry stays cached


def test_admin_previews_release_previews_and_the_change_feed_always_reach_the_origin(edge, client):
    ArticleFactory(slug="previewed")
    for url in (
        "/admin/login/",
        "/api/v1/changes/",
        "/api/v1/articles/previewed/?preview=not-a-token",
        "/read/en/previewed/?preview=not-a-token",
        "/api/v1/articles/?release=not-a-token",
        "/read/en/?lang=en&release=not-a-token",
        f"/graphql/?{httpx.QueryParams({'query': READER_LIST, 'release': 'not-a-token'})}",
    ):
        assert cache(edge.get(url)) == "MISS"
        assert cache(edge.get(url)) == "MISS", url


def test_a_stopped_worker_catches_up_with_no_purge_lost(edge):
    ArticleFactory()
    run_worker()
    assert cache(edge.get(SURFACES["rest"])) == "MISS"
    for slug in ("first-while-down", "second-while-down"):
        article = ArticleFactory(slug=slug, draft=True)
        article_submit_for_review(article=article, user=None)
        article_publish(article=article, user=None)
    # No worker: the cache still answers what it has.
    stale = edge.get(SURFACES["rest"])
    assert cache(stale) == "HIT" and "first-while-down" not in stale.text
    run_worker()  # the worker is back
    fresh = edge.get(SURFACES["rest"])
    assert "first-while-down" in fresh.text and "second-while-down" in fresh.text


def test_a_scheduled_entry_appears_through_varnish_at_its_time_with_no_worker(edge):
    ArticleFactory()
    at = timezone.now() + timedelta(seconds=3)
    article = ArticleFactory(slug="on-time", draft=True)
    article_submit_for_review(article=article, user=None)
    article_publish(article=article, user=None, at=at)
    first = edge.get(SURFACES["rest"])
    assert "on-time" not in first.text
    assert cache(edge.get(SURFACES["rest"])) == "HIT"
    time.sleep(max(0.0, (at - timezone.now()).total_seconds()) + 1.1)
    assert "on-time" in edge.get(SURFACES["rest"]).text


def test_with_the_origin_down_varnish_serves_the_stale_answer(edge):
    article = ArticleFactory(slug="kept")
    run_worker()
    detail = f"/api/v1/articles/{article.slug}/"
    assert edge.get(detail).status_code == 200
    edge.relay.stop()
    wait_for(lambda: edge.get("/api/v1/never-cached/").status_code == 503)
    time.sleep(3)  # the probe marks the origin sick
    backends.purge([f"entry-{article.pk}"])  # an answer purged while the origin is down
    stale = edge.get(detail)
    assert stale.status_code == 200
    assert json.loads(stale.text)["slug"] == "kept"
    edge.relay.start()


def test_one_cached_answer_per_supported_language(edge):
    ArticleFactory()

    def in_language(header: str | None):
        headers = {"Accept-Language": header} if header else {}
        response = edge.get("/api/v1/vendors/", headers=headers)
        return cache(response), response.json()["results"][0]["requested_language"]

    assert in_language("nl-BE,nl;q=0.9") == ("MISS", "nl")
    assert in_language("nl") == ("HIT", "nl")
    assert in_language("fr, en;q=0.5") == ("MISS", "en")
    assert in_language("en-GB") == ("HIT", "en")
    assert in_language(None) == ("HIT", "en")  # no header: the default language


def test_an_api_key_reaches_the_origin_which_checks_and_counts_it(edge):
    ArticleFactory()
    assert cache(edge.get(SURFACES["rest"])) == "MISS"
    assert cache(edge.get(SURFACES["rest"])) == "HIT"
    refused = edge.get(SURFACES["rest"], headers={"Authorization": "Api-Key not-a-key"})
    assert refused.status_code == 401
    assert cache(refused) == "MISS"


def test_answers_are_gzipped_and_carry_no_cache_internals(edge):
    ArticleFactory()
    edge.get(SURFACES["rest"])
    response = edge.get(SURFACES["rest"], headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Surrogate-Control" not in response.headers
    assert "xkey" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_only_the_configured_addresses_may_purge(edge):
    ArticleFactory(slug="guarded")
    detail = "/api/v1/articles/guarded/"
    edge.get(detail)
    stranger = httpx.Client(
        base_url=edge.varnish.url, transport=httpx.HTTPTransport(local_address="127.0.0.2")
    )
    with stranger:
        refused = stranger.request("PURGE", "/", headers={"xkey-purge": "entries-en"})
    assert refused.status_code == 403
    assert cache(edge.get(detail)) == "HIT"
    assert edge.request("PURGE", "/").status_code == 400  # no keys named


class SlowOrigin:
    """An origin whose answers say which publication they were built at (``position``)."""

    def __init__(self):
        self.position = 0
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Surrogate-Control", "max-age=3600")
                self.send_header("Surrogate-Key", "entries-en")
                self.send_header("X-Publication-Position", str(origin.position))
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_an_answer_built_before_the_last_purge_is_passed_on_not_kept():
    """A fetch that read the data before a publication committed and arrives after its purge
    would otherwise keep the purged content for the whole lifetime."""
    varnishd_or_skip()
    origin = SlowOrigin()
    varnish = VarnishServer(origin.server.server_address[1])
    try:
        varnish.start()
        with httpx.Client(base_url=varnish.url, timeout=10) as edge:
            wait_for(lambda: edge.get("/read/en/").status_code == 200)
            origin.position = 5
            assert cache(edge.get("/list")) == "MISS"
            assert cache(edge.get("/list")) == "HIT"
            purge = {"xkey-purge": "entries-en", "xkey-position": "7"}
            purged = edge.request("PURGE", "/", headers=purge)
            assert purged.status_code == 200
            # Answers still built at position 5 (before the purged publication) are not kept.
            assert cache(edge.get("/list")) == "MISS"
            assert cache(edge.get("/list")) == "MISS"
            origin.position = 7
            assert cache(edge.get("/list")) == "MISS"
            assert cache(edge.get("/list")) == "HIT"
            assert "X-Publication-Position" not in edge.get("/list").headers
    finally:
        varnish.stop()
        origin.close()
