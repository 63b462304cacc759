"""A query's cost weighs the work its fields do (a search, a count, entries built from their
documents), and an answer stops resolving once it passes the size limit. Never a 500."""

import pytest
from django.conf import settings
from django.test import Client

from articles.graphql.weights import WEIGHTS
from reader.documents import reader_documents
from tests.factories import ArticleFactory, ArticleTranslationFactory, VendorFactory
from tests.test_graphql_limits import cost, post, refused
from tests.utils import go_live

pytestmark = pytest.mark.django_db

ENTRY = WEIGHTS["Article"].each
SEARCH = WEIGHTS["Query.articles"].each
COUNT = WEIGHTS["ArticlePage.totalCount"].each

SEARCHES = (
    f'a{i}: articles(filters: {{search: "release {i}"}}) '
    "{ totalCount results { slug search { snippet } } }"
    for i in range(15)
)
FIFTEEN_SEARCHES = "{ " + " ".join(SEARCHES) + " }"
# 40,000 entries built, each with its slug: admitted while every field counted 1.
NESTED_MORE = (
    "{ articles(pagination: {limit: 100}) { results { moreFromVendor(limit: 20) "
    "{ moreFromVendor(limit: 20) { slug } } } } }"
)


@pytest.mark.parametrize("query", [FIFTEEN_SEARCHES, NESTED_MORE], ids=["searches", "nested"])
def test_a_query_heavy_in_work_is_refused_before_any_sql_runs(query, django_assert_num_queries):
    ArticleFactory.create_batch(3)

    with django_assert_num_queries(0):
        response = post(query)

    message = refused(response, code="QUERY_TOO_COSTLY")
    assert f"the limit is {settings.GRAPHQL['MAX_COST']}" in message
    assert cost(response) > settings.GRAPHQL["MAX_COST"]


DOCS_SEARCH = """
query Find($q: String!) {
  articles(filters: {search: $q}, language: NL, pagination: {limit: 10}) {
    totalCount
    results { slug translation { title fallback } search { score snippet } }
  }
}
"""


def test_the_reader_sites_search_page_and_the_docs_search_are_admitted():
    entry = ArticleFactory(languages=["en", "nl"])
    reader_list = reader_documents()["list"]["query"]
    variables = {
        "language": "EN",
        "filters": {"search": "body", "vendors": [entry.vendor.slug]},
        "pagination": {"offset": 0, "limit": 20},
        "vendor": entry.vendor.slug,
        "withVendor": True,
    }

    page = post(reader_list, variables).json()
    found = post(DOCS_SEARCH, {"q": "body"}).json()

    assert [e["slug"] for e in page["data"]["articles"]["results"]] == [entry.slug]
    assert page["data"]["vendor"]["name"] == entry.vendor.name
    assert [e["slug"] for e in found["data"]["articles"]["results"]] == [entry.slug]
    for answer in (page, found):
        assert answer["extensions"]["cost"]["requested"] < settings.GRAPHQL["MAX_COST"] / 10


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # an entry weighs what building it from its document costs, besides its fields
        ("{ articles(pagination: {limit: 10}) { results { slug } } }", 2 + 10 * (ENTRY + 1)),
        # a search weighs its ranking and snippets; a count its counting
        (
            '{ articles(filters: {search: "x"}, pagination: {limit: 10}) { results { slug } } }',
            SEARCH + 1 + 10 * (ENTRY + 1),
        ),
        ("{ articles(pagination: {limit: 1}) { totalCount } }", 1 + COUNT),
        # an empty search is no search
        ('{ articles(filters: {search: ""}) { totalCount } }', 1 + COUNT),
        # one loader counts every vendor's entries at once: the count weighs once
        ("{ vendors { articles { totalCount } } }", 1 + 20 * 2 + COUNT - 1),
        (
            '{ vendors { articles(filters: {search: "x"}) { totalCount } } }',
            1 + 20 * 2 + SEARCH - 1 + COUNT - 1,
        ),
    ],
)
def test_a_costly_field_weighs_its_measured_work(query, expected):
    response = post(query)
    assert "errors" not in response.json(), response.json()
    assert cost(response) == expected


ALL_BODIES = """
{ articles(pagination: {limit: 10}) { results {
    translation { bodyHtml }
    moreFromVendor(limit: 20) { translation { bodyHtml } }
    vendor { description articleCount }
} } }
"""


def test_an_answer_passing_the_size_limit_stops_resolving_at_once(
    settings, django_assert_num_queries
):
    vendor = VendorFactory()
    for entry in ArticleFactory.create_batch(10, vendor=vendor, languages=[]):
        ArticleTranslationFactory(article=entry, language="en", body="A long body. " * 100)
        go_live(entry)
    whole = Client().post("/graphql/", {"query": ALL_BODIES}, "application/json")
    assert "errors" not in whole.json()
    assert len(whole.content) > 100_000
    body = whole.json()["data"]["articles"]["results"][0]["translation"]["bodyHtml"]
    # Over once the third entry's own body is counted, long before the other entries' are.
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_RESPONSE_BYTES": 2 * len(body)}

    with django_assert_num_queries(1):  # the page; neither more from the vendor nor vendors
        response = post(ALL_BODIES)

    message = refused(response, code="RESPONSE_TOO_LARGE")
    assert message.startswith("The answer would be more than ")
    assert f"bytes; the limit is {2 * len(body)}." in message
    assert response.json()["extensions"]["cost"]["requested"] < settings.GRAPHQL["MAX_COST"]


def test_an_answer_within_the_size_limit_is_whole(settings):
    ArticleFactory.create_batch(3)
    whole = post(ALL_BODIES)
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_RESPONSE_BYTES": len(whole.content)}
    assert post(ALL_BODIES).json()["data"] == whole.json()["data"]
