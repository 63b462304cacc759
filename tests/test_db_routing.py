"""Where each request reads: public GETs on a replica, the rest on the primary.

The replica here is the primary's own connection under a second alias (a replica without lag,
as ``TEST: {"MIRROR": "default"}`` makes it), so what is recorded is the router's choice;
tests/topology/ runs a real streaming replica.
"""

import json
import logging

import pytest
from django.db import connections
from django.test import Client

from articles.models import PublicationLog
from articles.previews import preview_token_create
from articles.selectors.replication import replica_lag
from kernel import db_routing
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

REPLICA = "replica_1"


@pytest.fixture
def replica():
    """A replica alias sharing the primary's connection (and its test transaction)."""
    connections.settings[REPLICA] = {
        **connections["default"].settings_dict,
        "TEST": {**connections["default"].settings_dict["TEST"], "MIRROR": "default"},
    }
    connections[REPLICA] = connections["default"]
    db_routing.health.forget()
    yield REPLICA
    del connections[REPLICA]
    del connections.settings[REPLICA]
    db_routing.health.forget()


@pytest.fixture
def reads(monkeypatch):
    """The alias of every read the ORM and the log's head make, per model."""
    seen: list[tuple[str, str]] = []
    choose = db_routing.ReplicaRouter.db_for_read

    def recording(router, model, **hints):
        alias = choose(router, model, **hints)
        seen.append((model._meta.label, alias))
        return alias

    monkeypatch.setattr(db_routing.ReplicaRouter, "db_for_read", recording)
    return seen


def aliases(seen, label=None) -> set[str]:
    return {alias for model, alias in seen if label is None or model == label}


def test_without_replicas_everything_reads_from_the_primary(client, reads):
    ArticleFactory(slug="one")
    assert client.get("/api/v1/articles/one/").status_code == 200
    assert aliases(reads) == {"default"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/",
        "/api/v1/articles/one/",
        "/api/v1/changes/",
        "/feeds/en.json",
        "/feeds/en.rss",
        "/sitemap-entries.xml",
        "/read/en/one/",
        "/graphql/?query={articles{results{slug}}}",
    ],
)
def test_public_reads_and_their_log_head_come_from_the_replica(client, replica, reads, path):
    ArticleFactory(slug="one")
    reads.clear()
    response = client.get(path)
    assert response.status_code == 200
    assert aliases(reads, PublicationLog._meta.label) == {REPLICA}
    assert aliases(reads) == {REPLICA}


def test_a_graphql_query_sent_by_post_reads_from_the_replica(client, replica, reads):
    ArticleFactory(slug="one")
    reads.clear()
    response = client.post(
        "/graphql/", {"query": '{ article(slug: "one") { slug } }'}, "application/json"
    )
    assert response.json()["data"] == {"article": {"slug": "one"}}
    assert aliases(reads) == {REPLICA}


def test_previews_read_from_the_primary(client, replica, reads):
    draft = ArticleFactory(slug="draft", draft=True)
    token = preview_token_create(article=draft)
    reads.clear()
    response = client.get("/api/v1/articles/draft/", {"preview": token})
    assert response.status_code == 200
    assert aliases(reads, "articles.Article") == {"default"}
    reads.clear()
    query = 'query($t: String) { article(slug: "draft", previewToken: $t) { slug } }'
    response = client.get("/graphql/", {"query": query, "variables": json.dumps({"t": token})})
    assert response.json()["data"] == {"article": {"slug": "draft"}}
    assert aliases(reads, "articles.Article") == {"default"}


def test_the_feedback_mutation_reads_from_the_primary(replica, reads):
    ArticleFactory(slug="one")
    reads.clear()
    mutation = """mutation($input: FeedbackInput!) {
      submitFeedback(input: $input) { kind articleSlug } }"""
    response = Client(REMOTE_ADDR="203.0.113.9").post(
        "/graphql/",
        {"query": mutation, "variables": {"input": {"kind": "HELPFUL_YES", "articleSlug": "one"}}},
        "application/json",
    )
    assert response.json()["data"]["submitFeedback"] == {
        "kind": "HELPFUL_YES",
        "articleSlug": "one",
    }
    assert aliases(reads) == {"default"}


def test_rest_feedback_and_the_admin_read_from_the_primary(client, replica, reads):
    ArticleFactory(slug="one")
    reads.clear()
    response = client.post(
        "/api/v1/feedback/", {"kind": "helpful_yes", "article": "one"}, "application/json"
    )
    assert response.status_code == 201
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/admin/articles/article/").status_code == 200
    assert aliases(reads) == {"default"}


def test_migrations_run_on_the_primary_only():
    router = db_routing.ReplicaRouter()
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate(REPLICA, "articles")
    assert router.db_for_write(PublicationLog) == "default"


def test_a_replica_in_step_with_the_primary_has_no_lag():
    ArticleFactory()
    assert PublicationLog.objects.exists()
    assert replica_lag(replica="default", primary="default") == 0.0


def test_a_lagging_replica_is_left_out_with_one_log_line(client, replica, reads, settings, caplog):
    ArticleFactory(slug="one")
    lag = {"seconds": 12.0}
    settings.DATABASE_REPLICA_LAG_PROBE = f"{__name__}.measured_lag"
    settings.DATABASE_REPLICA_PROBE_SECONDS = 0
    MEASURED.update(lag)
    reads.clear()
    with caplog.at_level(logging.ERROR, logger="kernel.db_routing"):
        for _ in range(3):
            assert client.get("/api/v1/articles/one/").status_code == 200
    assert aliases(reads) == {"default"}
    assert [r.getMessage() for r in caplog.records] == [
        f"Replica {REPLICA} is 12.0 s behind the primary (over 5 s): "
        "its public reads go to the primary."
    ]
    MEASURED["seconds"] = 0.5
    reads.clear()
    assert client.get("/api/v1/articles/one/").status_code == 200
    assert aliases(reads) == {REPLICA}


MEASURED = {"seconds": 0.0}


def measured_lag(*, replica: str, primary: str) -> float:
    """A replica lagging as the test says (the real measure is tested above and in
    tests/topology/)."""
    return MEASURED["seconds"]
