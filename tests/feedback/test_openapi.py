"""The feedback endpoint's real answers match the published OpenAPI document."""

import pytest
import yaml
from openapi_core.contrib.django import DjangoOpenAPIRequest
from rest_framework.test import APIClient

from tests.factories import ArticleFactory
from tests.utils import assert_matches_schema

pytestmark = pytest.mark.django_db


def test_accepted_and_refused_submissions_match_the_schema(openapi, settings):
    article = ArticleFactory()
    api = APIClient()
    cases = [
        ({"kind": "topic_request", "message": "More on open-weight models."}, 201),
        ({"kind": "helpful_yes", "article": article.slug}, 201),
        ({"kind": "no-such-kind", "message": "Hello there"}, 400),
        ({"kind": "correction", "message": "x" * 5000}, 400),
        ({"kind": "correction", "message": "Wrong date", "article": "no-such-entry"}, 400),
    ]
    for payload, status in cases:
        response = api.post("/api/v1/feedback/", payload, format="json")
        assert response.status_code == status, payload
        assert_matches_schema(openapi, response)

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "feedback": "1/minute",
        },
    }
    api.post("/api/v1/feedback/", {"kind": "general", "message": "First one"}, format="json")
    throttled = api.post(
        "/api/v1/feedback/", {"kind": "general", "message": "Second"}, format="json"
    )
    assert throttled.status_code == 429
    assert_matches_schema(openapi, throttled)


def submission_schema(client) -> dict:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    request = schema["components"]["schemas"]["FeedbackSubmissionRequest"]

    def resolve(node):
        if isinstance(node, dict) and "$ref" in node:
            return resolve(schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
        if isinstance(node, dict):
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(request)


def test_the_request_schema_states_what_the_service_accepts(client, settings):
    settings.FEEDBACK = {**settings.FEEDBACK, "MESSAGE_MIN_LENGTH": 5, "MESSAGE_MAX_LENGTH": 500}
    schema = submission_schema(client)
    fields = schema["properties"]
    assert schema["required"] == ["kind"]
    assert fields["kind"]["allOf"][0]["enum"] == [
        "topic_request",
        "correction",
        "general",
        "helpful_yes",
        "helpful_no",
    ]
    text, blank = fields["message"]["oneOf"]  # a helpful vote may leave the message empty
    assert (text["minLength"], text["maxLength"], blank["maxLength"]) == (5, 500, 0)
    languages, null = fields["language"]["oneOf"]
    assert (languages["enum"], null["type"]) == (["en", "nl"], "null")
    assert fields["website"]["maxLength"] == 0
    assert fields["article"]["oneOf"][0]["pattern"] == "^[-a-zA-Z0-9_]+$"


@pytest.mark.parametrize(
    "payload, valid",
    [
        ({"kind": "topic_request", "message": "More on open-weight models."}, True),
        ({"kind": "helpful_yes", "article": "some-entry", "language": "nl"}, True),
        ({"kind": "praise", "message": "Great work"}, False),
        ({"kind": "general", "message": "Hi"}, False),
        ({"kind": "general", "message": "x" * 2001}, False),
        ({"kind": "general", "message": "Hello there", "language": "de"}, False),
        ({"kind": "general", "message": "Hello there", "website": "http://spam.example"}, False),
        ({"kind": "correction", "message": "Wrong date", "article": "not a slug"}, False),
        ({"message": "No kind at all"}, False),
    ],
)
def test_a_client_can_check_a_submission_against_the_schema(openapi, rf, payload, valid):
    request = rf.post("/api/v1/feedback/", payload, content_type="application/json")
    result = openapi.unmarshal_request(DjangoOpenAPIRequest(request))
    assert (not result.errors) == valid, result.errors
