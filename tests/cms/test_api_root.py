"""GET /api/v1/: where a client starts, with a link to every endpoint it can list from."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_api_root_links_every_endpoint_that_needs_no_slug():
    response = APIClient().get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "vendors": "http://testserver/api/v1/vendors/",
        "topics": "http://testserver/api/v1/topics/",
        "articles": "http://testserver/api/v1/articles/",
        "changes": "http://testserver/api/v1/changes/",
        "feedback": "http://testserver/api/v1/feedback/",
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
    }


def test_every_link_of_the_api_root_answers():
    api = APIClient()
    for name, url in api.get("/api/v1/").json().items():
        response = api.get(url) if name != "feedback" else api.options(url)
        assert response.status_code == 200, (name, response.content[:200])
