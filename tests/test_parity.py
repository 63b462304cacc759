"""REST and GraphQL answer a list the same way: one policy, decided by the selectors.

Each case is sent through both APIs: the same entries in the same order, or a refusal on
both (REST's 400, a GraphQL error).
"""

from datetime import UTC, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from articles.selectors import MAX_FILTER_VALUES, MAX_SEARCH_LENGTH, MORE_FROM_VENDOR_MAX
from tests.factories import (
    ArticleFactory,
    TopicFactory,
    VendorFactory,
    make_framework,
    make_scorecard,
)
from tests.utils import go_live

pytestmark = pytest.mark.django_db

REFUSED = "refused"
ORDER_FIELDS = {"published": "PUBLISHED_AT", "updated": "UPDATED_AT"}


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def catalogue():
    openai, anthropic = VendorFactory(slug="openai"), VendorFactory(slug="anthropic")
    safety = TopicFactory(slug="safety")
    card = ArticleFactory(
        slug="card", vendor=openai, kind=Article.Kind.SYSTEM_CARD, published_at=days_ago(3)
    )
    card.topics.add(safety)
    make_scorecard(article=card, framework=make_framework(), ratings={"CBRN": ("Low", None)})
    ArticleFactory(
        slug="release",
        vendor=anthropic,
        kind=Article.Kind.MODEL_RELEASE,
        published_at=days_ago(2),
        languages=["en", "nl"],
    )
    for n in range(4):
        ArticleFactory(slug=f"update-{n}", vendor=openai, published_at=days_ago(1 + n / 10))
    for traits in ({"draft": True}, {"in_review": True}, {"scheduled": True}, {"archived": True}):
        ArticleFactory(vendor=openai, kind=Article.Kind.SYSTEM_CARD, **traits)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        go_live(card)  # a change published last: "card" is the most recently updated


def time(days, *, naive=False):
    moment = days_ago(days).astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat() if naive else moment.isoformat()


# Each case in the selectors' terms: filters, ordering, limit (page size), page, language.
LIST_CASES = {
    "everything": {},
    "one vendor": {"vendors": ["openai"]},
    "two vendors": {"vendors": ["openai", "anthropic"]},
    "one kind": {"kinds": ["system_card"]},
    "two kinds": {"kinds": ["system_card", "model_release"]},
    "topic": {"topics": ["safety"]},
    "with scorecard": {"has_scorecard": True},
    "without scorecard": {"has_scorecard": False},
    "search": {"search": "RELEASE TITLE"},
    "search in dutch": {"search": "(nl)", "language": "nl"},
    "blank search": {"search": "   "},
    "published after": {"published_after": 2.5},
    "published before": {"published_before": 1.5},
    "published between": {"published_after": 2.5, "published_before": 1.5},
    "time without offset": {"published_after": 2.5, "naive": True},
    "updated since": {"updated_since": -0.0001},
    **{f"ordering {o}": {"ordering": o} for o in ("-published", "published", "-updated")},
    "ordering updated": {"ordering": "updated"},
    "limit 1": {"limit": 1},
    "limit 100": {"limit": 100},
    "second page": {"limit": 2, "page": 2},
    "third page, oldest first": {"limit": 2, "page": 3, "ordering": "published"},
    "combined": {"vendors": ["openai"], "kinds": ["product_update"], "limit": 2, "page": 2},
    "repeated values match once": {"vendors": ["openai", "anthropic"] * 2},
}
REFUSED_CASES = {
    "limit 0": {"limit": 0},
    "limit over the maximum": {"limit": 101},
    "negative limit": {"limit": -1},
    "unknown vendor": {"vendors": ["openai", "nope"]},
    "unknown topic": {"topics": ["nope"]},
    "unknown kind": {"kinds": ["gossip"]},
    "too many vendors": {"vendors": [f"vendor-{n}" for n in range(MAX_FILTER_VALUES + 1)]},
    "too many vendors, repeats counted": {"vendors": ["openai"] * (MAX_FILTER_VALUES + 1)},
    "search too long": {"search": "x" * (MAX_SEARCH_LENGTH + 1)},
    "invalid time": {"published_after": "yesterday"},
}


def moment(case, name):
    value = case.get(name)
    if value is None or isinstance(value, str):
        return value
    return time(value, naive=case.get("naive", False))


def rest_list(client, case) -> list[str] | str:
    params = {
        "vendor": case.get("vendors", []),
        "kind": case.get("kinds", []),
        "topic": case.get("topics", []),
        **{
            name: moment(case, name)
            for name in ("published_after", "published_before", "updated_since")
            if name in case
        },
    }
    if "search" in case:
        params["q"] = case["search"]
    if "has_scorecard" in case:
        params["has_scorecard"] = str(case["has_scorecard"]).lower()
    for name, param in (("ordering", "ordering"), ("limit", "page_size"), ("language", "lang")):
        if name in case:
            params[param] = case[name]
    response = client.get("/api/v1/articles/", params)
    for _page in range(case.get("page", 1) - 1):
        if response.status_code != 200:
            break
        response = client.get(response.json()["next"])
    if response.status_code == 400:
        return REFUSED
    assert response.status_code == 200, response.content
    return [entry["slug"] for entry in response.json()["results"]]


LIST = """
query ($filters: ArticleFilter, $ordering: ArticleOrder, $pagination: OffsetPaginationInput,
       $language: Language) {
  articles(filters: $filters, ordering: $ordering, pagination: $pagination, language: $language)
  { results { slug } }
}
"""


def graphql(client, query, variables):
    body = client.post(
        "/graphql/", {"query": query, "variables": variables}, content_type="application/json"
    ).json()
    return REFUSED if "errors" in body else body["data"]


def graphql_list(client, case) -> list[str] | str:
    filters = {
        "vendors": case.get("vendors"),
        "kinds": [kind.upper() for kind in case["kinds"]] if "kinds" in case else None,
        "topics": case.get("topics"),
        "publishedAfter": moment(case, "published_after"),
        "publishedBefore": moment(case, "published_before"),
        "updatedSince": moment(case, "updated_since"),
        "search": case.get("search"),
        "hasScorecard": case.get("has_scorecard"),
    }
    variables = {"filters": {k: v for k, v in filters.items() if v is not None}}
    if "ordering" in case:
        ordering = case["ordering"]
        variables["ordering"] = {
            "field": ORDER_FIELDS[ordering.lstrip("-")],
            "direction": "DESC" if ordering.startswith("-") else "ASC",
        }
    if "limit" in case:
        offset = (case.get("page", 1) - 1) * case["limit"]
        variables["pagination"] = {"limit": case["limit"], "offset": offset}
    if "language" in case:
        variables["language"] = case["language"].upper()
    answer = graphql(client, LIST, variables)
    return (
        answer if answer == REFUSED else [entry["slug"] for entry in answer["articles"]["results"]]
    )


@pytest.mark.parametrize(
    ("case", "refused"),
    [
        *((case, False) for case in LIST_CASES.values()),
        *((c, True) for c in REFUSED_CASES.values()),
    ],
    ids=[*LIST_CASES, *REFUSED_CASES],
)
def test_a_list_is_the_same_on_both_apis(client, catalogue, case, refused):
    rest, graph = rest_list(client, case), graphql_list(client, case)
    assert rest == graph
    assert (rest == REFUSED) is refused


MORE = """
query ($slug: String!, $limit: Int!) { article(slug: $slug) { moreFromVendor(limit: $limit) {
  slug } } }
"""
MORE_DEFAULT = "query ($slug: String!) { article(slug: $slug) { moreFromVendor { slug } } }"
ABSENT = "absent"
MORE_CASES = {
    "default": ("update-0", None),
    "limit 1": ("update-0", 1),
    "limit 4": ("card", 4),
    "the maximum": ("card", MORE_FROM_VENDOR_MAX),
    "a vendor with one entry": ("release", 3),
    "limit 0": ("card", 0),
    "limit over the maximum": ("card", MORE_FROM_VENDOR_MAX + 1),
    "negative limit": ("card", -2),
    "unknown entry": ("nope", 2),
}


@pytest.mark.parametrize(("slug", "limit"), MORE_CASES.values(), ids=MORE_CASES.keys())
def test_more_from_vendor_is_the_same_on_both_apis(client, catalogue, slug, limit):
    response = client.get(
        f"/api/v1/articles/{slug}/more-from-vendor/", {} if limit is None else {"limit": limit}
    )
    rest = {400: REFUSED, 404: ABSENT}.get(response.status_code)
    if rest is None:
        assert response.status_code == 200, response.content
        rest = [entry["slug"] for entry in response.json()["results"]]

    if limit is None:
        answer = graphql(client, MORE_DEFAULT, {"slug": slug})
    else:
        answer = graphql(client, MORE, {"slug": slug, "limit": limit})
    if answer in (REFUSED, {"article": None}):
        graph = ABSENT if answer != REFUSED else REFUSED
    else:
        graph = [entry["slug"] for entry in answer["article"]["moreFromVendor"]]

    assert rest == graph
    assert (rest == REFUSED) == (limit is not None and not 1 <= limit <= MORE_FROM_VENDOR_MAX)


def test_a_hidden_entry_is_absent_from_both(client, catalogue):
    hidden = Article.objects.exclude(status=Article.Status.PUBLISHED).first()
    assert client.get(f"/api/v1/articles/{hidden.slug}/more-from-vendor/").status_code == 404
    assert graphql(client, MORE_DEFAULT, {"slug": hidden.slug}) == {"article": None}
