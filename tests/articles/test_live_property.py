"""Random sequences of the desk's steps never let a public surface disagree with what a
publisher made live: a model of the live set is kept beside the database and compared with
every surface after each step."""

import feedparser
import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import selectors
from tests.articles.live_desk import START, Desk

GRAPHQL_LIST = "{ articles(pagination: {limit: 100}) { results { slug translation { title } } } }"


def assert_public_surfaces_show(client: Client, desk: Desk):
    visible = desk.visible()
    rows = selectors.entry_list(selectors.EntryFilter(), language="en")
    assert dict(rows.values_list("slug", "title")) == visible
    rest = client.get("/api/v1/articles/?page_size=100&lang=en").json()
    assert {r["slug"]: r["title"] for r in rest["results"]} == visible
    graphql = client.post("/graphql/", {"query": GRAPHQL_LIST}, content_type="application/json")
    results = graphql.json()["data"]["articles"]["results"]
    assert {r["slug"]: r["translation"]["title"] for r in results} == visible
    for entry in desk.entries:
        response = client.get(f"/api/v1/articles/{entry.slug}/?lang=en")
        assert response.status_code == (200 if entry.slug in visible else 404)
    feed = feedparser.parse(client.get("/feeds/en.atom").content)
    assert sorted(item.title for item in feed.entries) == sorted(visible.values())
    vendor = client.get(f"/api/v1/vendors/{desk.vendor.slug}/").json()
    assert vendor["public_article_count"] == len(visible)


@pytest.mark.django_db(transaction=True)
def test_the_public_surfaces_always_show_what_was_made_live(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anonymous": "1000000/minute"},
    }
    with time_machine.travel(START, tick=False) as traveller:

        @hypothesis_settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        )
        @given(
            st.lists(
                st.tuples(st.integers(0, 100), st.integers(0, 50)),
                min_size=10,
                max_size=40,
            )
        )
        def run(steps):
            client = Client()
            desk = Desk(traveller, client)
            for pick, choice in steps:
                ready = desk.steps()
                step, candidates = ready[pick % len(ready)]
                desk.take(step, candidates[choice % len(candidates)])
                assert_public_surfaces_show(client, desk)

        run()
