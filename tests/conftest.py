import pytest
import yaml
from django.core.cache import cache
from openapi_core import OpenAPI


@pytest.fixture(autouse=True)
def fresh_throttle_budgets():
    """Every test starts with every client's request and submission budgets unspent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def openapi(client):
    """The published OpenAPI document, ready to validate real responses against."""
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return OpenAPI.from_dict(yaml.safe_load(response.content))
