import pytest
import yaml
from django.core.cache import cache
from openapi_core import OpenAPI

from articles.selectors.log import forget_log_heads
from kernel.http_cache import forget_recent_answers
from persisted.selectors import forget_documents_version
from tests.live_server import live_server_start


@pytest.fixture(autouse=True)
def fresh_throttle_budgets():
    """Every test starts with every client's request and submission budgets unspent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_versions_and_answers():
    """No test sees the publication log's head, the persisted documents' version or an answer
    another test's requests left in the process."""
    forget_log_heads()
    forget_documents_version()
    forget_recent_answers()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded images and their renditions go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def openapi(client):
    """The published OpenAPI document, ready to validate real responses against."""
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return OpenAPI.from_dict(yaml.safe_load(response.content))


@pytest.fixture
def rates(settings):
    """Set request budgets by name for one test: ``rates(anonymous="3/minute")``."""

    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **rates,
            },
        }

    return set_rates


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, one request at a time on SQLite (``tests.live_server``)."""
    server = live_server_start(request)
    yield server
    server.stop()
