"""GraphQL queries sent with GET are cached and validated like the REST API's public reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.services import article_unpublish
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

QUERY = "{ articles { results { slug } } }"


def get(client, query=QUERY, **headers):
    return client.get("/graphql/", {"query": query}, headers=headers)


def slugs(response):
    return [entry["slug"] for entry in response.json()["data"]["articles"]["results"]]


def test_a_repeated_get_is_served_from_the_cache_with_one_query(client):
    article = ArticleFactory()
    first = get(client)
    assert slugs(first) == [article.slug]
    assert "public" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        again = get(client)
    assert again.content == first.content
    assert len(queries) == 1  # the publication log's head


def test_a_matching_etag_is_answered_304_with_one_query(client):
    ArticleFactory()
    etag = get(client)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = get(client, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert len(queries) == 1


def test_publishing_makes_the_cached_answer_stale_at_once(client):
    kept, removed = ArticleFactory(), ArticleFactory()
    before = get(client)
    assert sorted(slugs(before)) == sorted([kept.slug, removed.slug])
    article_unpublish(article=removed, user=None)
    after = get(client, **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert slugs(after) == [kept.slug]


def test_the_language_asked_for_selects_the_cached_answer(client):
    ArticleFactory(languages=["en", "nl"])
    query = "{ articles { results { translation { language } } } }"
    english = get(client, query, **{"Accept-Language": "en"}).json()
    dutch = get(client, query, **{"Accept-Language": "nl"}).json()
    assert english["data"]["articles"]["results"][0]["translation"]["language"] == "EN"
    assert dutch["data"]["articles"]["results"][0]["translation"]["language"] == "NL"


def test_answers_with_errors_are_not_cached(client):
    response = get(client, "{ articles(pagination: {limit: 0}) { results { slug } } }")
    assert response.json()["errors"]
    assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response


def test_parameters_graphql_does_not_read_do_not_select_a_stored_answer(client):
    ArticleFactory()
    first = client.get("/graphql/", {"query": QUERY, "v": "1"})
    with CaptureQueriesContext(connection) as queries:
        other = client.get("/graphql/", {"query": QUERY, "v": "2", "utm_source": "x"})
    assert other.content == first.content and other["ETag"] == first["ETag"]
    assert len(queries) == 1  # the publication log's head: answered from the stored answer
    validated = client.get(
        "/graphql/", {"query": QUERY, "v": "3"}, headers={"If-None-Match": first["ETag"]}
    )
    assert validated.status_code == 304


def test_headers_asking_for_the_same_language_share_one_stored_answer(client):
    ArticleFactory(languages=["en", "nl"])
    query = "{ articles { results { translation { language } } } }"
    dutch = get(client, query, **{"Accept-Language": "nl"})
    for header in ("nl-NL,nl;q=0.9,en;q=0.8", "nl-BE", "xx, nl"):
        with CaptureQueriesContext(connection) as queries:
            same = get(client, query, **{"Accept-Language": header})
        assert same["ETag"] == dutch["ETag"] and same.content == dutch.content, header
        assert len(queries) == 1, header
    assert get(client, query, **{"Accept-Language": "en-GB"})["ETag"] != dutch["ETag"]


def test_get_answers_name_what_their_resolvers_read(client):
    article = ArticleFactory()
    vendor = article.vendor.slug

    def keys(query, **headers):
        return get(client, query, **headers).headers["Surrogate-Key"].split()

    assert keys(QUERY) == ["entries-en"]
    assert keys(QUERY, **{"Accept-Language": "nl"}) == ["entries-nl"]
    assert keys('{ articles(filters: {search: "model"}) { totalCount } }') == ["search-en"]
    assert keys(f'{{ articles(filters: {{vendors: ["{vendor}"]}}) {{ totalCount }} }}') == [
        f"vendor-{vendor}"
    ]
    assert keys(f'{{ article(slug: "{article.slug}") {{ slug }} }}') == [f"entry-{article.pk}"]
    detail = f'{{ article(slug: "{article.slug}") {{ vendor {{ articleCount }} }} }}'
    assert keys(detail) == [f"entry-{article.pk}", f"vendor-{vendor}"]
    # Publishing an entry with this slug purges the lists' key, and with it this answer.
    assert keys('{ article(slug: "not-yet") { slug } }') == ["entries-en"]
    assert keys("{ vendors { slug } topics { slug } }") == ["vendors-en", "topics"]
