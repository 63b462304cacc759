import itertools
import json
import logging
import shlex
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import strawberry
from django.conf import settings
from graphql import GraphQLError, build_ast_schema, parse, validate
from strawberry.printer import print_schema

from cms.schema import QUERY_TYPES, build_schema, schema
from reader.documents import reader_documents
from tests.test_guides import EXAMPLES

SCHEMA_FILE = Path(settings.BASE_DIR) / "schema.graphql"


def test_schema_graphql_matches_the_code():
    """Regenerate with: python manage.py export_schema cms.schema --path schema.graphql"""
    assert SCHEMA_FILE.read_text(encoding="utf-8").strip() == print_schema(schema).strip()


def post(client, body, content_type="application/json"):
    return client.post("/graphql/", body, content_type=content_type)


def nested_more_from_vendor(depth):
    return (
        '{ article(slug: "x") { '
        + "moreFromVendor(limit: 1) { " * depth
        + "slug"
        + " }" * depth
        + " } }"
    )


@pytest.mark.django_db
def test_a_query_within_every_limit_is_answered(client):
    response = post(client, {"query": nested_more_from_vendor(settings.GRAPHQL["MAX_DEPTH"] - 1)})
    assert response.json()["data"] == {"article": None}
    assert "errors" not in response.json()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            nested_more_from_vendor(settings.GRAPHQL["MAX_DEPTH"]),
            f"exceeds maximum operation depth of {settings.GRAPHQL['MAX_DEPTH']}",
        ),
        (
            "{ " + " ".join(f"v{i}: vendors {{ slug }}" for i in range(16)) + " }",
            f"16 aliases found. Allowed: {settings.GRAPHQL['MAX_ALIASES']}",
        ),
        (
            "{ vendors { " + "slug " * settings.GRAPHQL["MAX_TOKENS"] + "} }",
            f"Document contains more than {settings.GRAPHQL['MAX_TOKENS']} tokens",
        ),
    ],
    ids=["depth", "aliases", "tokens"],
)
def test_a_query_over_a_limit_is_refused_with_a_clear_message(client, query, message):
    response = post(client, {"query": query})

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert [message in error["message"] for error in body["errors"]] == [True]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "Unable to parse request body as JSON"),
        (json.dumps({"variables": {}}), "No GraphQL query found in the request"),
    ],
)
def test_a_malformed_request_is_a_400(client, body, reason):
    response = post(client, body)
    assert response.status_code == 400
    assert response.json() == {"data": None, "errors": [{"message": reason}]}


@pytest.mark.django_db
def test_an_oversized_body_is_refused_before_it_is_read(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_REQUEST_BYTES": 1024}
    padding = " " * 2000
    response = client.post(
        "/graphql/", {"query": "{ vendors { slug } }" + padding}, content_type="application/json"
    )
    assert response.status_code == 413
    assert "the limit is 1024" in response.json()["errors"][0]["message"]
    small = client.post("/graphql/", {"query": "{ vendors { slug } }"}, "application/json")
    assert small.status_code == 200 and "errors" not in small.json()


def test_graphiql_is_served_only_when_configured(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": False}
    assert client.get("/graphql/", headers={"Accept": "text/html"}).status_code == 404

    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": True}
    response = client.get("/graphql/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_introspection_is_on_by_default_and_can_be_switched_off(settings):
    assert schema.execute_sync(INTROSPECTION).data == {"__schema": {"queryType": {"name": "Query"}}}

    settings.GRAPHQL = {**settings.GRAPHQL, "INTROSPECTION": False}
    result = build_schema().execute_sync(INTROSPECTION)

    assert result.data is None
    assert "introspection" in result.errors[0].message.lower()


@strawberry.type
class FailingQuery:
    @strawberry.field
    def broken(self) -> int:
        return {}["internal detail"]


def test_an_unexpected_error_is_masked_with_debug_off(settings):
    settings.DEBUG = False
    result = build_schema(query_types=[*QUERY_TYPES, FailingQuery]).execute_sync("{ broken }")
    assert [error.message for error in result.errors] == ["Unexpected error."]


def test_an_unexpected_error_is_shown_with_debug_on(settings):
    settings.DEBUG = True
    result = build_schema(query_types=[*QUERY_TYPES, FailingQuery]).execute_sync("{ broken }")
    assert [error.message for error in result.errors] == ["'internal detail'"]


@pytest.mark.django_db
def test_queries_sent_with_get_may_be_cached_per_language(client):
    response = client.get("/graphql/", {"query": "{ vendors { slug } }"})

    assert response.status_code == 200
    assert "Accept-Language" in response.headers["Vary"]
    assert f"max-age={settings.PUBLIC_CACHE_MAX_AGE}" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_posted_queries_vary_by_language_and_are_not_marked_public(client):
    response = post(client, {"query": "{ vendors { slug } }"})

    assert response.status_code == 200
    assert "Accept-Language" in response.headers["Vary"]
    assert "public" not in response.headers.get("Cache-Control", "")


def test_editorial_fields_are_not_exposed():
    result = schema.execute_sync('{ __type(name: "Article") { fields { name } } }')
    fields = {field["name"] for field in result.data["__type"]["fields"]}
    assert {"slug", "translation", "scorecard"} <= fields
    assert fields.isdisjoint({"status", "version", "revisitAfter", "createdAt"})


def test_only_server_faults_are_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="strawberry.execution"):
        schema.execute_sync("{ " + " ".join(f"v{i}: vendors {{ slug }}" for i in range(16)) + " }")
        schema.execute_sync("{ nope }")
    assert caplog.records == []

    with caplog.at_level(logging.ERROR, logger="strawberry.execution"):
        build_schema(query_types=[*QUERY_TYPES, FailingQuery]).execute_sync("{ broken }")
    assert [record.levelno for record in caplog.records] == [logging.ERROR]
    assert "internal detail" in caplog.text


def guide_documents() -> list[tuple[str, str]]:
    """Every GraphQL document the guides send: ```graphql blocks and the `query` of each curl
    command (a JSON body, `--data-urlencode query=`, or `?query=` in the URL), with where."""
    documents = []
    for example in EXAMPLES:
        where = f"{example.guide}:{example.line}"
        if example.kind == "graphql":
            documents.append((where, example.query))
        for command in example.commands:
            words = shlex.split(command.text.replace("\\\n", " "), comments=True)
            for flag, value in itertools.pairwise(words):
                if flag in ("-d", "--data", "--data-raw", "--data-binary") and value[:1] == "{":
                    query = json.loads(value).get("query")
                elif flag == "--data-urlencode" and value.startswith("query="):
                    query = value.removeprefix("query=")
                else:
                    query = parse_qs(urlsplit(value).query).get("query", [None])[-1]
                if query:
                    documents.append((f"{where} (line {command.line})", query))
    return documents


def test_every_document_the_reader_site_and_the_guides_send_is_valid_against_schema_graphql():
    """A typed client generated from schema.graphql (docs/graphql.md, "Typed clients") can send
    what the site and the guides send."""
    published = build_ast_schema(parse(SCHEMA_FILE.read_text(encoding="utf-8")))
    documents = [
        (f"reader/documents/{name}.graphql", document["query"])
        for name, document in reader_documents().items()
    ]
    documents += guide_documents()
    assert len(documents) > 10
    invalid = []
    for where, text in documents:
        try:
            errors = validate(published, parse(text))
        except GraphQLError as error:
            errors = [error]
        invalid += [f"{where}: {error.message}" for error in errors]
    assert invalid == []
