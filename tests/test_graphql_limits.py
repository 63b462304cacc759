"""What /graphql/ refuses before running a query: costly queries, fragment fan-out, bodies that
are not a GraphQL request, and strings that are not text. Never a 500."""

import json
import logging
import time

import pytest
import strawberry
from django.conf import settings
from django.test import Client

from articles.graphql.weights import WEIGHTS
from cms.schema import QUERY_TYPES, build_schema
from feedback.models import Feedback
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def post(query, variables=None):
    return Client().post(
        "/graphql/", {"query": query, "variables": variables or {}}, "application/json"
    )


def refused(response, code=None) -> str:
    """The error message of a query refused before it ran (HTTP 200, no data)."""
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None, body
    [error] = body["errors"]
    if code:
        assert error["extensions"]["code"] == code
    return error["message"]


def cost(response) -> int:
    return response.json()["extensions"]["cost"]["requested"]


ENTRY = WEIGHTS["Article"].each  # an entry built from its document
COUNT = WEIGHTS["ArticlePage.totalCount"].each


# --- Cost ------------------------------------------------------------------------------------


def nested_more_from_vendor(depth: int, limit: int = 20) -> str:
    inner = "slug"
    for _ in range(depth):
        inner = f"moreFromVendor(limit: {limit}) {{ slug {inner} }}"
    return f"{{ articles(pagination: {{limit: 100}}) {{ results {{ {inner} }} }} }}"


def test_nested_lists_multiply_and_a_costly_query_is_refused_before_it_runs(
    django_assert_num_queries,
):
    ArticleFactory.create_batch(3)
    query = nested_more_from_vendor(8)
    assert len(query) < 400  # within the depth, alias and token limits

    with django_assert_num_queries(0):
        response = post(query)

    message = refused(response, code="QUERY_TOO_COSTLY")
    assert f"the limit is {settings.GRAPHQL['MAX_COST']}" in message
    extensions = response.json()["extensions"]["cost"]
    assert extensions["maximum"] == settings.GRAPHQL["MAX_COST"]
    assert extensions["requested"] > 100 * 20**7


def test_aliases_of_a_nested_list_with_different_limits_add_up():
    aliases = " ".join(
        f"a{i}: moreFromVendor(limit: {i + 6}) {{ slug translation {{ title }} }}"
        for i in range(15)
    )
    response = post(f"{{ articles(pagination: {{limit: 100}}) {{ results {{ {aliases} }} }} }}")
    refused(response, code="QUERY_TOO_COSTLY")
    assert cost(response) == 2 + 100 * (ENTRY + sum(1 + (i + 6) * (ENTRY + 3) for i in range(15)))


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        # articles, results, then each entry of the page and its slug
        ("{ articles(pagination: {limit: 10}) { results { slug } } }", {}, 2 + 10 * (ENTRY + 1)),
        (
            "query ($p: OffsetPaginationInput) { articles(pagination: $p) { results { slug } } }",
            {"p": {"limit": 7}},
            2 + 7 * (ENTRY + 1),
        ),
        # the default page size, and fields beside the page's list counted once
        ("{ articles { totalCount results { slug } } }", {}, 1 + COUNT + 1 + 20 * (ENTRY + 1)),
        # moreFromVendor: its limit, capped at 20; 4 by default
        (
            '{ article(slug: "x") { moreFromVendor(limit: 50) { slug } } }',
            {},
            1 + ENTRY + 1 + 20 * (ENTRY + 1),
        ),
        ('{ article(slug: "x") { moreFromVendor { slug } } }', {}, 1 + ENTRY + 1 + 4 * (ENTRY + 1)),
        # a list without a limit counts GRAPHQL["LIST_SIZE"] items
        ("{ vendors { slug name } }", {}, 1 + 20 * 2),
        (
            "{ vendors { articles(pagination: {limit: 5}) { results { slug } } } }",
            {},
            1 + 20 * (1 + 1 + 5 * (ENTRY + 1)),
        ),
        # fragments count where they are spread; __typename counts like any field
        (
            "{ vendors { ...V } } fragment V on Vendor { slug __typename }",
            {},
            1 + 20 * 2,
        ),
    ],
)
def test_the_cost_counts_each_field_once_per_item_of_the_lists_around_it(
    query, variables, expected
):
    response = post(query, variables)
    assert "errors" not in response.json(), response.json()
    assert response.json()["extensions"]["cost"] == {
        "requested": expected,
        "maximum": settings.GRAPHQL["MAX_COST"],
    }


SEED_PAGE = """
query ($slug: String!) {
  article(slug: $slug) {
    slug kind sourceUrl authors publishedAt availableLanguages topics { slug name }
    translation { language requestedLanguage fallback title summary audience bodyHtml }
    signals
    vendor { slug name description }
    scorecard {
      framework { name url deployThreshold { name } developThreshold { name } }
      overall { name rank } overallPreMitigation { name rank } mayDeploy mayDevelop
      ratings { category preMitigation { name rank } postMitigation { name rank } }
      riskAreas { name }
    }
    moreFromVendor(limit: 4) { slug publishedAt translation { title summary } }
  }
}
"""

FULL_LIST = """
query ($limit: Int) {
  articles(pagination: {limit: $limit}) {
    totalCount
    results {
      slug kind sourceUrl authors publishedAt updatedAt availableLanguages
      topics { slug name }
      translation { language fallback title summary audience bodyHtml }
      signals
      vendor { slug description articleCount }
      scorecard {
        framework { name scale { name } deployThreshold { name } }
        overall { name } overallPreMitigation { name } mayDeploy mayDevelop
        ratings { category preMitigation { name } postMitigation { name } }
        riskAreas { name }
      }
      moreFromVendor { slug translation { title } vendor { name } }
    }
  }
}
"""


def test_the_seed_page_and_a_full_page_of_100_entries_are_within_the_cost_limit():
    entry = ArticleFactory()
    seed = post(SEED_PAGE, {"slug": entry.slug})
    assert seed.json()["data"]["article"]["slug"] == entry.slug
    assert cost(seed) < 1000

    page = post(FULL_LIST, {"limit": 100})
    assert [e["slug"] for e in page.json()["data"]["articles"]["results"]] == [entry.slug]
    assert cost(page) < settings.GRAPHQL["MAX_COST"]


def test_the_cost_limit_is_a_setting(settings):
    query = "{ articles(pagination: {limit: 10}) { results { slug } } }"
    expected = 2 + 10 * (ENTRY + 1)
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_COST": expected - 1}
    assert refused(post(query), "QUERY_TOO_COSTLY").startswith(f"The query would cost {expected} ")
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_COST": expected}
    assert "errors" not in post(query).json()


@strawberry.type
class Shelf:
    name: str


@strawberry.type
class ShelfQuery:
    @strawberry.field
    def shelves(self) -> list[Shelf]:
        return [Shelf(name="a")]


def test_a_new_list_field_is_counted_without_any_change_to_the_cost_rules():
    result = build_schema(query_types=[*QUERY_TYPES, ShelfQuery]).execute_sync(
        "{ shelves { name } }"
    )
    assert result.data == {"shelves": [{"name": "a"}]}
    assert result.extensions["cost"]["requested"] == 1 + settings.GRAPHQL["LIST_SIZE"]


def test_a_mutation_is_priced_too():
    response = post('mutation { submitFeedback(input: {kind: GENERAL, message: "Hi!"}) { id } }')
    assert response.json()["data"]["submitFeedback"]["id"]
    assert cost(response) == 2


def test_an_answer_over_the_size_limit_is_replaced_by_an_error(settings):
    ArticleFactory.create_batch(3)
    query = "{ articles { results { slug sourceUrl translation { title bodyHtml } } } }"
    size = len(post(query).content)
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_RESPONSE_BYTES": size - 1}

    message = refused(post(query), code="RESPONSE_TOO_LARGE")

    assert message.startswith(f"The answer would be {size} bytes; the limit is {size - 1}.")


# --- Fragment fan-out ------------------------------------------------------------------------


def fan_out(levels: int) -> str:
    """Each fragment spreads the next twice: 2**levels fields once expanded, in under 1 KB."""
    lines = ["query { ...F1 }"]
    lines += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(1, levels)]
    lines.append(f"fragment F{levels} on Query {{ __typename }}")
    return "\n".join(lines)


@pytest.mark.parametrize("levels", [21, 22])
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_fragment_fan_out_is_refused_at_once(levels, method):
    document = fan_out(levels)
    assert len(document) < 1000
    post("{ __typename }")  # the first request of a process loads more code

    started = time.perf_counter()
    if method == "POST":
        response = post(document)
    else:
        response = Client().get("/graphql/", {"query": document})
    elapsed = time.perf_counter() - started

    message = refused(response, code="TOO_MANY_FIELDS")
    assert elapsed < 0.5
    assert f"more than {settings.GRAPHQL['MAX_FIELDS']} fields" in message


def test_fragments_within_the_budget_are_answered():
    response = post(fan_out(10))  # 1,024 fields once expanded
    assert response.json()["data"] == {"__typename": "Query"}


def test_a_fragment_cycle_is_still_reported_by_validation():
    response = post("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }")
    assert "Cannot spread fragment 'A' within itself" in refused(response)


def test_a_document_sent_again_gets_the_same_verdict():
    """Documents are parsed and validated once per text: a repeat is refused or answered
    as the first one was, whichever check refused it."""
    too_deep = nested_more_from_vendor(settings.GRAPHQL["MAX_DEPTH"])
    cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    for _ in range(2):
        refused(post(fan_out(21)), code="TOO_MANY_FIELDS")
        deep = post(too_deep).json()
        assert deep["data"] is None
        assert any("exceeds maximum operation depth" in e["message"] for e in deep["errors"])
        assert "within itself" in refused(post(cycle))
        assert post(fan_out(10)).json()["data"] == {"__typename": "Query"}


# --- Bodies that are not a GraphQL request ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"5", "must be a JSON object"),
        (b"[]", "must be a JSON object"),
        (b"null", "must be a JSON object"),
        (b'"{ vendors { slug } }"', "must be a JSON object"),
        (b'{"query": "{ __typename }"}\xff', "not valid UTF-8"),
        (b"[" * 60_000, "nested too deeply"),
        (b'{"query": "{ __typename }", "n": ' + b"1" * 5000 + b"}", "Unable to parse"),
    ],
    ids=["number", "array", "null", "string", "utf-8", "nesting", "long-number"],
)
def test_a_body_that_is_not_a_graphql_request_is_a_400_in_graphql_shape(body, reason):
    response = Client(raise_request_exception=False).post(
        "/graphql/", body, content_type="application/json"
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert response.json()["data"] is None
    assert reason in error["message"]


def test_get_variables_nested_too_deeply_are_a_400(settings):
    # A URL this long is refused first (414) unless the operator allows it.
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_URL_BYTES": 64 * 1024}
    response = Client(raise_request_exception=False).get(
        "/graphql/", {"query": "{ __typename }", "variables": "[" * 3000 + "]" * 3000}
    )
    assert response.status_code == 400
    assert response.json()["data"] is None


# --- Strings that are not text ---------------------------------------------------------------

ARTICLE = "query ($slug: String!) { article(slug: $slug) { slug } }"
SEARCH = "query ($f: ArticleFilter) { articles(filters: $f) { totalCount } }"
FEEDBACK = "mutation ($input: FeedbackInput!) { submitFeedback(input: $input) { id } }"


@pytest.mark.parametrize("text", ["\ud800", "a\x00b"], ids=["surrogate", "nul"])
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (ARTICLE, lambda text: {"slug": text}),
        (SEARCH, lambda text: {"f": {"search": text}}),
        (SEARCH, lambda text: {"f": {"vendors": ["openai", text]}}),
        (FEEDBACK, lambda text: {"input": {"kind": "GENERAL", "message": f"Hello {text}"}}),
        (FEEDBACK, lambda text: {"input": {"kind": "HELPFUL_YES", "articleSlug": text}}),
    ],
    ids=["slug", "search", "vendors", "message", "article-slug"],
)
def test_a_string_variable_that_is_not_text_is_a_clear_error(caplog, query, variables, text):
    body = json.dumps({"query": query, "variables": variables(text)})  # \ud800 as JSON escape
    with caplog.at_level(logging.ERROR):
        response = Client().post("/graphql/", body, content_type="application/json")

    assert "NUL characters or unpaired surrogates" in refused(response, "BAD_USER_INPUT")
    assert caplog.records == []
    assert not Feedback.objects.exists()


def test_a_string_literal_that_is_not_text_is_a_clear_error(caplog):
    with caplog.at_level(logging.ERROR):
        response = post(r'{ articles(filters: {search: "a\u0000b"}) { totalCount } }')
    assert "NUL characters or unpaired surrogates" in refused(response, "BAD_USER_INPUT")
    assert caplog.records == []


def test_an_unpaired_surrogate_in_the_query_text_is_a_syntax_error():
    body = json.dumps({"query": '{ article(slug: "\ud800") { slug } }'})
    response = Client().post("/graphql/", body, content_type="application/json")
    assert "Syntax Error" in refused(response)
