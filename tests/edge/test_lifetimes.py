"""Lifetimes: long at the cache in front (Surrogate-Control), short in browsers
(Cache-Control), both ending at the next scheduled change the publication log knows of."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
SURFACES = [
    "/api/v1/articles/",
    "/api/v1/vendors/",
    "/feeds/en.rss",
    "/feeds/corrections/en.json",
    "/graphql/?query={articles{totalCount}}",
]


@pytest.mark.parametrize("url", SURFACES)
def test_answers_live_long_at_the_edge_and_briefly_in_browsers(client, url):
    ArticleFactory()
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Surrogate-Control"] == "max-age=86400"


@pytest.mark.parametrize("url", SURFACES)
def test_lifetimes_end_when_a_scheduled_entry_goes_live(client, url, django_assert_num_queries):
    with time_machine.travel(START, tick=False) as traveller:
        ArticleFactory(published_at=START + timedelta(seconds=45))
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=45"
        assert response["Surrogate-Control"] == "max-age=45"
        traveller.shift(timedelta(seconds=40))
        # The stored answer is served with what is left of its lifetime.
        with django_assert_num_queries(1):
            again = client.get(url)
        assert again.content == response.content
        assert again["Surrogate-Control"] == "max-age=5"
        traveller.shift(timedelta(seconds=5))
        assert client.get(url)["Surrogate-Control"] == "max-age=86400"


def test_a_304_carries_the_capped_lifetimes_too(client):
    with time_machine.travel(START, tick=False):
        ArticleFactory(published_at=START + timedelta(seconds=30))
        etag = client.get("/api/v1/articles/")["ETag"]
        answer = client.get("/api/v1/articles/", headers={"If-None-Match": etag})
        assert answer.status_code == 304
        assert answer["Surrogate-Control"] == "max-age=30"
