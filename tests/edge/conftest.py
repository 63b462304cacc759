import pytest

from tests.edge.utils import PurgeRecorder


@pytest.fixture
def cache_in_front(settings):
    """A recording server configured as the Varnish to purge."""
    recorder = PurgeRecorder()
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_PURGE_URLS = [f"{recorder.url}/"]
    yield recorder
    recorder.close()
