"""A new file for an image purges, once its renditions are swapped in, what showed it."""

import pytest

from images.services import image_update
from tests.factories import ArticleFactory
from tests.images.conftest import drawn, upload
from tests.utils import go_live
from tests.webhooks.utils import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_file_purges_the_entries_showing_the_image_once_rendered(
    cache_in_front, library_image, client
):
    image = library_image()
    shows, other = ArticleFactory(slug="shows", image=image), ArticleFactory(slug="other")
    go_live(shows, other)
    run_worker()
    cache_in_front.requests.clear()
    before = client.get("/api/v1/articles/shows/").json()["image"]["renditions"]

    image_update(image=image, user=None, upload=upload(drawn(1000, 500)))
    # Until the worker has made the new set, the old one is served (its files still exist).
    assert client.get("/api/v1/articles/shows/").json()["image"]["renditions"] == before
    assert client.get(before[0]["url"].removeprefix("http://127.0.0.1:8000")).status_code == 200

    run_worker()  # the renditions, then the purge
    after = client.get("/api/v1/articles/shows/").json()["image"]
    assert after["width"] == 1000 and after["renditions"] != before
    purged = set().union(*(request.purged() for request in cache_in_front.requests))
    assert f"entry-{shows.pk}" in purged and f"entry-{other.pk}" not in purged
    assert client.get(before[0]["url"].removeprefix("http://127.0.0.1:8000")).status_code == 404
