"""The feedback endpoint's real answers match the published OpenAPI document."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import assert_matches_schema
from tests.factories import ArticleFactory

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
