"""Previews on both APIs: a valid token shows one unpublished entry, privately; anything else
answers as if there were no token."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.previews import preview_token_create
from articles.services import article_update
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PREVIEW = """
query Preview($slug: String!, $token: String) {
  article(slug: $slug, previewToken: $token) { slug translation { title } }
}
"""


@pytest.fixture
def draft():
    return ArticleFactory(draft=True, slug="draft-entry", languages=["en", "nl"])


def rest(client, slug, token):
    return client.get(f"/api/v1/articles/{slug}/", {"preview": token, "lang": "nl"})


def graphql(client, slug, token, method="post"):
    body = {"query": PREVIEW, "variables": {"slug": slug, "token": token}}
    if method == "get":
        return client.get(
            "/graphql/", {"query": PREVIEW, "variables": json.dumps(body["variables"])}
        )
    return client.post("/graphql/", body, content_type="application/json")


def test_rest_serves_a_draft_with_a_valid_token_privately(client, draft):
    response = rest(client, "draft-entry", preview_token_create(article=draft))
    assert response.status_code == 200
    assert response.json()["title"] == "draft-entry title (nl)"
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response and "Last-Modified" not in response


def test_a_rest_preview_shows_the_working_copy_and_is_never_cached(client):
    entry = ArticleFactory(slug="live-entry", languages=["en", "nl"])
    new_title = "Nieuwe titel, nog niet gepubliceerd"
    article_update(article=entry, user=None, translations={"nl": {"title": new_title}})
    token = preview_token_create(article=entry)
    public = client.get("/api/v1/articles/live-entry/", {"lang": "nl"})
    preview = rest(client, "live-entry", token)
    assert public.json()["title"] == "live-entry title (nl)"
    assert preview.json()["title"] == new_title
    assert set(preview.json()) == set(public.json())
    assert preview["Cache-Control"] == "private, no-store"
    assert "Surrogate-Key" not in preview
    # The public version's validator does not turn a preview into a 304.
    validated = client.get(
        "/api/v1/articles/live-entry/",
        {"lang": "nl", "preview": token},
        headers={"If-None-Match": public["ETag"]},
    )
    assert validated.status_code == 200 and validated.json()["title"] == new_title
    again = client.get("/api/v1/articles/live-entry/", {"lang": "nl"})
    assert again.content == public.content


def test_graphql_serves_a_draft_with_a_valid_token_privately(client, draft):
    for method in ("post", "get"):
        response = graphql(client, "draft-entry", preview_token_create(article=draft), method)
        assert response.json()["data"]["article"]["slug"] == "draft-entry", method
        assert response["Cache-Control"] == "private, no-store", method


@pytest.mark.parametrize("archived", [False, True])
def test_scheduled_and_archived_entries_can_be_previewed_too(client, archived):
    entry = ArticleFactory(slug="hidden", archived=archived, scheduled=not archived)
    token = preview_token_create(article=entry)
    assert rest(client, "hidden", token).status_code == 200
    assert graphql(client, "hidden", token).json()["data"]["article"]["slug"] == "hidden"


def bad_tokens(draft):
    other = ArticleFactory(draft=True)
    good = preview_token_create(article=draft)
    return {
        "another entry's": preview_token_create(article=other),
        "tampered": good[:-3] + ("abc" if not good.endswith("abc") else "xyz"),
        "malformed": "not-a-token",
        "empty": "",
    }


def test_without_a_valid_token_a_draft_does_not_exist_on_either_api(client, draft):
    for name, token in bad_tokens(draft).items():
        assert rest(client, "draft-entry", token).status_code == 404, name
        assert graphql(client, "draft-entry", token).json()["data"]["article"] is None, name


def test_an_expired_token_shows_nothing(client, draft, settings):
    token = preview_token_create(article=draft)
    later = timezone.now() + timedelta(seconds=settings.PREVIEW_TOKEN_MAX_AGE + 5)
    with time_machine.travel(later):
        assert rest(client, "draft-entry", token).status_code == 404
        assert graphql(client, "draft-entry", token).json()["data"]["article"] is None


def test_a_public_entry_with_a_bad_token_is_served_publicly_as_usual(client):
    ArticleFactory(slug="public-entry")
    response = rest(client, "public-entry", "not-a-token")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "ETag" in response
    get = graphql(client, "public-entry", "not-a-token", method="get")
    assert get.json()["data"]["article"]["slug"] == "public-entry"
    assert "public" in get["Cache-Control"]
