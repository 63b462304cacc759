from datetime import UTC, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from articles.previews import preview_token_create
from articles.selectors import MORE_FROM_VENDOR_MAX, NOT_A_SLUG
from tests.factories import (
    ArticleFactory,
    ArticleTranslationFactory,
    SignalBulletFactory,
    TopicFactory,
    VendorFactory,
    VendorTranslationFactory,
    make_framework,
    make_scorecard,
)
from tests.utils import go_live

pytestmark = pytest.mark.django_db

SEED_SLUG = "openai-o3-mini-system-card"

SEED_PAGE = """
query SeedPage($slug: String!, $language: Language, $more: Int = 4) {
  article(slug: $slug, language: $language) {
    slug
    kind
    sourceUrl
    authors
    publishedAt
    availableLanguages
    topics { slug name }
    translation {
      language requestedLanguage fallback title summary audience bodyMarkdown bodyHtml
    }
    signals
    vendor { slug name description }
    scorecard {
      framework { name url deployThreshold { name } developThreshold { name } }
      overall { name rank }
      overallPreMitigation { name rank }
      mayDeploy
      mayDevelop
      ratings { category preMitigation { name rank } postMitigation { name rank } }
      riskAreas { name }
    }
    moreFromVendor(limit: $more) {
      slug
      translation { language fallback title summary }
    }
  }
}
"""

LIST_QUERY = """
query List($filters: ArticleFilter, $ordering: ArticleOrder,
           $pagination: OffsetPaginationInput, $language: Language) {
  articles(filters: $filters, ordering: $ordering, pagination: $pagination,
           language: $language) {
    totalCount
    pageInfo { offset limit }
    results { slug }
  }
}
"""

FULL_LIST_QUERY = """
query FullList($limit: Int) {
  articles(pagination: {limit: $limit}) {
    totalCount
    results {
      slug kind sourceUrl authors publishedAt updatedAt availableLanguages
      topics { slug articleCount }
      translation { language fallback title summary audience bodyHtml }
      signals
      vendor { slug description articleCount
               articles(pagination: {limit: 2}) { totalCount results { slug } } }
      scorecard {
        framework { name scale { name } deployThreshold { name } }
        overall { name } overallPreMitigation { name } mayDeploy mayDevelop
        ratings { category preMitigation { name } postMitigation { name } }
        riskAreas { name }
      }
      moreFromVendor { slug translation { title } vendor { name } }
      two: moreFromVendor(limit: 2) { slug }
    }
  }
}
"""


def post(client, query, variables=None, language=None):
    return client.post(
        "/graphql/",
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        headers={"Accept-Language": language} if language else {},
    )


def data(client, query, variables=None, language=None):
    response = post(client, query, variables, language)
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


def error_message(response) -> str:
    body = response.json()
    assert body.get("data") is None or "errors" in body, body
    return " ".join(error["message"] for error in body["errors"])


def not_public_entries(**fields):
    return [
        ArticleFactory(draft=True, **fields),
        ArticleFactory(in_review=True, **fields),
        ArticleFactory(scheduled=True, **fields),
        ArticleFactory(archived=True, **fields),
    ]


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def seed():
    """An entry shaped like the seed page: OpenAI's o3-mini system card, English and Dutch."""
    openai = VendorFactory(slug="openai", name="OpenAI")
    VendorTranslationFactory(vendor=openai, language="en", description="Makes ChatGPT.")
    VendorTranslationFactory(vendor=openai, language="nl", description="Maakt ChatGPT.")
    article = ArticleFactory(
        vendor=openai,
        slug=SEED_SLUG,
        kind=Article.Kind.SYSTEM_CARD,
        source_authors="OpenAI",
        published_at=days_ago(3),
        languages=[],
    )
    article.topics.set([TopicFactory(slug="safety", name="Safety")])
    ArticleTranslationFactory(
        article=article,
        language="en",
        title="OpenAI o3-mini System Card",
        audience="Relevant if you build with AI tools, APIs, or coding agents.",
        body="## Introduction\n\nThe OpenAI o model series...",
    )
    ArticleTranslationFactory(
        article=article,
        language="nl",
        title="OpenAI o3-mini System Card",
        audience="Relevant als je bouwt met AI-tools, API's of coding agents.",
        body="## Introductie\n\nDe OpenAI o-modelreeks...",
    )
    signals = {
        "en": [
            "Track this as a OpenAI update, not just a standalone headline.",
            "Useful for builders who need to understand API, coding, or workflow changes.",
        ],
        "nl": [
            "Bekijk dit als OpenAI-update, niet alleen als losse headline.",
            "Nuttig voor bouwers die API-, code- of workflowwijzigingen willen begrijpen.",
        ],
    }
    for language, texts in signals.items():
        # Created in reverse so the answer's order must come from the position.
        for position, text in reversed(list(enumerate(texts))):
            SignalBulletFactory(article=article, language=language, position=position, text=text)
    framework = make_framework(
        name="Preparedness Framework", url="https://openai.com/preparedness", vendor=openai
    )
    make_scorecard(
        article=article,
        framework=framework,
        ratings={
            "CBRN": ("Medium", "Medium"),
            "Cybersecurity": ("Low", "Low"),
            "Persuasion": ("Medium", "Medium"),
            "Model Autonomy": ("Medium", None),
        },
        risk_areas=["Disallowed content", "Jailbreaks", "Hallucinations"],
    )
    go_live(article)
    more = [
        ArticleFactory(vendor=openai, slug=f"more-{days}", published_at=days_ago(days))
        for days in (1, 2, 4, 5, 6)
    ]
    hidden = not_public_entries(vendor=openai)
    ArticleFactory(slug="other-vendor")
    return {"article": article, "more": more, "hidden": {entry.slug for entry in hidden}}


def test_the_seed_page_in_english(client, seed):
    article = data(client, SEED_PAGE, {"slug": SEED_SLUG}, language="en")["article"]

    assert article["kind"] == "SYSTEM_CARD"
    assert article["authors"] == ["OpenAI"]
    assert article["availableLanguages"] == ["EN", "NL"]
    assert article["topics"] == [{"slug": "safety", "name": "Safety"}]
    translation = article["translation"]
    assert translation["language"] == translation["requestedLanguage"] == "EN"
    assert translation["fallback"] is False
    assert translation["title"] == "OpenAI o3-mini System Card"
    assert translation["audience"] == (
        "Relevant if you build with AI tools, APIs, or coding agents."
    )
    assert translation["bodyHtml"].startswith("<h2>Introduction</h2>")
    assert article["signals"] == [
        "Track this as a OpenAI update, not just a standalone headline.",
        "Useful for builders who need to understand API, coding, or workflow changes.",
    ]
    assert article["vendor"] == {
        "slug": "openai",
        "name": "OpenAI",
        "description": "Makes ChatGPT.",
    }
    scorecard = article["scorecard"]
    assert scorecard["framework"] == {
        "name": "Preparedness Framework",
        "url": "https://openai.com/preparedness",
        "deployThreshold": {"name": "Medium"},
        "developThreshold": {"name": "High"},
    }
    assert scorecard["overall"] == {"name": "Medium", "rank": 1}
    assert scorecard["overallPreMitigation"] == {"name": "Medium", "rank": 1}
    assert scorecard["mayDeploy"] is True
    assert scorecard["mayDevelop"] is True
    assert scorecard["ratings"] == [
        {
            "category": "CBRN",
            "preMitigation": {"name": "Medium", "rank": 1},
            "postMitigation": {"name": "Medium", "rank": 1},
        },
        {
            "category": "Cybersecurity",
            "preMitigation": {"name": "Low", "rank": 0},
            "postMitigation": {"name": "Low", "rank": 0},
        },
        {
            "category": "Persuasion",
            "preMitigation": {"name": "Medium", "rank": 1},
            "postMitigation": {"name": "Medium", "rank": 1},
        },
        {
            "category": "Model Autonomy",
            "preMitigation": {"name": "Medium", "rank": 1},
            "postMitigation": None,
        },
    ]
    assert [area["name"] for area in scorecard["riskAreas"]] == [
        "Disallowed content",
        "Jailbreaks",
        "Hallucinations",
    ]
    assert [entry["slug"] for entry in article["moreFromVendor"]] == [
        "more-1",
        "more-2",
        "more-4",
        "more-5",
    ]


def test_the_seed_page_in_dutch_from_accept_language(client, seed):
    article = data(client, SEED_PAGE, {"slug": SEED_SLUG}, language="nl-NL,nl;q=0.9,en;q=0.5")[
        "article"
    ]

    translation = article["translation"]
    assert translation["language"] == translation["requestedLanguage"] == "NL"
    assert translation["fallback"] is False
    assert translation["audience"] == "Relevant als je bouwt met AI-tools, API's of coding agents."
    assert translation["bodyHtml"].startswith("<h2>Introductie</h2>")
    assert article["signals"] == [
        "Bekijk dit als OpenAI-update, niet alleen als losse headline.",
        "Nuttig voor bouwers die API-, code- of workflowwijzigingen willen begrijpen.",
    ]
    assert article["vendor"]["description"] == "Maakt ChatGPT."
    more = article["moreFromVendor"]
    # The other entries have English texts only: Dutch readers get those, flagged.
    served = {(e["translation"]["language"], e["translation"]["fallback"]) for e in more}
    assert served == {("EN", True)}


def test_the_language_argument_wins_over_accept_language(client, seed):
    article = data(client, SEED_PAGE, {"slug": SEED_SLUG, "language": "EN"}, language="nl")[
        "article"
    ]
    assert article["translation"]["language"] == "EN"
    assert article["vendor"]["description"] == "Makes ChatGPT."


def test_each_root_field_answers_its_nested_fields_in_its_own_language(client, seed):
    query = """
    query ($slug: String!) {
      dutch: article(slug: $slug, language: NL) {
        signals vendor { description } moreFromVendor(limit: 1) { translation { language } } }
      english: article(slug: $slug) {
        signals vendor { description } moreFromVendor(limit: 1) { translation { language } } }
      vendors(language: NL) { description articles { results { translation { language } } } }
    }
    """
    answer = data(client, query, {"slug": SEED_SLUG}, language="en")

    assert answer["dutch"]["vendor"]["description"] == "Maakt ChatGPT."
    assert answer["dutch"]["signals"][0].startswith("Bekijk dit")
    assert answer["dutch"]["moreFromVendor"][0]["translation"]["language"] == "EN"
    assert answer["english"]["vendor"]["description"] == "Makes ChatGPT."
    assert answer["english"]["signals"][0].startswith("Track this")
    openai = next(v for v in answer["vendors"] if v["description"] == "Maakt ChatGPT.")
    languages = {e["translation"]["language"] for e in openai["articles"]["results"]}
    assert languages == {"EN", "NL"}


def test_an_unsupported_accept_language_gets_the_default_language(client, seed):
    article = data(client, SEED_PAGE, {"slug": SEED_SLUG}, language="fr-FR")["article"]
    assert article["translation"]["language"] == "EN"
    assert article["translation"]["requestedLanguage"] == "EN"


def test_an_unsupported_language_argument_is_a_clear_error(client, seed):
    response = post(client, SEED_PAGE, {"slug": SEED_SLUG, "language": "FR"})
    assert response.status_code == 200
    assert "Language" in error_message(response)
    assert "FR" in error_message(response)


def test_a_missing_translation_falls_back_to_the_default_language(client):
    entry = ArticleFactory(slug="english-only", languages=["en"])
    SignalBulletFactory(article=entry, language="en", text="Worth a look.")
    go_live(entry)

    article = data(client, SEED_PAGE, {"slug": "english-only", "language": "NL"})["article"]

    assert article["translation"]["language"] == "EN"
    assert article["translation"]["requestedLanguage"] == "NL"
    assert article["translation"]["fallback"] is True
    assert article["translation"]["title"] == "english-only title (en)"
    assert article["signals"] == ["Worth a look."]
    assert article["availableLanguages"] == ["EN"]


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "archived"])
def test_an_entry_that_is_not_public_is_null(client, state):
    ArticleFactory(slug="hidden", **{state: True})
    assert data(client, SEED_PAGE, {"slug": "hidden"})["article"] is None


def test_a_scheduled_entry_appears_at_its_time_without_any_write(client):
    entry = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    query = "query ($slug: String!) { article(slug: $slug) { slug } articles { totalCount } }"
    assert data(client, query, {"slug": entry.slug}) == {
        "article": None,
        "articles": {"totalCount": 0},
    }
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert data(client, query, {"slug": entry.slug}) == {
            "article": {"slug": entry.slug},
            "articles": {"totalCount": 1},
        }


def test_no_entry_that_is_not_public_appears_through_any_field(client, seed, settings):
    hidden = seed["hidden"]
    assert len(hidden) == 4
    # A page of 100 entries under each of 100 entries weighs more than the cost limit admits.
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_COST": 10**9}
    query = """
    {
      articles(pagination: {limit: 100}) {
        totalCount
        results { slug moreFromVendor(limit: 12) { slug } vendor { articleCount
          articles(pagination: {limit: 100}) { totalCount results { slug } } } }
      }
      vendors { slug articleCount articles(pagination: {limit: 100}) {
        totalCount results { slug moreFromVendor(limit: 12) { slug } } } }
      vendor(slug: "openai") { articleCount articles { totalCount results { slug } } }
    }
    """
    answer = data(client, query)

    def slugs(value):
        if isinstance(value, dict):
            return {s for key, v in value.items() for s in slugs(v)} | (
                {value["slug"]} if isinstance(value.get("slug"), str) else set()
            )
        if isinstance(value, list):
            return {s for v in value for s in slugs(v)}
        return set()

    assert slugs(answer) & hidden == set()
    assert answer["articles"]["totalCount"] == 7
    openai = next(v for v in answer["vendors"] if v["slug"] == "openai")
    assert openai["articleCount"] == openai["articles"]["totalCount"] == 6
    assert answer["vendor"]["articleCount"] == 6


def test_vendors_count_only_public_entries_and_describe_in_the_language(client):
    vendor = VendorFactory(slug="openai", name="OpenAI")
    VendorTranslationFactory(vendor=vendor, language="nl", description="Maakt ChatGPT.")
    ArticleFactory(vendor=vendor)
    not_public_entries(vendor=vendor)

    vendors = data(client, "{ vendors { slug articleCount description } }", language="nl")

    assert vendors["vendors"] == [
        {"slug": "openai", "articleCount": 1, "description": "Maakt ChatGPT."}
    ]


def test_an_unknown_vendor_is_null(client):
    assert data(client, '{ vendor(slug: "nobody") { name } }')["vendor"] is None


def list_slugs(client, **variables):
    return [a["slug"] for a in data(client, LIST_QUERY, variables)["articles"]["results"]]


@pytest.fixture
def catalogue():
    openai = VendorFactory(slug="openai")
    anthropic = VendorFactory(slug="anthropic")
    safety = TopicFactory(slug="safety")
    card = ArticleFactory(
        slug="card", vendor=openai, kind=Article.Kind.SYSTEM_CARD, published_at=days_ago(3)
    )
    card.topics.add(safety)
    framework = make_framework()
    make_scorecard(article=card, framework=framework, ratings={"CBRN": ("Low", None)})
    go_live(card)
    ArticleFactory(
        slug="release",
        vendor=anthropic,
        kind=Article.Kind.MODEL_RELEASE,
        published_at=days_ago(2),
        languages=["en", "nl"],
    )
    ArticleFactory(slug="update", vendor=openai, published_at=days_ago(1))
    not_public_entries(vendor=openai, kind=Article.Kind.SYSTEM_CARD)
    # Publish a change to "card" last, so it is the most recently updated.
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        go_live(card)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["update", "release", "card"]),
        ({"vendors": ["openai"]}, ["update", "card"]),
        ({"vendors": ["openai", "anthropic"]}, ["update", "release", "card"]),
        ({"kinds": ["SYSTEM_CARD"]}, ["card"]),
        ({"kinds": ["SYSTEM_CARD", "MODEL_RELEASE"]}, ["release", "card"]),
        ({"topics": ["safety"]}, ["card"]),
        ({"hasScorecard": True}, ["card"]),
        ({"hasScorecard": False}, ["update", "release"]),
        ({"search": "RELEASE TITLE"}, ["release"]),
        ({"search": "summary"}, ["update", "release", "card"]),
        ({"search": "   "}, ["update", "release", "card"]),
    ],
)
def test_filters(client, catalogue, filters, expected):
    assert list_slugs(client, filters=filters) == expected


def test_filter_by_publication_time_range_and_update_time(client, catalogue):
    after, before = days_ago(2.5).isoformat(), days_ago(1.5).isoformat()
    assert list_slugs(client, filters={"publishedAfter": after, "publishedBefore": before}) == [
        "release"
    ]
    assert list_slugs(client, filters={"publishedAfter": after}) == ["update", "release"]
    assert list_slugs(client, filters={"publishedBefore": before}) == ["release", "card"]
    since = (timezone.now() + timedelta(seconds=30)).isoformat()
    assert list_slugs(client, filters={"updatedSince": since}) == ["card"]


def test_search_looks_in_the_language_the_reader_is_served(client, catalogue):
    # "release" has a Dutch text; the others fall back to English for a Dutch reader.
    assert list_slugs(client, filters={"search": "(nl)"}, language="NL") == ["release"]
    assert list_slugs(client, filters={"search": "(en)"}, language="NL") == ["update", "card"]
    assert list_slugs(client, filters={"search": "(nl)"}, language="EN") == []


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ({"field": "PUBLISHED_AT", "direction": "DESC"}, ["update", "release", "card"]),
        ({"field": "PUBLISHED_AT", "direction": "ASC"}, ["card", "release", "update"]),
        ({"field": "UPDATED_AT"}, ["card", "update", "release"]),
        ({"field": "UPDATED_AT", "direction": "ASC"}, ["release", "update", "card"]),
    ],
)
def test_ordering(client, catalogue, ordering, expected):
    assert list_slugs(client, ordering=ordering) == expected


def test_pagination_pages_through_with_a_total_count(client, catalogue):
    page = data(client, LIST_QUERY, {"pagination": {"offset": 1, "limit": 1}})["articles"]
    assert page == {
        "totalCount": 3,
        "pageInfo": {"offset": 1, "limit": 1},
        "results": [{"slug": "release"}],
    }
    beyond = data(client, LIST_QUERY, {"pagination": {"offset": 3, "limit": 5}})["articles"]
    assert beyond["results"] == []
    assert beyond["totalCount"] == 3


def test_the_default_and_the_maximum_page_size(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_PAGE_SIZE": 3, "DEFAULT_PAGE_SIZE": 2}
    ArticleFactory.create_batch(4)
    default = data(client, LIST_QUERY)["articles"]
    assert len(default["results"]) == 2
    assert default["pageInfo"]["limit"] == 2
    assert len(list_slugs(client, pagination={"limit": 3})) == 3
    # An offset alone takes the default page size.
    first_three = list_slugs(client, pagination={"limit": 3})
    assert list_slugs(client, pagination={"offset": 1}) == first_three[1:]


@pytest.mark.parametrize(
    ("pagination", "message"),
    [
        ({"limit": 101}, "pagination.limit: Enter a whole number from 1 to 100."),
        ({"limit": 0}, "pagination.limit: Enter a whole number from 1 to 100."),
        ({"limit": -1}, "pagination.limit: Enter a whole number from 1 to 100."),
        ({"offset": -1}, "pagination.offset: Enter a whole number, 0 or more."),
    ],
)
def test_a_page_outside_the_limits_is_refused(client, pagination, message):
    ArticleFactory()
    response = post(client, LIST_QUERY, {"pagination": pagination})
    assert response.status_code == 200
    assert error_message(response) == message


def test_vendor_articles_filter_order_and_paginate_per_vendor(client, catalogue):
    query = """
    query ($filters: ArticleFilter, $ordering: ArticleOrder, $pagination: OffsetPaginationInput) {
      vendors { slug articles(filters: $filters, ordering: $ordering, pagination: $pagination) {
        totalCount results { slug } } }
    }
    """

    def per_vendor(**variables):
        return {
            v["slug"]: (v["articles"]["totalCount"], [a["slug"] for a in v["articles"]["results"]])
            for v in data(client, query, variables)["vendors"]
        }

    assert per_vendor() == {"anthropic": (1, ["release"]), "openai": (2, ["update", "card"])}
    assert per_vendor(pagination={"offset": 1, "limit": 1}) == {
        "anthropic": (1, []),
        "openai": (2, ["card"]),
    }
    assert per_vendor(ordering={"direction": "ASC"}) == {
        "anthropic": (1, ["release"]),
        "openai": (2, ["card", "update"]),
    }
    assert per_vendor(filters={"kinds": ["SYSTEM_CARD"]}) == {
        "anthropic": (0, []),
        "openai": (1, ["card"]),
    }
    assert per_vendor(filters={"topics": ["safety"]}, pagination={"offset": 1}) == {
        "anthropic": (0, []),
        "openai": (1, []),
    }
    assert per_vendor(filters={"search": "update or card"}) == {
        "anthropic": (0, []),
        "openai": (2, ["update", "card"]),
    }


def test_more_from_vendor_lists_up_to_its_maximum_and_skips_entries_that_are_not_public(
    client,
):
    vendor = VendorFactory()
    entry = ArticleFactory(vendor=vendor, published_at=days_ago(30))
    others = ArticleFactory.create_batch(MORE_FROM_VENDOR_MAX + 2, vendor=vendor)
    not_public_entries(vendor=vendor)

    variables = {"slug": entry.slug, "more": MORE_FROM_VENDOR_MAX}
    more = data(client, SEED_PAGE, variables)["article"]["moreFromVendor"]

    assert [e["slug"] for e in more] == [a.slug for a in others[:MORE_FROM_VENDOR_MAX]]


@pytest.mark.parametrize("limit", [0, -3, MORE_FROM_VENDOR_MAX + 1])
def test_more_from_vendor_outside_its_limits_is_refused_like_rest(client, seed, limit):
    response = post(client, SEED_PAGE, {"slug": SEED_SLUG, "more": limit})
    assert response.status_code == 200
    assert error_message(response) == (
        f"limit: Enter a whole number from 1 to {MORE_FROM_VENDOR_MAX}."
    )
    assert response.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "fields": {"limit": [f"Enter a whole number from 1 to {MORE_FROM_VENDOR_MAX}."]},
    }


def test_more_from_vendor_in_a_list_gives_each_entry_its_own_vendors_entries(client):
    first, second = VendorFactory(), VendorFactory()
    a_new, a_old = (ArticleFactory(vendor=first, published_at=days_ago(d)) for d in (1, 2))
    b_only = ArticleFactory(vendor=second, published_at=days_ago(3))

    query = "{ articles { results { slug moreFromVendor { slug } } } }"
    results = data(client, query)["articles"]["results"]

    assert {r["slug"]: [m["slug"] for m in r["moreFromVendor"]] for r in results} == {
        a_new.slug: [a_old.slug],
        a_old.slug: [a_new.slug],
        b_only.slug: [],
    }


def test_aliases_of_a_nested_list_keep_their_own_arguments(client, seed):
    query = """
    query ($slug: String!) {
      article(slug: $slug) { one: moreFromVendor(limit: 1) { slug } two: moreFromVendor { slug } }
      vendors {
        slug
        oldest: articles(ordering: {direction: ASC}, pagination: {limit: 1}) { results { slug } }
        cards: articles(filters: {kinds: [SYSTEM_CARD]}) { totalCount }
      }
    }
    """
    answer = data(client, query, {"slug": SEED_SLUG})

    assert [e["slug"] for e in answer["article"]["one"]] == ["more-1"]
    assert [e["slug"] for e in answer["article"]["two"]] == ["more-1", "more-2", "more-4", "more-5"]
    openai = next(v for v in answer["vendors"] if v["slug"] == "openai")
    assert openai["oldest"]["results"] == [{"slug": "more-6"}]
    assert openai["cards"]["totalCount"] == 1
    same = "{ articles { results { slug a: moreFromVendor(limit: 2) { slug } b: moreFromVendor("
    same += "limit: 2) { slug } } } }"
    results = data(client, same)["articles"]["results"]
    assert all(entry["a"] == entry["b"] for entry in results)
    seed_entry = next(entry for entry in results if entry["slug"] == SEED_SLUG)
    assert seed_entry["a"] == [{"slug": "more-1"}, {"slug": "more-2"}]


def test_a_nested_page_outside_the_limits_is_refused(client):
    ArticleFactory()
    query = "{ vendors { articles(pagination: {limit: 101}) { totalCount } } }"
    response = post(client, query)
    assert response.status_code == 200
    assert error_message(response) == "pagination.limit: Enter a whole number from 1 to 100."


# --- Query budgets ---------------------------------------------------------------------------


def full_entries(count, logo=None):
    """``count`` live entries of three vendors, each with every part; with ``logo`` (the
    ``library_image`` fixture), each vendor has a logo of its own."""
    framework = make_framework()
    vendors = [VendorFactory(logo=logo(120, 120) if logo else None) for _ in range(3)]
    for vendor in vendors:
        VendorTranslationFactory(vendor=vendor)
    for index in range(count):
        article = ArticleFactory(vendor=vendors[index % 3], languages=["en", "nl"])
        article.topics.add(TopicFactory())
        SignalBulletFactory(article=article)
        make_scorecard(
            article=article,
            framework=framework,
            ratings={"CBRN": ("Medium", "Low"), "Persuasion": ("Low", None)},
            risk_areas=["Jailbreaks"],
        )
        go_live(article)


# The list: its count and its page (2). Everything an entry shows comes from its document;
# then one query per nested field kind and set of arguments, whatever the list's length: the
# vendors' own data (vendors, their translations, their public counts: 3), each vendor's page
# of entries and their totals (2), the topics' counts (1), and moreFromVendor once per limit
# (2); the vendors' logos come with their own data (1).
LIST_BUDGET = 2 + 3 + 2 + 1 + 2 + 1


@pytest.mark.parametrize("count", [1, 50])
def test_a_list_with_every_nested_field_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, count, library_image
):
    full_entries(count, logo=library_image)
    with django_assert_num_queries(LIST_BUDGET):
        results = data(client, FULL_LIST_QUERY, {"limit": 50})["articles"]["results"]
    assert len(results) == count
    assert all(r["scorecard"]["overall"] == {"name": "Low"} for r in results)
    assert all(r["topics"][0]["articleCount"] == 1 for r in results)
    assert sum(len(r["two"]) for r in results) == min(count - 1, 2) * count


# The entry's document (1); the vendor's description (vendor, translations, count: 3);
# moreFromVendor (1).
SEED_BUDGET = 1 + 3 + 1


def test_the_seed_page_runs_a_fixed_number_of_queries(client, seed, django_assert_num_queries):
    with django_assert_num_queries(SEED_BUDGET):
        article = data(client, SEED_PAGE, {"slug": SEED_SLUG})["article"]
    assert len(article["moreFromVendor"]) == 4


VENDOR_PAGES = {
    "fields": """
    { vendors { slug description articleCount logo { alt renditions { url } }
        articles { totalCount results { slug translation { title } vendor { name } } } } }
    """,
    "fragment": """
    { vendors { slug description articleCount logo { alt renditions { url } }
        articles { totalCount ...Entries } } }
    fragment Entries on ArticlePage { results { slug translation { title } vendor { name } } }
    """,
}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("query", VENDOR_PAGES.values(), ids=VENDOR_PAGES.keys())
def test_vendors_with_their_entries_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, count, query, library_image
):
    full_entries(count, logo=library_image)
    # Vendors, their translations and counts (3), their logos (1), every vendor's page (1),
    # every vendor's total (1: counts kept by publishing, read again for the page's arguments).
    with django_assert_num_queries(6):
        vendors = data(client, query)["vendors"]
    assert sum(v["articles"]["totalCount"] for v in vendors) == count
    assert all(v["logo"]["renditions"] for v in vendors)


def test_a_time_without_an_offset_is_utc(client, catalogue):
    naive_utc = timezone.now().astimezone(UTC).replace(tzinfo=None)
    after = (naive_utc - timedelta(days=2.5)).isoformat()
    assert list_slugs(client, filters={"publishedAfter": after}) == ["update", "release"]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"vendors": [f"v{n}" for n in range(51)]}, "filters.vendors: Give at most 50 values."),
        ({"topics": [f"t{n}" for n in range(51)]}, "filters.topics: Give at most 50 values."),
        ({"search": "x" * 201}, "filters.search: Use at most 200 characters."),
        ({"vendors": ["openai", "nope"]}, "filters.vendors: Unknown: nope."),
        ({"topics": ["nope", "safety", "gone"]}, "filters.topics: Unknown: nope, gone."),
    ],
)
def test_a_filter_outside_the_limits_is_refused(client, catalogue, filters, message):
    response = post(client, LIST_QUERY, {"filters": filters})
    assert response.status_code == 200
    assert error_message(response) == message


def test_an_invalid_time_is_refused(client):
    response = post(client, LIST_QUERY, {"filters": {"publishedAfter": "yesterday"}})
    assert response.status_code == 200
    assert "publishedAfter" in error_message(response)


def test_an_unknown_slug_in_a_vendors_entries_filter_is_refused(client, catalogue):
    query = '{ vendors { articles(filters: {topics: ["nope"]}) { totalCount } } }'
    response = post(client, query)
    assert response.status_code == 200
    assert error_message(response) == "filters.topics: Unknown: nope."
    assert response.json()["data"] is None


def test_aliases_with_different_arguments_cost_one_query_each(client, django_assert_num_queries):
    full_entries(50)
    query = """
    { articles(pagination: {limit: 50}) { results {
        one: moreFromVendor(limit: 1) { slug } two: moreFromVendor(limit: 2) { slug }
        three: moreFromVendor(limit: 3) { slug } again: moreFromVendor(limit: 3) { slug }
        vendor { newest: articles(pagination: {limit: 1}) { results { slug } }
                 oldest: articles(ordering: {direction: ASC}, pagination: {limit: 1}) {
                   results { slug } } }
    } } }
    """
    # The page (1); moreFromVendor per limit (3); Vendor.articles per argument set (2).
    with django_assert_num_queries(1 + 3 + 2):
        results = data(client, query)["articles"]["results"]
    assert [len(r["three"]) for r in results] == [3] * 50
    assert all(r["again"] == r["three"] for r in results)


# --- Ids, topics, previews -------------------------------------------------------------------


def test_an_entry_has_the_integer_id_the_rest_api_uses(client):
    entry = ArticleFactory()
    query = "query ($slug: String!) { article(slug: $slug) { id } }"
    assert data(client, query, {"slug": entry.slug})["article"] == {"id": entry.pk}
    assert client.get(f"/api/v1/articles/{entry.slug}/").json()["id"] == entry.pk


def test_topics_list_the_public_ones_with_their_counts(client):
    safety, agents, embargoed = (
        TopicFactory(slug=slug, name=slug.title()) for slug in ("safety", "agents", "embargoed")
    )
    for topics in ([safety], [safety, agents]):
        entry = ArticleFactory()
        entry.topics.set(topics)
        go_live(entry)
    draft, scheduled = ArticleFactory(draft=True), ArticleFactory(scheduled=True)
    for hidden in (draft, scheduled):
        hidden.topics.set([safety, embargoed])
    go_live(scheduled)

    answer = data(client, "{ topics { slug name articleCount } }")

    assert answer["topics"] == [
        {"slug": "agents", "name": "Agents", "articleCount": 1},
        {"slug": "safety", "name": "Safety", "articleCount": 2},
    ]


@pytest.fixture
def changed_entry():
    """A live entry whose working copy has changes nobody published yet."""
    entry = ArticleFactory(slug="changed", languages=["en"])
    translation = entry.translations.get()
    translation.title = "Unpublished title"
    translation.save()
    SignalBulletFactory(article=entry, text="Unpublished signal")
    make_scorecard(article=entry, framework=make_framework(), ratings={"CBRN": ("High", "Low")})
    return entry


PREVIEW = """
query ($slug: String!, $token: String) {
  article(slug: $slug, previewToken: $token) {
    id slug translation { title } signals scorecard { overall { name } }
    moreFromVendor { slug } vendor { slug articleCount }
  }
}
"""


def test_the_public_sees_the_live_version_and_a_preview_the_working_copy(client, changed_entry):
    public = post(client, PREVIEW, {"slug": "changed"})
    article = public.json()["data"]["article"]
    assert article["translation"]["title"] == "changed title (en)"
    assert article["signals"] == [] and article["scorecard"] is None
    assert "private" not in public.get("Cache-Control", "")

    token = preview_token_create(article=changed_entry)
    preview = post(client, PREVIEW, {"slug": "changed", "token": token})
    article = preview.json()["data"]["article"]
    assert article["id"] == changed_entry.pk
    assert article["translation"]["title"] == "Unpublished title"
    assert article["signals"] == ["Unpublished signal"]
    assert article["scorecard"] == {"overall": {"name": "Low"}}
    assert preview["Cache-Control"] == "private, no-store"


def test_a_previewed_draft_lists_only_public_entries_of_its_vendor(client):
    vendor = VendorFactory()
    draft = ArticleFactory(draft=True, vendor=vendor)
    public = ArticleFactory(vendor=vendor)
    not_public_entries(vendor=vendor)

    token = preview_token_create(article=draft)
    article = data(client, PREVIEW, {"slug": draft.slug, "token": token})["article"]

    assert article["slug"] == draft.slug
    assert article["moreFromVendor"] == [{"slug": public.slug}]
    assert article["vendor"] == {"slug": vendor.slug, "articleCount": 1}


def test_a_vendor_or_topic_that_cannot_be_a_slug_is_bad_user_input(client, catalogue):
    response = post(client, LIST_QUERY, {"filters": {"vendors": ["openai", "Bad Slug!"]}})
    [error] = response.json()["errors"]
    assert error["message"] == f"filters.vendors: {NOT_A_SLUG}"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
