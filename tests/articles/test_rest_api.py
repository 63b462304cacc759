"""The partner REST API under /api/v1/: what a partner reads, filters, pages and caches."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import Article
from articles.services import article_touch, article_update
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
    return article


# --- Reading entries -------------------------------------------------------------------------


def test_an_entry_in_dutch_has_its_texts_signals_and_scorecard(api):
    make_seed_entry()
    body = api.get(detail("o3-mini-system-card"), {"lang": "nl"}).json()
    assert body["vendor"] == {"slug": "openai", "name": "OpenAI"}
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
        "Hallucinations",
        "Jailbreaks",
    ]


def test_the_body_comes_as_markdown_and_as_sanitised_html(api):
    article = ArticleFactory(languages=[])
    ArticleTranslationFactory(article=article, body="**Bold** <script>alert(1)</script>")
    body = api.get(detail(article.slug)).json()
    assert body["body"] == "**Bold** <script>alert(1)</script>"
    assert "<strong>Bold</strong>" in body["body_html"] and "<script" not in body["body_html"]


def test_a_missing_translation_falls_back_to_english_and_says_so(api):
    article = ArticleFactory(languages=["en"])
    SignalBulletFactory(article=article, language="en", text="English signal")
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
        article_touch(article=old, user=None)
        updated = slugs(api.get(ARTICLES, {"updated_since": (now + timedelta(minutes=30))}))
    assert updated == [old.slug]


def test_search_looks_in_the_language_served(api):
    dutch = ArticleFactory(languages=[])
    ArticleTranslationFactory(article=dutch, language="en", title="Agents for builders")
    ArticleTranslationFactory(article=dutch, language="nl", title="Agenten voor bouwers")
    english_only = ArticleFactory(languages=[])
    ArticleTranslationFactory(article=english_only, language="en", title="Bouwers in English")
    assert slugs(api.get(ARTICLES, {"q": "agenten", "lang": "nl"})) == [dutch.slug]
    assert slugs(api.get(ARTICLES, {"q": "agenten", "lang": "en"})) == []
    assert sorted(slugs(api.get(ARTICLES, {"q": "BOUWERS", "lang": "nl"}))) == sorted(
        [dutch.slug, english_only.slug]
    )


def test_filter_by_scorecard_presence(api):
    with_card = ArticleFactory()
    make_scorecard(article=with_card, framework=make_framework(), ratings={"CBRN": ("Low", None)})
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
        ("has_scorecard", "maybe"),
        ("ordering", "title"),
        ("page_size", "0"),
        ("page_size", "101"),
        ("page_size", "ten"),
        ("page_size", "²"),
        ("cursor", "not-a-cursor"),
        ("cursor", "cD1ub3QtYS1kYXRl"),  # "p=not-a-date"
    ],
)
def test_a_bad_value_is_a_400_naming_its_parameter(api, parameter, value):
    ArticleFactory(vendor=VendorFactory(slug="openai"))
    response = api.get(ARTICLES, {parameter: value})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


# --- Ordering and paging ---------------------------------------------------------------------


def test_ordering_by_publication_or_update_time(api):
    now = timezone.now()
    first = ArticleFactory(published_at=now - timedelta(days=3))
    second = ArticleFactory(published_at=now - timedelta(days=2))
    with time_machine.travel(now + timedelta(minutes=1)):
        article_touch(article=first, user=None)
    assert slugs(api.get(ARTICLES)) == [second.slug, first.slug]
    assert slugs(api.get(ARTICLES, {"ordering": "published"})) == [first.slug, second.slug]
    assert slugs(api.get(ARTICLES, {"ordering": "-updated"})) == [first.slug, second.slug]
    assert slugs(api.get(ARTICLES, {"ordering": "updated"})) == [second.slug, first.slug]


def test_pages_neither_repeat_nor_skip_when_entries_arrive_between_requests(api):
    now = timezone.now()
    entries = [ArticleFactory(published_at=now - timedelta(hours=n + 1)) for n in range(5)]
    first = api.get(ARTICLES, {"page_size": 2})
    assert slugs(first) == [entries[0].slug, entries[1].slug]
    ArticleFactory(published_at=now)  # newer than everything: belongs before page one
    second = api.get(first.json()["next"])
    assert slugs(second) == [entries[2].slug, entries[3].slug]
    third = api.get(second.json()["next"])
    assert slugs(third) == [entries[4].slug]
    assert third.json()["next"] is None


def test_the_default_and_maximum_page_sizes_come_from_settings(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 3}
    settings.API_MAX_PAGE_SIZE = 4
    ArticleFactory.create_batch(5)
    assert len(slugs(api.get(ARTICLES))) == 3
    assert len(slugs(api.get(ARTICLES, {"page_size": 4}))) == 4
    response = api.get(ARTICLES, {"page_size": 5})
    assert response.json() == {"page_size": ["Enter a whole number from 1 to 4."]}


def _entries_with_everything(count: int):
    framework = make_framework()
    topic = TopicFactory()
    for _ in range(count):
        article = ArticleFactory(languages=["en", "nl"])
        SignalBulletFactory(article=article)
        article.topics.add(topic)
        make_scorecard(
            article=article,
            framework=framework,
            ratings={"CBRN": ("Medium", "Low"), "Persuasion": ("Low", None)},
            risk_areas=["Jailbreaks"],
        )


@pytest.mark.parametrize("page_size", [1, 50])
def test_a_page_of_entries_runs_a_fixed_number_of_queries(
    api, django_assert_num_queries, page_size
):
    _entries_with_everything(50)
    # 1 validators aggregate, 2 last takedown, 1 page, 6 prefetches of the page data
    with django_assert_num_queries(10):
        response = api.get(ARTICLES, {"page_size": page_size, "lang": "nl"})
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 50])
def test_a_page_of_vendors_runs_a_fixed_number_of_queries(
    api, django_assert_num_queries, page_size
):
    for _ in range(50):
        VendorTranslationFactory(vendor=ArticleFactory().vendor)
    # 2 validators aggregates, 2 last takedown, 1 page, 1 translations
    with django_assert_num_queries(6):
        response = api.get(VENDORS, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


# --- HTTP caching ----------------------------------------------------------------------------


def test_a_conditional_request_gets_304_without_loading_entries(api, django_assert_max_num_queries):
    _entries_with_everything(3)
    first = api.get(ARTICLES, {"lang": "nl"})
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    with django_assert_max_num_queries(3):
        again = api.get(ARTICLES, {"lang": "nl"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    assert api.get(ARTICLES, {"lang": "nl"}, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert api.get(ARTICLES, {"lang": "en"}, HTTP_IF_NONE_MATCH=etag).status_code == 200


def _etags(api, article) -> dict[str, str]:
    urls = {
        "list": ARTICLES,
        "detail": detail(article.slug),
        "more": f"{detail(article.slug)}more-from-vendor/",
        "vendors": VENDORS,
        "vendor": f"{VENDORS}{article.vendor.slug}/",
    }
    return {name: api.get(url).headers["ETag"] for name, url in urls.items()}


def test_editing_an_entry_changes_the_etag_of_every_response_that_contains_it(api):
    article = ArticleFactory()
    ArticleFactory(vendor=article.vendor)
    before = _etags(api, article)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        article_update(article=article, user=None, translations={"en": {"title": "A better title"}})
        after = _etags(api, article)
    assert all(before[name] != after[name] for name in before), (before, after)


def test_a_scheduled_entry_going_public_changes_the_list_without_any_write(api):
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    ArticleFactory(vendor=scheduled.vendor)
    first = api.get(ARTICLES)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        later = api.get(
            ARTICLES,
            HTTP_IF_NONE_MATCH=first.headers["ETag"],
            HTTP_IF_MODIFIED_SINCE=first.headers["Last-Modified"],
        )
        assert later.status_code == 200
        assert scheduled.slug in slugs(later)
        only_modified = api.get(ARTICLES, HTTP_IF_MODIFIED_SINCE=first.headers["Last-Modified"])
        assert only_modified.status_code == 200


def test_taking_an_entry_down_invalidates_the_list_for_if_modified_since(api):
    article = ArticleFactory()
    ArticleFactory(vendor=article.vendor)
    first = api.get(ARTICLES)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        article.status = Article.Status.ARCHIVED
        article_touch(article=article, user=None)
        later = api.get(ARTICLES, HTTP_IF_MODIFIED_SINCE=first.headers["Last-Modified"])
    assert later.status_code == 200 and article.slug not in slugs(later)


def test_detail_304_and_a_taken_down_entry_is_404_not_304(api):
    article = ArticleFactory()
    etag = api.get(detail(article.slug)).headers["ETag"]
    assert api.get(detail(article.slug), HTTP_IF_NONE_MATCH=etag).status_code == 304
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ARCHIVED)
    assert api.get(detail(article.slug), HTTP_IF_NONE_MATCH=etag).status_code == 404


# --- Throttling ------------------------------------------------------------------------------


def test_anonymous_readers_are_throttled_per_client_with_retry_after(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anonymous": "2/minute",
        },
    }
    reader, other = APIClient(REMOTE_ADDR="203.0.113.5"), APIClient(REMOTE_ADDR="203.0.113.6")
    assert [reader.get(ARTICLES).status_code for _ in range(2)] == [200, 200]
    throttled = reader.get(ARTICLES)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert "throttled" in throttled.json()["detail"]
    assert other.get(ARTICLES).status_code == 200
    assert not any("203.0.113.5" in str(key) for key in cache._cache)


@pytest.mark.parametrize("limit", [1, 20])
def test_more_from_vendor_runs_a_fixed_number_of_queries(api, django_assert_num_queries, limit):
    vendor = VendorFactory()
    entry, *_others = [ArticleFactory(vendor=vendor, languages=["en", "nl"]) for _ in range(25)]
    # 1 entry, 1 validators aggregate, 2 last takedown, 1 entries, 1 translations
    with django_assert_num_queries(6):
        response = api.get(f"{detail(entry.slug)}more-from-vendor/", {"limit": limit})
    assert len(response.json()["results"]) == limit
