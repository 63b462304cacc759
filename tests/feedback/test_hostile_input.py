"""Text no database can store, and the honeypot, on every feedback field (REST and GraphQL)."""

import json

import pytest
from django.test import Client

from feedback.models import Feedback
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedback/"
# A lone surrogate, a NUL, and a surrogate inside a word, exactly as JSON can carry them.
UNSTORABLE = ["\ud800", "\x00", "a\udfffb", "slug\x00"]
VALID = {"kind": "general", "message": "Please cover model cards."}


def post_json(url, payload):
    body = json.dumps(payload)  # ASCII-escaped: "\ud800" travels as the six characters \ud800
    return Client(raise_request_exception=False).post(url, body, content_type="application/json")


@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize("field", ["article", "kind", "language"])
def test_unstorable_text_in_a_field_is_a_400_naming_it(field, text):
    response = post_json(URL, {**VALID, field: text})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_characters_are_removed_from_the_message(text):
    response = post_json(URL, {"kind": "general", "message": f"Cover {text} agents"})
    assert response.status_code == 201
    stored = Feedback.objects.get().message
    assert "\x00" not in stored and "\ud800" not in stored and stored.startswith("Cover ")


@pytest.mark.parametrize("text", UNSTORABLE)
def test_unstorable_text_in_the_honeypot_is_answered_like_a_submission(text):
    response = post_json(URL, {**VALID, "website": text})
    assert response.status_code == 201
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("text", UNSTORABLE)
def test_graphql_refuses_an_unstorable_slug_before_running_the_mutation(text):
    query = "mutation($i: FeedbackInput!) { submitFeedback(input: $i) { id } }"
    variables = {"i": {"kind": "CORRECTION", "message": "Wrong date", "articleSlug": text}}
    response = post_json("/graphql/", {"query": query, "variables": variables})
    (error,) = response.json()["errors"]
    assert "unpaired surrogates" in error["message"]
    assert response.json()["data"] is None
    assert not Feedback.objects.exists()


def test_a_repeated_honeypot_submission_answers_exactly_like_a_real_repeat():
    article = ArticleFactory()
    payload = {"kind": "correction", "message": "The date is wrong.", "article": article.slug}
    real = [post_json(URL, payload).json() for _ in range(2)]
    decoy = [post_json(URL, {**payload, "website": "http://spam.example"}).json() for _ in range(2)]

    assert real[0] == real[1]  # a repeat is stored once and gets the same receipt
    assert decoy[0] == decoy[1]  # so does a refused one: nothing tells them apart
    assert decoy[0]["id"] != real[0]["id"]
    assert Feedback.objects.count() == 1


def test_a_honeypot_repeat_in_other_case_keeps_the_first_message_like_a_real_repeat():
    first = post_json(URL, {**VALID, "website": "x"}).json()
    again = post_json(URL, {**VALID, "message": VALID["message"].upper(), "website": "x"}).json()
    assert again == first
