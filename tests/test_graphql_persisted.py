"""Persisted and trusted GraphQL documents, through /graphql/: by id with GET and POST
(``documentId``, the GraphQL-over-HTTP appendix), Apollo's automatic persisted queries, the
trusted-only mode, and the cost of every answer in its headers."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.services import article_unpublish
from feedback.models import Feedback
from persisted.models import PersistedDocument
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "query Slugs($limit: Int!) { articles(pagination: {limit: $limit}) { results { slug } } }"
SUBMIT = "mutation Send($input: FeedbackInput!) { submitFeedback(input: $input) { id } }"
LIMIT = {"limit": 5}
NOT_FOUND = [
    {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def register(tmp_path, *documents: str, bare_hashes=True) -> None:
    """Register documents as trusted, from a manifest like graphql-codegen's client preset's."""
    manifest = tmp_path / "persisted-documents.json"
    keys = [sha(doc) if bare_hashes else f"sha256:{sha(doc)}" for doc in documents]
    manifest.write_text(json.dumps(dict(zip(keys, documents, strict=True))))
    call_command("graphql_documents", "register", str(manifest))


def by_id(client, document=LIST, variables=None, **headers):
    return client.get(
        "/graphql/",
        {"documentId": f"sha256:{sha(document)}", "variables": json.dumps(variables or LIMIT)},
        headers=headers,
    )


def apq(document=LIST):
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(document)}}


def apq_get(client, document=LIST, variables=None):
    return client.get(
        "/graphql/",
        {"extensions": json.dumps(apq(document)), "variables": json.dumps(variables or LIMIT)},
    )


def post(client, body):
    return client.post("/graphql/", body, content_type="application/json")


def slugs(response):
    return [entry["slug"] for entry in response.json()["data"]["articles"]["results"]]


# --- documentId ------------------------------------------------------------------------------


def test_a_registered_document_by_get_answers_200_with_an_etag_then_304(client, tmp_path):
    article = ArticleFactory()
    register(tmp_path, LIST)
    first = by_id(client)
    assert first.status_code == 200
    assert slugs(first) == [article.slug]
    assert "public" in first["Cache-Control"] and first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = by_id(client)
    assert again.content == first.content
    # The publication log's head and the documents' version (outside a transaction, each
    # process reuses both for PUBLIC_HEAD_STALENESS_MS): the document is not read.
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        validated = by_id(client, **{"If-None-Match": first["ETag"]})
    assert validated.status_code == 304
    assert len(queries) == 2


def test_a_persisted_get_costs_two_queries_more_than_the_same_query_sent_as_text(client, tmp_path):
    ArticleFactory.create_batch(3)
    register(tmp_path, LIST)
    with CaptureQueriesContext(connection) as as_text:
        client.get("/graphql/", {"query": LIST, "variables": json.dumps({"limit": 5})})
    with CaptureQueriesContext(connection) as persisted:
        by_id(client)
    # The documents' version, and the document, read once per version.
    assert len(persisted) == len(as_text) + 2


def test_the_variables_select_the_cached_persisted_answer(client, tmp_path):
    ArticleFactory.create_batch(3)
    register(tmp_path, LIST)
    assert len(slugs(by_id(client, variables={"limit": 1}))) == 1
    assert len(slugs(by_id(client, variables={"limit": 3}))) == 3


def test_a_publication_makes_a_cached_persisted_answer_stale_at_once(client, tmp_path):
    kept, removed = ArticleFactory(), ArticleFactory()
    register(tmp_path, LIST)
    before = by_id(client)
    assert sorted(slugs(before)) == sorted([kept.slug, removed.slug])
    article_unpublish(article=removed, user=None)
    after = by_id(client, **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert slugs(after) == [kept.slug]


def test_a_document_runs_by_id_with_post_too(client, tmp_path):
    article = ArticleFactory()
    register(tmp_path, LIST, bare_hashes=False)
    response = post(client, {"documentId": f"sha256:{sha(LIST)}", "variables": {"limit": 5}})
    assert response.status_code == 200
    assert slugs(response) == [article.slug]
    assert "ETag" not in response


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_id_answers_persisted_query_not_found(client, method):
    document_id = f"sha256:{sha('{ vendors { slug } }')}"
    if method == "get":
        response = client.get("/graphql/", {"documentId": document_id})
    else:
        response = post(client, {"documentId": document_id})
    assert response.status_code == 400
    assert response.json() == {"data": None, "errors": NOT_FOUND}
    assert "ETag" not in response


@pytest.mark.parametrize("document_id", ["abc", f"sha256:{sha(LIST).upper()}", "md5:00"])
def test_a_malformed_id_is_refused(client, document_id):
    response = client.get("/graphql/", {"documentId": document_id})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"].startswith("documentId must be sha256:")
    assert error["extensions"] == {"code": "BAD_REQUEST"}


def test_a_document_sent_with_the_id_of_another_is_refused(client, tmp_path):
    register(tmp_path, LIST)
    response = post(client, {"documentId": f"sha256:{sha(LIST)}", "query": "{ vendors { slug } }"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}
    assert f"sha256:{sha('{ vendors { slug } }')}" in error["message"]


def test_a_get_url_over_8_kb_is_refused(client, tmp_path):
    register(tmp_path, LIST)
    response = client.get(
        "/graphql/",
        {"documentId": f"sha256:{sha(LIST)}", "variables": json.dumps({"x": "a" * 8200})},
    )
    assert response.status_code == 414
    assert "the limit is 8192" in response.json()["errors"][0]["message"]


def test_a_retired_document_no_longer_runs(client, tmp_path, capsys):
    register(tmp_path, LIST)
    call_command("graphql_documents", "retire", f"sha256:{sha(LIST)}")
    assert "1 of 1 documents retired" in capsys.readouterr().out
    response = post(client, {"documentId": f"sha256:{sha(LIST)}", "variables": {"limit": 1}})
    assert response.json()["errors"] == NOT_FOUND
    register(tmp_path, LIST)  # registering it again revives it
    assert post(client, {"documentId": f"sha256:{sha(LIST)}", "variables": {"limit": 1}}).json()[
        "data"
    ] == {"articles": {"results": []}}


def test_retiring_a_document_drops_its_cached_answers_at_once(client, tmp_path):
    ArticleFactory()
    register(tmp_path, LIST)
    cached = by_id(client)
    assert by_id(client).content == cached.content
    call_command("graphql_documents", "retire", f"sha256:{sha(LIST)}")
    assert by_id(client).json()["errors"] == NOT_FOUND
    assert by_id(client, **{"If-None-Match": cached["ETag"]}).json()["errors"] == NOT_FOUND


def test_a_process_drops_the_answers_of_a_document_it_retired_at_once(
    transactional_db, client, tmp_path, settings
):
    """Outside a transaction each process reuses the documents' version it read; the one
    that retires a document reads it again."""
    settings.PUBLIC_HEAD_STALENESS_MS = 250
    ArticleFactory()
    register(tmp_path, LIST)
    assert by_id(client).status_code == 200
    call_command("graphql_documents", "retire", f"sha256:{sha(LIST)}")
    assert by_id(client).json()["errors"] == NOT_FOUND


# --- Mutations by GET ------------------------------------------------------------------------


def test_a_mutation_by_get_is_405_as_text_or_by_id(client, tmp_path):
    register(tmp_path, SUBMIT)
    inputs = {"input": {"kind": "GENERAL", "message": "Please cover the next system card."}}
    variables = json.dumps(inputs)
    as_text = client.get("/graphql/", {"query": SUBMIT, "variables": variables})
    persisted = client.get(
        "/graphql/", {"documentId": f"sha256:{sha(SUBMIT)}", "variables": variables}
    )
    for response in (as_text, persisted):
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert response.json()["errors"] == [
            {"message": "mutations are not allowed when using GET"}
        ]
    assert not Feedback.objects.exists()
    by_post = post(client, {"documentId": f"sha256:{sha(SUBMIT)}", "variables": inputs})
    assert by_post.json()["data"]["submitFeedback"]["id"]


# --- Automatic persisted queries -------------------------------------------------------------


def test_apq_register_and_retry(client):
    article = ArticleFactory()
    unknown = apq_get(client)
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == NOT_FOUND
    registered = post(client, {"query": LIST, "variables": {"limit": 5}, "extensions": apq()})
    assert slugs(registered) == [article.slug]
    retried = apq_get(client)
    assert retried.status_code == 200 and "public" in retried["Cache-Control"]
    assert slugs(retried) == [article.slug]
    # the document runs by its documentId too
    assert slugs(by_id(client)) == [article.slug]
    assert PersistedDocument.objects.get().source == PersistedDocument.Source.AUTOMATIC


def test_apq_registers_only_valid_documents(client):
    invalid = "{ articles { results { nothingHere } } }"
    response = post(client, {"query": invalid, "extensions": apq(invalid)})
    assert response.json()["errors"]
    costly = (
        "{ articles(pagination: {limit: 100}) { results { slug moreFromVendor(limit: 20) "
        "{ slug moreFromVendor(limit: 20) { slug } } } } }"
    )
    response = post(client, {"query": costly, "extensions": apq(costly)})
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert not PersistedDocument.objects.exists()


def test_apq_refuses_a_hash_that_is_not_the_documents(client):
    response = post(client, {"query": LIST, "extensions": apq("{ vendors { slug } }")})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}
    assert not PersistedDocument.objects.exists()


def test_apq_registration_is_bounded_in_count_and_bytes(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "APQ_MAX_DOCUMENTS": 1, "APQ_MAX_BYTES": 40}
    long = "{ vendors { slug name description } }"  # 37 bytes: fits
    longer = "{ vendors { slug name description articlesCount: __typename } }"
    for document in (longer, long, "{ vendors { slug } }"):
        assert post(client, {"query": document, "extensions": apq(document)}).json()["data"]
    assert list(PersistedDocument.objects.values_list("document", flat=True)) == [long]


def test_apq_registration_is_throttled_per_client(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "APQ_REGISTER_RATE": "2/minute"}
    documents = ["{ vendors { slug } }", "{ vendors { name } }", "{ vendors { description } }"]
    for document in documents:
        assert post(client, {"query": document, "extensions": apq(document)}).json()["data"]
    assert PersistedDocument.objects.count() == 2


# --- Trusted documents only ------------------------------------------------------------------


@pytest.fixture
def trusted_only(settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "TRUSTED_DOCUMENTS_ONLY": True}


def test_with_trusted_documents_only_an_ad_hoc_query_is_refused(client, trusted_only):
    for response in (
        client.get("/graphql/", {"query": "{ vendors { slug } }"}),
        post(client, {"query": "{ vendors { slug } }"}),
    ):
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "TRUSTED_DOCUMENTS_ONLY"}
        assert "graphql_documents register" in error["message"]


def test_with_trusted_documents_only_a_registered_one_runs(client, tmp_path, trusted_only):
    article = ArticleFactory()
    register(tmp_path, LIST)
    assert slugs(by_id(client)) == [article.slug]
    as_text = post(client, {"query": LIST, "variables": {"limit": 5}})
    assert slugs(as_text) == [article.slug]


def test_with_trusted_documents_only_apq_is_refused(client, settings):
    ArticleFactory()
    assert post(client, {"query": LIST, "variables": {"limit": 5}, "extensions": apq()}).json()[
        "data"
    ]  # registered while registration was open
    settings.GRAPHQL = {**settings.GRAPHQL, "TRUSTED_DOCUMENTS_ONLY": True}
    assert apq_get(client).json()["errors"] == NOT_FOUND
    document = "{ vendors { slug } }"
    response = post(client, {"query": document, "extensions": apq(document)})
    assert response.json()["errors"][0]["extensions"] == {"code": "TRUSTED_DOCUMENTS_ONLY"}
    assert PersistedDocument.objects.count() == 1


# --- The manifest command --------------------------------------------------------------------


def test_a_manifest_with_a_wrong_hash_or_an_invalid_document_registers_nothing(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({sha(LIST): LIST, sha("{ x }"): "{ y }"}))
    with pytest.raises(CommandError, match="not the SHA-256 of its document"):
        call_command("graphql_documents", "register", str(manifest))
    manifest.write_text(json.dumps({sha(LIST): LIST, sha("{ nothing }"): "{ nothing }"}))
    with pytest.raises(CommandError, match="Cannot query field 'nothing'"):
        call_command("graphql_documents", "register", str(manifest))
    assert not PersistedDocument.objects.exists()


def test_the_command_lists_the_documents(tmp_path, capsys):
    register(tmp_path, LIST)
    call_command("graphql_documents", "list")
    assert f"sha256:{sha(LIST)}  manifest   live     query Slugs" in capsys.readouterr().out


# --- Cost in the headers ---------------------------------------------------------------------


def test_every_answer_says_its_cost_and_the_limit_in_headers(client, tmp_path, settings):
    register(tmp_path, LIST)
    executed = by_id(client)
    cost = executed.json()["extensions"]["cost"]
    assert executed["GraphQL-Cost"] == str(cost["requested"])
    assert (
        executed["GraphQL-Cost-Limit"] == str(cost["maximum"]) == str(settings.GRAPHQL["MAX_COST"])
    )
    cached = by_id(client)
    assert cached["GraphQL-Cost"] == executed["GraphQL-Cost"]
    assert cached["GraphQL-Cost-Limit"] == executed["GraphQL-Cost-Limit"]
    posted = post(client, {"query": LIST, "variables": {"limit": 5}})
    assert posted["GraphQL-Cost"] == executed["GraphQL-Cost"]


def test_a_refused_query_says_its_cost(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_COST": 10}
    response = post(client, {"query": LIST, "variables": {"limit": 5}})
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert response["GraphQL-Cost"] == str(response.json()["extensions"]["cost"]["requested"])
    assert response["GraphQL-Cost-Limit"] == "10"
    assert f"would cost {response['GraphQL-Cost']}" in error["message"]


def test_an_admin_reads_and_retires_documents_but_cannot_type_one_in(admin_client, tmp_path):
    register(tmp_path, LIST)
    listing = admin_client.get("/admin/persisted/persisteddocument/")
    assert f"sha256:{sha(LIST)}" in listing.content.decode()
    assert admin_client.get("/admin/persisted/persisteddocument/add/").status_code == 403
    admin_client.post(
        "/admin/persisted/persisteddocument/",
        {"action": "retire", "_selected_action": [f"sha256:{sha(LIST)}"]},
    )
    assert PersistedDocument.objects.get().retired_at is not None
    assert by_id(Client()).json()["errors"] == NOT_FOUND
