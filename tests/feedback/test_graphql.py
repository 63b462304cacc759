"""GraphQL submitFeedback: the same rules as REST, because it calls the same service."""

import json
import logging

import pytest
from django.test import Client

from feedback.models import Feedback
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

READER_ADDRESS = "203.0.113.78"
SUBMIT = """
mutation Submit($input: FeedbackInput!) {
  submitFeedback(input: $input) { id kind message articleSlug language createdAt }
}
"""


def graphql(variables, *, query=SUBMIT, address=READER_ADDRESS):
    return Client(REMOTE_ADDR=address).post(
        "/graphql/",
        {"query": query, "variables": variables},
        content_type="application/json",
    )


def submit(**fields):
    return graphql({"input": fields})


def rest(**fields):
    return Client(REMOTE_ADDR=READER_ADDRESS).post(
        "/api/v1/feedback/", fields, content_type="application/json"
    )


def test_a_helpful_vote_is_stored_and_described():
    article = ArticleFactory()
    response = submit(kind="HELPFUL_YES", articleSlug=article.slug, language="NL")
    assert response.status_code == 200
    receipt = response.json()["data"]["submitFeedback"]
    stored = Feedback.objects.get()
    assert receipt == {
        "id": str(stored.public_id),
        "kind": "HELPFUL_YES",
        "message": "",
        "articleSlug": article.slug,
        "language": "NL",
        "createdAt": receipt["createdAt"],
    }
    assert stored.article == article and stored.kind == "helpful_yes"
    assert stored.language == "nl"
    assert "Set-Cookie" not in response.headers


def test_invalid_input_is_an_error_naming_each_field():
    hidden = ArticleFactory(draft=True)
    response = submit(kind="CORRECTION", message="x", articleSlug=hidden.slug)
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(error["extensions"]["fields"]) == {"message", "articleSlug"}
    assert error["extensions"]["fields"]["articleSlug"] == [
        f"No public entry has the slug {hidden.slug!r}."
    ]
    assert "articleSlug" in error["message"]
    assert not Feedback.objects.exists()


def test_a_message_over_the_limit_names_message(settings):
    response = submit(kind="GENERAL", message="x" * (settings.FEEDBACK["MESSAGE_MAX_LENGTH"] + 1))
    [error] = response.json()["errors"]
    assert list(error["extensions"]["fields"]) == ["message"]


def test_an_unknown_kind_is_refused_by_the_schema():
    response = submit(kind="PRAISE", message="Great")
    [error] = response.json()["errors"]
    assert "PRAISE" in error["message"] and "FeedbackKind" in error["message"]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("language", ["DE", "nl"])
def test_a_language_outside_the_language_enum_is_refused_by_the_schema(language):
    response = submit(kind="GENERAL", message="Hallo daar", language=language)
    [error] = response.json()["errors"]
    assert repr(language) in error["message"] and "Language" in error["message"]
    assert response.json().get("data") is None
    assert not Feedback.objects.exists()


def test_a_filled_honeypot_looks_accepted_but_nothing_is_stored():
    response = submit(kind="GENERAL", message="Cheap pills", website="http://spam.example")
    assert response.json()["data"]["submitFeedback"]["message"] == "Cheap pills"
    assert not Feedback.objects.exists()


def test_rest_and_graphql_share_one_budget_per_client(frozen_clock):
    for n in range(3):
        assert rest(kind="general", message=f"Via REST {n}").status_code == 201
    for n in range(2):
        assert "errors" not in submit(kind="GENERAL", message=f"Via GraphQL {n}").json()
    [error] = submit(kind="GENERAL", message="One too many").json()["errors"]
    assert error["extensions"]["code"] == "THROTTLED"
    assert error["extensions"]["retryAfter"] == 55
    assert rest(kind="general", message="Also too many").status_code == 429
    assert Feedback.objects.count() == 5


def test_a_repeat_over_the_other_api_is_stored_once():
    first = rest(kind="topic_request", message="Cover Anthropic's next card").json()
    again = submit(kind="TOPIC_REQUEST", message="cover anthropic's next card")
    assert again.json()["data"]["submitFeedback"]["id"] == first["id"]
    assert Feedback.objects.count() == 1


def test_the_mutation_cannot_be_sent_with_get():
    response = Client().get(
        "/graphql/",
        {
            "query": SUBMIT,
            "variables": json.dumps({"input": {"kind": "GENERAL", "message": "Hi"}}),
        },
    )
    assert response.status_code == 405  # as the GraphQL-over-HTTP specification asks
    assert response["Allow"] == "POST"
    assert response.json()["errors"] == [{"message": "mutations are not allowed when using GET"}]
    assert not Feedback.objects.exists()


def test_no_ip_address_reaches_the_database_or_the_logs(caplog, frozen_clock):
    caplog.set_level(logging.DEBUG)
    submit(kind="TOPIC_REQUEST", message="Cover Claude")
    submit(kind="TOPIC_REQUEST", message="Cover Claude")
    submit(kind="HELPFUL_NO", articleSlug="missing")
    submit(kind="GENERAL", message="Spam", website="x")
    submit(kind="GENERAL", message="Fifth")
    submit(kind="GENERAL", message="Sixth, throttled")
    stored = json.dumps(list(Feedback.objects.values()), default=str)
    assert "Cover Claude" in stored and Feedback.objects.count() == 2
    assert READER_ADDRESS not in stored
    assert READER_ADDRESS not in caplog.text
    assert "refused: invalid article" in caplog.text and "too many submissions" in caplog.text
