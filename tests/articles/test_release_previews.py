"""Release previews: ``?release=<token>`` shows the REST API, GraphQL and the reader site as
they will be once the release is live; privately, never cached, and with nothing written."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from articles.models import Article, LiveEntry, PublicationLog, Release
from articles.release_previews import release_preview_token_create
from articles.selectors import log_head
from articles.services import (
    article_publish,
    article_update,
    release_create,
    release_item_add,
    release_item_review,
    release_publish,
)
from articles.services.releases import release_stage
from edge.models import Purge
from feedback.models import Feedback
from kernel import db_routing, staleness
from reader.documents import reader_documents, reader_manifest
from tests.factories import ArticleFactory, UserFactory, VendorFactory
from tests.reader.test_entry_head import Head
from webhooks.models import Event

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"
PUBLIC_HEADERS = ("ETag", "Last-Modified", "Surrogate-Key", "Surrogate-Control")
START = datetime(2031, 5, 5, 9, 0, tzinfo=UTC)
ARTICLES_QUERY = "{ articles { totalCount results { slug translation { title } } } }"
ENTRY_QUERY = "query($s: String!) { article(slug: $s) { slug translation { title } } }"
VENDOR_QUERY = '{ vendor(slug: "openai") { articleCount } }'


@pytest.fixture
def publisher():
    return UserFactory(role="Publisher")


@pytest.fixture
def writer():
    return UserFactory(role="Writer")


def retitle(article, title):
    article_update(article=article, user=None, translations={"en": {"title": title}})


def live_entry(slug, title, vendor):
    article = ArticleFactory(slug=slug, in_review=True, vendor=vendor)
    retitle(article, title)
    return article_publish(article=article, user=None)


def draft(slug, title, vendor):
    article = ArticleFactory(slug=slug, draft=True, vendor=vendor)
    retitle(article, title)
    return article


def release_of(articles, writer, publisher, title="Launch"):
    release = release_create(title=title, user=writer)
    for article in articles:
        release_item_add(release=release, article=article, user=writer)
    for item in release.items.all():
        release_item_review(item=item, user=publisher)
    return release


@pytest.fixture
def launch(writer, publisher):
    """A new system card and a correction to a live entry, both from OpenAI."""
    vendor = VendorFactory(slug="openai")
    correction = live_entry("last-week", "Last week", vendor)
    retitle(correction, "Last week, corrected")
    card = draft("system-card", "System card", vendor)
    return release_of([card, correction], writer, publisher)


@pytest.fixture
def token(launch):
    return release_preview_token_create(release=launch)


def titles(response) -> dict[str, str]:
    assert response.status_code == 200, response.content
    return {entry["slug"]: entry["title"] for entry in response.json()["results"]}


def graphql(client, query, variables=None, *, release=None, method="get"):
    params = {"query": query, "variables": json.dumps(variables or {})}
    if method == "get":
        return client.get("/graphql/", {**params, **({"release": release} if release else {})})
    address = f"/graphql/?release={release}" if release else "/graphql/"
    return client.post(address, {**params, "variables": variables or {}}, "application/json")


def graphql_titles(response) -> dict[str, str]:
    assert response.status_code == 200, response.content
    results = response.json()["data"]["articles"]["results"]
    return {entry["slug"]: entry["translation"]["title"] for entry in results}


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    for name in (*PUBLIC_HEADERS, "X-Publication-Position"):
        assert not response.has_header(name), name


def database_state():
    """Everything a preview could have written, or left for a worker to send."""
    return (
        list(PublicationLog.objects.values_list("position", "event", "slug")),
        Event.objects.count(),
        Purge.objects.count(),
        sorted(Article.objects.values_list("slug", "status", "published_at")),
        sorted(LiveEntry.objects.values_list("pk", flat=True)),
        list(Release.objects.values_list("status", "published_at")),
    )


# --- What a preview shows ----------------------------------------------------------------


def test_rest_lists_entries_and_vendors_as_the_release_will_make_them(client, token):
    public = {"last-week": "Last week"}
    previewed = {"system-card": "System card", "last-week": "Last week, corrected"}
    assert titles(client.get(ARTICLES, {"release": token})) == previewed
    assert titles(client.get(ARTICLES)) == public

    card = client.get(f"{ARTICLES}system-card/", {"release": token})
    assert card.status_code == 200 and card.json()["title"] == "System card"
    assert client.get(f"{ARTICLES}system-card/").status_code == 404

    vendor = client.get("/api/v1/vendors/openai/", {"release": token})
    assert vendor.json()["public_article_count"] == 2
    assert client.get("/api/v1/vendors/openai/").json()["public_article_count"] == 1
    listed = client.get("/api/v1/vendors/", {"release": token}).json()["results"]
    assert [v["public_article_count"] for v in listed if v["slug"] == "openai"] == [2]
    for response in (card, vendor):
        assert_private(response)


def test_a_previewed_page_links_onward_within_the_preview(client, token):
    first = client.get(ARTICLES, {"release": token, "page_size": 1}).json()
    assert parse_qs(urlsplit(first["next"]).query)["release"] == [token]
    second = client.get(first["next"])
    assert list(titles(second)) == ["last-week"]
    assert titles(second)["last-week"] == "Last week, corrected"


@pytest.mark.parametrize("method", ["get", "post"])
def test_graphql_answers_articles_article_and_vendor_as_the_release_will(client, token, method):
    previewed = graphql(client, ARTICLES_QUERY, release=token, method=method)
    assert graphql_titles(previewed) == {
        "system-card": "System card",
        "last-week": "Last week, corrected",
    }
    assert previewed.json()["data"]["articles"]["totalCount"] == 2
    assert_private(previewed)
    card = graphql(client, ENTRY_QUERY, {"s": "system-card"}, release=token, method=method)
    assert card.json()["data"]["article"]["translation"]["title"] == "System card"
    vendor = graphql(client, VENDOR_QUERY, release=token, method=method)
    assert vendor.json()["data"]["vendor"] == {"articleCount": 2}

    assert graphql_titles(graphql(client, ARTICLES_QUERY, method=method)) == {
        "last-week": "Last week"
    }
    assert graphql(client, ENTRY_QUERY, {"s": "system-card"}).json()["data"]["article"] is None
    assert graphql(client, VENDOR_QUERY).json()["data"]["vendor"] == {"articleCount": 1}


def test_the_readers_persisted_documents_run_in_the_preview(client, token, tmp_path):
    manifest = tmp_path / "reader.json"
    manifest.write_text(json.dumps(reader_manifest()))
    call_command("graphql_documents", "register", str(manifest))
    entry = reader_documents()["entry"]
    params = {
        "documentId": entry["id"],
        "variables": json.dumps({"slug": "system-card", "language": "EN"}),
    }
    previewed = client.get("/graphql/", {**params, "release": token})
    assert previewed.json()["data"]["article"]["translation"]["title"] == "System card"
    assert_private(previewed)
    assert client.get("/graphql/", params).json()["data"]["article"] is None


def test_the_reader_fills_the_entry_page_from_the_release_and_keeps_the_token(client, token):
    response = client.get("/read/en/system-card/", {"release": token})
    assert response.status_code == 200
    assert_private(response)
    page = Head(response.content.decode())
    assert page.title.startswith("System card")
    assert page.one("og:title") == "System card"
    assert page.one("robots") == "noindex"
    assert f'href="/read/?release={quote(token)}"' in response.content.decode()

    corrected = Head(client.get("/read/en/last-week/", {"release": token}).content.decode())
    assert corrected.one("og:title") == "Last week, corrected"

    public = client.get("/read/en/system-card/")
    assert public.status_code == 404
    assert "System card" not in public.content.decode()
    assert Head(client.get("/read/en/last-week/").content.decode()).one("og:title") == "Last week"

    shell = client.get("/read/en/", {"release": token})
    assert shell.status_code == 200
    assert_private(shell)


def test_staging_a_scheduled_release_puts_its_entries_live_now(launch, publisher):
    release_publish(release=launch, user=publisher, at=timezone.now() + timedelta(hours=2))
    with transaction.atomic():
        release_stage(release=launch)
        assert LiveEntry.objects.filter(article__slug="system-card").exists()
        transaction.set_rollback(True)


def test_a_scheduled_release_shows_as_it_will_be_at_its_time(client, launch, publisher):
    with time_machine.travel(START, tick=False) as traveller:
        release_publish(release=launch, user=publisher, at=START + timedelta(hours=2))
        token = release_preview_token_create(release=launch)
        before = database_state()

        previewed = titles(client.get(ARTICLES, {"release": token}))
        assert previewed == {"system-card": "System card", "last-week": "Last week, corrected"}
        assert titles(client.get(ARTICLES)) == {"last-week": "Last week"}
        assert database_state() == before
        launch.refresh_from_db()
        assert launch.status == Release.Status.SCHEDULED

        traveller.shift(timedelta(hours=2))
        assert titles(client.get(ARTICLES)) == previewed


# --- Nothing written, nothing kept ---------------------------------------------------------


def test_a_preview_writes_nothing_sends_nothing_and_purges_nothing(client, token):
    before = database_state()
    for path in (ARTICLES, f"{ARTICLES}system-card/", "/api/v1/vendors/", "/read/en/system-card/"):
        assert client.get(path, {"release": token}).status_code == 200
    assert graphql(client, ARTICLES_QUERY, release=token, method="post").status_code == 200
    assert database_state() == before


def test_a_public_request_after_a_preview_at_the_same_head_is_not_served_the_preview(
    client, launch, writer, publisher
):
    """The staged release moves the log's head to where a real publication of as many rows
    at the same time moves it later: nothing the preview built may be found there."""
    vendor = VendorFactory(slug="anthropic")
    other = release_of(
        [draft("model-card", "Model card", vendor), draft("pricing", "Pricing", vendor)],
        writer,
        publisher,
        title="Other",
    )
    entry = {"s": "system-card"}
    with time_machine.travel(START, tick=False):
        token = release_preview_token_create(release=launch)
        with transaction.atomic():
            release_stage(release=launch)
            previewed_head = log_head()
            transaction.set_rollback(True)
        assert graphql_titles(graphql(client, ARTICLES_QUERY, release=token))["system-card"]
        assert titles(client.get(ARTICLES, {"release": token}))["system-card"]
        assert client.get("/read/en/last-week/", {"release": token}).status_code == 200
        assert client.get(f"{ARTICLES}system-card/", {"release": token}).status_code == 200

        release_publish(release=other, user=publisher)
        assert log_head().token == previewed_head.token  # the same version, on purpose

        public = {"model-card": "Model card", "pricing": "Pricing", "last-week": "Last week"}
        assert titles(client.get(ARTICLES)) == public
        assert graphql_titles(graphql(client, ARTICLES_QUERY)) == public
        assert graphql(client, ENTRY_QUERY, entry).json()["data"]["article"] is None
        assert client.get(f"{ARTICLES}system-card/").status_code == 404
        page = Head(client.get("/read/en/last-week/").content.decode())
        assert page.one("og:title") == "Last week"


def test_the_reused_head_of_the_process_is_not_fed_from_a_preview(
    transactional_db, client, settings, monkeypatch, django_assert_num_queries
):
    """Outside a test transaction, as in production: a preview read first leaves no head for
    the public requests that follow, which name the public log position and reuse it."""
    settings.PUBLIC_HEAD_STALENESS_MS = 250
    monkeypatch.setattr(staleness, "monotonic", lambda: 1000.0)  # no time passes
    vendor = VendorFactory(slug="openai")
    live_entry("last-week", "Last week", vendor)
    # The system's own user: a flushed database (an earlier such test) has no desk groups.
    launch = release_of([draft("system-card", "System card", vendor)], None, None)
    token = release_preview_token_create(release=launch)
    before = database_state()
    public_position = str(PublicationLog.objects.order_by("position").last().position)

    assert "system-card" in titles(client.get(ARTICLES, {"release": token}))

    public = client.get(ARTICLES)
    assert titles(public) == {"last-week": "Last week"}
    assert public["X-Publication-Position"] == public_position
    with django_assert_num_queries(0):  # the head and the answer, kept from the public read
        again = client.get(ARTICLES)
    assert again.content == public.content
    assert database_state() == before


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token_of",
    [
        pytest.param(lambda release: "not-a-token", id="malformed"),
        pytest.param(
            lambda release: release_preview_token_create(release=release)[:-2] + "xx", id="altered"
        ),
    ],
)
def test_an_invalid_token_is_refused_in_each_surfaces_shape(client, launch, token_of):
    token = token_of(launch)
    rest = client.get(ARTICLES, {"release": token})
    assert rest.status_code == 403 and "release preview" in rest.json()["detail"]
    answer = graphql(client, ARTICLES_QUERY, release=token)
    assert answer.status_code == 403
    assert answer.json()["data"] is None and answer.json()["errors"][0]["message"]
    page = client.get("/read/en/system-card/", {"release": token})
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
    assert "System card" not in page.content.decode()
    for response in (rest, answer, page):
        assert_private(response)


def test_an_expired_token_and_a_live_releases_token_are_refused(
    client, launch, publisher, settings
):
    token = release_preview_token_create(release=launch)
    with time_machine.travel(timedelta(seconds=settings.PREVIEW_TOKEN_MAX_AGE + 1)):
        assert client.get(ARTICLES, {"release": token}).status_code == 403
    assert client.get(ARTICLES, {"release": token}).status_code == 200
    release_publish(release=launch, user=publisher)
    assert client.get(ARTICLES, {"release": token}).status_code == 403
    dutch = client.get("/read/nl/system-card/", {"release": token})
    assert dutch.status_code == 403 and "nieuwe voorvertoningslink" in dutch.content.decode()


def test_writes_and_the_change_feed_are_refused_with_a_token(client, token):
    mutation = """mutation($input: FeedbackInput!) {
      submitFeedback(input: $input) { kind } }"""
    variables = {"input": {"kind": "HELPFUL_YES", "articleSlug": "last-week"}}
    refused = Client(REMOTE_ADDR="203.0.113.9").post(
        f"/graphql/?release={token}",
        {"query": mutation, "variables": variables},
        "application/json",
    )
    assert refused.status_code == 403
    assert "only reads" in refused.json()["errors"][0]["message"]
    feedback = client.post(
        f"/api/v1/feedback/?release={token}",
        {"kind": "helpful_yes", "article": "last-week"},
        "application/json",
    )
    assert feedback.status_code == 403 and "only reads" in feedback.json()["detail"]
    assert Feedback.objects.count() == 0
    feed = client.get("/api/v1/changes/", {"release": token})
    assert feed.status_code == 403 and "change feed" in feed.json()["detail"]


# --- The primary only ----------------------------------------------------------------------


@pytest.fixture
def replica_reads(monkeypatch):
    """A replica alias sharing the primary's connection, and the alias of every read made."""
    connections.settings["replica_1"] = {
        **connections["default"].settings_dict,
        "TEST": {**connections["default"].settings_dict["TEST"], "MIRROR": "default"},
    }
    connections["replica_1"] = connections["default"]
    db_routing.health.forget()
    seen: set[str] = set()
    choose = db_routing.ReplicaRouter.db_for_read

    def recording(router, model, **hints):
        alias = choose(router, model, **hints)
        seen.add(alias)
        return alias

    monkeypatch.setattr(db_routing.ReplicaRouter, "db_for_read", recording)
    yield seen
    del connections["replica_1"]
    del connections.settings["replica_1"]
    db_routing.health.forget()


def test_a_preview_reads_the_primary_only(client, token, replica_reads):
    assert client.get(ARTICLES).status_code == 200
    assert replica_reads == {"replica_1"}  # the public list reads the replica
    for request in (
        lambda: client.get(ARTICLES, {"release": token}),
        lambda: client.get("/read/en/system-card/", {"release": token}),
        lambda: graphql(client, ARTICLES_QUERY, release=token),
        lambda: graphql(client, ARTICLES_QUERY, release=token, method="post"),
    ):
        replica_reads.clear()
        assert request().status_code == 200
        assert replica_reads == {"default"}
