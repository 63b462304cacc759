"""The partner REST API under /api/v1/: what a partner reads, filters, pages and caches."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import Article
from articles.services import article_publish_changes, article_update
from partners.services import partner_key_create
from partners.throttling import client_budget
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

ARTICLES = "/api/v1/articles/"
VENDORS = "/api/v1/vendors/"


@pytest.fixture
def api():
    return APIClient()


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [entry["slug"] for entry in response.json()["results"]]


def detail(slug: str) -> str:
    return f"{ARTICLES}{slug}/"


def make_seed_entry() -> Article:
    """The o3-mini system card, in English and Dutch, with its Preparedness scorecard."""
    openai = VendorFactory(name="OpenAI", slug="openai")
    article = ArticleFactory(
        vendor=openai,
        slug="o3-mini-system-card",
        kind=Article.Kind.SYSTEM_CARD,
        source_url="https://openai.com/index/o3-mini-system-card/",
        source_authors="OpenAI",
        languages=[],
    )
    ArticleTranslationFactory(
        article=article,
        language="en",
        title="OpenAI o3-mini System Card",
        audience="Relevant if you build with AI tools, APIs, or coding agents.",
        body="**Medium** risk overall.",
    )
    ArticleTranslationFactory(
        article=article,
        language="nl",
        title="OpenAI o3-mini System Card",
        audience="Relevant als je bouwt met AI-tools, API's of coding agents.",
    )
    SignalBulletFactory(
        article=article, language="en", position=0, text="Track this as a OpenAI update."
    )
    SignalBulletFactory(
        article=article, language="nl", position=0, text="Bekijk dit als OpenAI-update."
    )
    article.topics.add(TopicFactory(name="Safety", slug="safety"))
    make_scorecard(
        article=article,
        framework=make_framework(name="Preparedness Framework", slug="preparedness"),
        ratings={
            "CBRN": ("Medium", "Medium"),
            "Cybersecurity": ("Low", "Low"),
            "Persuasion": ("Medium", "Medium"),
            "Model Autonomy": ("Medium", None),
        },
        risk_areas=["Disallowed content", "Jailbreaks", "Hallucinations"],
    )
    go_live(article)
    return article


def retitle(article: Article, title: str, language: str = "en") -> None:
    """An editor changes the title and a publisher publishes the change."""
    article_update(article=article, user=None, translations={language: {"title": title}})
    article_publish_changes(article=article, user=None)


# --- Reading entries -------------------------------------------------------------------------


def test_an_entry_in_dutch_has_its_texts_signals_and_scorecard(api):
    make_seed_entry()
    body = api.get(detail("o3-mini-system-card"), {"lang": "nl"}).json()
    assert body["vendor"] == {"slug": "openai", "name": "OpenAI", "logo": None}
    assert body["kind"] == "system_card"
    assert body["authors"] == ["OpenAI"]
    assert body["topics"] == [{"slug": "safety", "name": "Safety"}]
    assert (body["language"], body["requested_language"], body["fallback"]) == ("nl", "nl", False)
    assert body["audience"] == "Relevant als je bouwt met AI-tools, API's of coding agents."
    assert body["signals"] == ["Bekijk dit als OpenAI-update."]
    scorecard = body["scorecard"]
    assert scorecard["framework"]["name"] == "Preparedness Framework"
    assert scorecard["overall"] == {"name": "Medium", "rank": 1}
    assert (scorecard["may_deploy"], scorecard["may_develop"]) == (True, True)
    assert scorecard["ratings"][0] == {
        "category": "CBRN",
        "pre_mitigation": {"name": "Medium", "rank": 1},
        "post_mitigation": {"name": "Medium", "rank": 1},
    }
    assert scorecard["ratings"][3]["post_mitigation"] is None
    assert [area["name"] for area in scorecard["risk_areas"]] == [
        "Disallowed content",
        "Jailbreaks",
        "Hallucinations",
    ]


def test_the_body_comes_as_markdown_and_as_sanitised_html(api):
    article = ArticleFactory(languages=[])
    ArticleTranslationFactory(article=article, body="**Bold** <script>alert(1)</script>")
    go_live(article)
    body = api.get(detail(article.slug)).json()
    assert body["body"] == "**Bold** <script>alert(1)</script>"
    assert "<strong>Bold</strong>" in body["body_html"] and "<script" not in body["body_html"]


def test_a_missing_translation_falls_back_to_english_and_says_so(api):
    article = ArticleFactory(languages=["en"])
    SignalBulletFactory(article=article, language="en", text="English signal")
    go_live(article)
    body = api.get(detail(article.slug), {"lang": "nl"}).json()
    assert (body["language"], body["requested_language"], body["fallback"]) == ("en", "nl", True)
    assert body["title"] == f"{article.slug} title (en)"
    assert body["signals"] == ["English signal"]


def test_accept_language_picks_the_language_and_the_query_parameter_wins(api):
    article = ArticleFactory(languages=["en", "nl"])
    dutch = api.get(detail(article.slug), HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9,en;q=0.5")
    assert dutch.json()["language"] == "nl"
    assert "Accept-Language" in dutch.headers["Vary"]
    english = api.get(detail(article.slug), {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert english.json()["language"] == "en"


def test_an_unsupported_language_is_a_400_naming_lang(api):
    article = ArticleFactory()
    for url in (ARTICLES, detail(article.slug), VENDORS, "/api/v1/changes/"):
        response = api.get(url, {"lang": "fr"})
        assert response.status_code == 400
        assert response.json() == {"lang": ["Unsupported language 'fr'; supported: en, nl."]}
        assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "archived"])
def test_an_entry_that_is_not_public_is_on_no_endpoint(api, state):
    hidden = ArticleFactory(**{state: True})
    visible = ArticleFactory(vendor=hidden.vendor)
    assert slugs(api.get(ARTICLES)) == [visible.slug]
    assert api.get(detail(hidden.slug)).status_code == 404
    more = api.get(f"{detail(visible.slug)}more-from-vendor/").json()["results"]
    assert more == []
    vendor = api.get(f"{VENDORS}{hidden.vendor.slug}/").json()
    assert vendor["public_article_count"] == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        changes = api.get("/api/v1/changes/").json()["results"]
    assert [change["slug"] for change in changes] == [visible.slug]


def test_more_from_vendor_lists_the_vendors_other_entries_newest_first(api):
    vendor = VendorFactory()
    now = timezone.now()
    entry = ArticleFactory(vendor=vendor, published_at=now - timedelta(days=1))
    older = ArticleFactory(vendor=vendor, published_at=now - timedelta(days=3))
    newer = ArticleFactory(vendor=vendor, published_at=now - timedelta(hours=1))
    ArticleFactory()  # another vendor
    url = f"{detail(entry.slug)}more-from-vendor/"
    assert slugs(api.get(url)) == [newer.slug, older.slug]
    assert slugs(api.get(url, {"limit": 1})) == [newer.slug]


@pytest.mark.parametrize("limit", ["0", "21", "two", "-1", "²", ""])
def test_more_from_vendor_refuses_a_bad_limit(api, limit):
    entry = ArticleFactory()
    response = api.get(f"{detail(entry.slug)}more-from-vendor/", {"limit": limit})
    assert response.status_code == 400
    assert response.json() == {"limit": ["Enter a whole number from 1 to 20."]}


def test_vendors_have_public_counts_and_a_translated_description(api):
    openai = VendorFactory(name="OpenAI", slug="openai")
    VendorTranslationFactory(vendor=openai, language="en", description="Makes ChatGPT.")
    VendorTranslationFactory(vendor=openai, language="nl", description="Maakt ChatGPT.")
    anthropic = VendorFactory(name="Anthropic", slug="anthropic")
    VendorTranslationFactory(vendor=anthropic, language="en", description="Makes Claude.")
    ArticleFactory.create_batch(2, vendor=openai)
    ArticleFactory(vendor=openai, draft=True)
    response = api.get(VENDORS, {"lang": "nl"})
    assert response.status_code == 200
    by_slug = {vendor["slug"]: vendor for vendor in response.json()["results"]}
    assert list(by_slug) == ["anthropic", "openai"]
    assert by_slug["openai"]["public_article_count"] == 2
    assert by_slug["openai"]["description"] == "Maakt ChatGPT."
    assert (by_slug["anthropic"]["description"], by_slug["anthropic"]["fallback"]) == (
        "Makes Claude.",
        True,
    )
    assert api.get(f"{VENDORS}openai/").json()["public_article_count"] == 2
    assert api.get(f"{VENDORS}nobody/").status_code == 404


# --- Filters ---------------------------------------------------------------------------------


def test_filter_by_one_or_several_vendors(api):
    openai = ArticleFactory(vendor=VendorFactory(slug="openai"))
    anthropic = ArticleFactory(vendor=VendorFactory(slug="anthropic"))
    ArticleFactory(vendor=VendorFactory(slug="google"))
    assert slugs(api.get(ARTICLES, {"vendor": "openai"})) == [openai.slug]
    both = slugs(api.get(f"{ARTICLES}?vendor=openai&vendor=anthropic"))
    assert sorted(both) == sorted([openai.slug, anthropic.slug])


def test_filter_by_kind_and_topic(api):
    card = ArticleFactory(kind=Article.Kind.SYSTEM_CARD)
    update = ArticleFactory(kind=Article.Kind.PRODUCT_UPDATE)
    update.topics.add(TopicFactory(slug="agents"))
    go_live(update)
    assert slugs(api.get(ARTICLES, {"kind": "system_card"})) == [card.slug]
    assert slugs(api.get(ARTICLES, {"topic": "agents"})) == [update.slug]


def test_filter_by_publication_and_update_time(api):
    now = timezone.now()
    old = ArticleFactory(published_at=now - timedelta(days=10))
    recent = ArticleFactory(published_at=now - timedelta(days=1))
    since = (now - timedelta(days=5)).isoformat()
    assert slugs(api.get(ARTICLES, {"published_after": since})) == [recent.slug]
    assert slugs(api.get(ARTICLES, {"published_before": since})) == [old.slug]
    day = (now - timedelta(days=5)).date().isoformat()
    assert slugs(api.get(ARTICLES, {"published_after": day})) == [recent.slug]
    with time_machine.travel(now + timedelta(hours=1)):
        retitle(old, "Corrected")
        updated = slugs(api.get(ARTICLES, {"updated_since": (now + timedelta(minutes=30))}))
    assert updated == [old.slug]


def test_search_looks_in_the_language_served(api):
    dutch = ArticleFactory(languages=[])
    ArticleTranslationFactory(article=dutch, language="en", title="Agents for builders")
    ArticleTranslationFactory(article=dutch, language="nl", title="Agenten voor bouwers")
    english_only = ArticleFactory(languages=[])
    ArticleTranslationFactory(article=english_only, language="en", title="Bouwers in English")
    go_live(dutch, english_only)
    assert slugs(api.get(ARTICLES, {"q": "agenten", "lang": "nl"})) == [dutch.slug]
    assert slugs(api.get(ARTICLES, {"q": "agenten", "lang": "en"})) == []
    assert sorted(slugs(api.get(ARTICLES, {"q": "BOUWERS", "lang": "nl"}))) == sorted(
        [dutch.slug, english_only.slug]
    )


def test_filter_by_scorecard_presence(api):
    with_card = ArticleFactory()
    make_scorecard(article=with_card, framework=make_framework(), ratings={"CBRN": ("Low", None)})
    go_live(with_card)
    without = ArticleFactory()
    assert slugs(api.get(ARTICLES, {"has_scorecard": "true"})) == [with_card.slug]
    assert slugs(api.get(ARTICLES, {"has_scorecard": "false"})) == [without.slug]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("vendor", "nobody"),
        ("kind", "gossip"),
        ("topic", "nothing"),
        ("published_after", "yesterday"),
        ("published_before", "2025-13-01"),
        ("updated_since", "soon"),
        ("updated_since", "9999-12-31T23:59:59-05:00"),
        ("q", "x" * 201),
        ("has_scorecard", "maybe"),
        ("ordering", "title"),
        ("page_size", "0"),
        ("page_size", "101"),
        ("page_size", "ten"),
        ("page_size", "²"),
        ("cursor", "not-a-cursor"),
        ("cursor", "cD1ub3QtYS1kYXRl"),  # "p=not-a-date", a cursor of the old format
        ("cursor", "WzAsICJub3QtYS1kYXRlIiwgMV0"),  # [0, "not-a-date", 1]
    ],
)
def test_a_bad_value_is_a_400_naming_its_parameter(api, parameter, value):
    ArticleFactory(vendor=VendorFactory(slug="openai"))
    response = api.get(ARTICLES, {parameter: value})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_unknown_vendors_and_topics_are_named_in_the_400(api):
    ArticleFactory(vendor=VendorFactory(slug="openai"))
    TopicFactory(slug="agents")
    response = api.get(f"{ARTICLES}?vendor=openai&vendor=nobody&topic=agents&topic=gossip")
    assert response.status_code == 400
    assert response.json() == {
        "vendor": ["Unknown: nobody."],
        "topic": ["Unknown: gossip."],
    }


def test_several_bad_parameters_are_reported_together(api):
    response = api.get(ARTICLES, {"kind": "gossip", "page_size": "0", "ordering": "title"})
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "page_size", "ordering"}


# --- Ordering and paging ---------------------------------------------------------------------


def test_ordering_by_publication_or_update_time(api):
    now = timezone.now()
    first = ArticleFactory(published_at=now - timedelta(days=3))
    second = ArticleFactory(published_at=now - timedelta(days=2))
    with time_machine.travel(now + timedelta(minutes=1)):
        retitle(first, "Corrected")
    assert slugs(api.get(ARTICLES)) == [second.slug, first.slug]
    assert slugs(api.get(ARTICLES, {"ordering": "published"})) == [first.slug, second.slug]
    assert slugs(api.get(ARTICLES, {"ordering": "-updated"})) == [first.slug, second.slug]
    assert slugs(api.get(ARTICLES, {"ordering": "updated"})) == [second.slug, first.slug]


def test_pages_neither_repeat_nor_skip_when_entries_arrive_between_requests(api):
    now = timezone.now()
    entries = [ArticleFactory(published_at=now - timedelta(hours=n + 1)) for n in range(5)]
    first = api.get(ARTICLES, {"page_size": 2})
    assert slugs(first) == [entries[0].slug, entries[1].slug]
    assert first.json()["previous"] is None
    ArticleFactory(published_at=now)  # newer than everything: belongs before page one
    second = api.get(first.json()["next"])
    assert slugs(second) == [entries[2].slug, entries[3].slug]
    third = api.get(second.json()["next"])
    assert slugs(third) == [entries[4].slug]
    assert third.json()["next"] is None
    back = api.get(third.json()["previous"])
    assert slugs(back) == [entries[2].slug, entries[3].slug]
    assert slugs(api.get(back.json()["previous"])) == [entries[0].slug, entries[1].slug]


def test_links_keep_the_filters_ordering_and_language(api):
    vendor = VendorFactory(slug="openai")
    now = timezone.now()
    entries = [
        ArticleFactory(vendor=vendor, published_at=now - timedelta(hours=n)) for n in range(3)
    ]
    ArticleFactory()  # another vendor
    first = api.get(
        ARTICLES,
        {"vendor": "openai", "ordering": "published", "page_size": 2},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert slugs(first) == [entries[2].slug, entries[1].slug]
    link = first.json()["next"]
    assert link.startswith("http://testserver/api/v1/articles/?")
    assert "vendor=openai" in link and "ordering=published" in link and "lang=nl" in link
    second = api.get(link)
    assert slugs(second) == [entries[0].slug]
    assert second.json()["results"][0]["requested_language"] == "nl"


def test_the_default_and_maximum_page_sizes_come_from_settings(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 3}
    settings.API_MAX_PAGE_SIZE = 4
    ArticleFactory.create_batch(5)
    assert len(slugs(api.get(ARTICLES))) == 3
    assert len(slugs(api.get(ARTICLES, {"page_size": 4}))) == 4
    response = api.get(ARTICLES, {"page_size": 5})
    assert response.json() == {"page_size": ["Enter a whole number from 1 to 4."]}


# --- Vendors and topics ----------------------------------------------------------------------


def test_vendors_page_by_slug(api):
    for slug in ("c-vendor", "a-vendor", "b-vendor"):
        VendorFactory(slug=slug)
    first = api.get(VENDORS, {"page_size": 2})
    assert slugs(first) == ["a-vendor", "b-vendor"]
    second = api.get(first.json()["next"])
    assert slugs(second) == ["c-vendor"] and second.json()["next"] is None
    assert slugs(api.get(second.json()["previous"])) == ["a-vendor", "b-vendor"]


def test_topics_list_those_public_entries_carry_with_their_counts(api):
    agents = TopicFactory(slug="agents", name="Agents")
    safety = TopicFactory(slug="safety", name="Safety")
    TopicFactory(slug="unused")
    for _ in range(2):
        article = ArticleFactory()
        article.topics.add(agents)
        go_live(article)
    draft = ArticleFactory(draft=True)
    draft.topics.add(safety)
    scheduled = ArticleFactory(scheduled=True)
    scheduled.topics.add(safety)
    go_live(scheduled)
    response = api.get("/api/v1/topics/")
    assert response.json()["results"] == [
        {"slug": "agents", "name": "Agents", "public_article_count": 2}
    ]
    with time_machine.travel(scheduled.published_at + timedelta(seconds=1)):
        later = api.get("/api/v1/topics/").json()["results"]
    assert [(topic["slug"], topic["public_article_count"]) for topic in later] == [
        ("agents", 2),
        ("safety", 1),
    ]


# --- Throttling ------------------------------------------------------------------------------


def test_anonymous_readers_are_throttled_per_client_with_retry_after(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anonymous": "2/minute",
        },
    }
    addresses = ["203.0.113.5", "203.0.113.6"]
    reader, other = APIClient(REMOTE_ADDR=addresses[0]), APIClient(REMOTE_ADDR=addresses[1])
    assert [reader.get(ARTICLES).status_code for _ in range(2)] == [200, 200]
    throttled = reader.get(ARTICLES)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "throttled" in throttled.json()["detail"]
    assert other.get(ARTICLES).status_code == 200
    # The budget is kept under a salted fingerprint of the client, never its address.
    budgets = [
        client_budget(RequestFactory().get(ARTICLES, REMOTE_ADDR=a), None) for a in addresses
    ]
    assert budgets[0].key != budgets[1].key
    assert not any(address in budget.key for budget in budgets for address in addresses)


def test_partners_read_the_same_cached_content_and_are_still_throttled(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "partner": "2/minute",
        },
    }
    ArticleFactory.create_batch(2)
    _key, raw_key = partner_key_create(name="Partner")
    partner = APIClient(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    anonymous = APIClient().get(ARTICLES)
    first, second = partner.get(ARTICLES), partner.get(ARTICLES)
    assert first.content == second.content == anonymous.content
    assert first.headers["ETag"] == anonymous.headers["ETag"]
    assert partner.get(ARTICLES).status_code == 429
