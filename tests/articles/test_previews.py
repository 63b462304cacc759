"""Preview links: a signed, expiring token shows one unpublished entry, and nothing else."""

import json
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.previews import article_for_preview, preview_token_create
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ArticleFactory(draft=True, slug="draft-entry")


def test_a_valid_token_returns_the_draft_with_its_page_data(draft, django_assert_num_queries):
    token = preview_token_create(article=draft)
    with django_assert_num_queries(6):
        article = article_for_preview(slug="draft-entry", token=token)
        assert article.translation("en").translation.title == "draft-entry title (en)"
    assert article == draft and not article.is_public


def test_a_token_still_previews_the_entry_after_it_is_edited(draft):
    token = preview_token_create(article=draft)
    draft.source_authors = "Edited after the link was made"
    draft.save()
    assert article_for_preview(slug="draft-entry", token=token).source_authors == (
        "Edited after the link was made"
    )


def test_a_token_expires_after_the_configured_age(draft, settings):
    settings.PREVIEW_TOKEN_MAX_AGE = 600
    token = preview_token_create(article=draft)
    with time_machine.travel(timezone.now() + timedelta(seconds=590)):
        assert article_for_preview(slug="draft-entry", token=token) == draft
    with time_machine.travel(timezone.now() + timedelta(seconds=610)):
        assert article_for_preview(slug="draft-entry", token=token) is None


def test_a_token_is_bound_to_one_entry(draft):
    other = ArticleFactory(draft=True, slug="other-entry")
    token = preview_token_create(article=draft)
    assert article_for_preview(slug="other-entry", token=token) is None
    other_token = preview_token_create(article=other)
    assert article_for_preview(slug="draft-entry", token=other_token) is None
    draft.slug = "renamed-entry"
    draft.save()
    assert article_for_preview(slug="renamed-entry", token=token) is None


def test_a_tampered_token_is_refused(draft):
    token = preview_token_create(article=draft)
    _payload, rest = token.split(":", 1)
    forged_payload = signing.dumps({"pk": draft.pk + 1, "slug": "draft-entry"}).split(":", 1)[0]
    for forged in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        f"{forged_payload}:{rest}",
        signing.dumps({"pk": draft.pk, "slug": "draft-entry"}),  # right data, wrong salt
    ):
        assert article_for_preview(slug="draft-entry", token=forged) is None


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c", "::::", None, 42, "é" * 500])
def test_a_malformed_token_is_none_not_an_error(draft, token):
    assert article_for_preview(slug="draft-entry", token=token) is None


def test_a_signed_payload_that_is_not_a_preview_is_refused(draft):
    for payload in (["draft-entry"], {"pk": "1", "slug": "draft-entry"}, {"slug": "draft-entry"}):
        token = signing.dumps(payload, salt="articles.preview")
        assert article_for_preview(slug="draft-entry", token=token) is None


def test_preview_opens_the_reader_page_of_the_working_copy_with_a_fresh_link(
    client, draft, settings
):
    settings.PREVIEW_TOKEN_MAX_AGE = 3600
    client.force_login(UserFactory(role="Writer"))
    with time_machine.travel("2026-03-01 10:00:00Z"):
        response = client.post(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/read/en/draft-entry/?preview=")
    token = unquote(response["Location"].split("preview=", 1)[1])
    with time_machine.travel("2026-03-01 10:30:00Z"):
        assert article_for_preview(slug="draft-entry", token=token) == draft
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "valid until 2026-03-01 11:00 UTC" in page


def test_preview_follows_a_desks_own_frontend(client, draft, settings):
    settings.PREVIEW_URL_TEMPLATE = "https://front.example/preview/{slug}?token={token}"
    client.force_login(UserFactory(role="Writer"))
    response = client.post(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert response["Location"].startswith("https://front.example/preview/draft-entry?token=")


def test_the_message_bar_shows_the_token_shortened_the_link_carries_it_whole(client, draft):
    client.force_login(UserFactory(role="Writer"))
    response = client.post(reverse("admin:articles_article_preview", args=[draft.pk]))
    token = unquote(response["Location"].split("preview=", 1)[1])
    message = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    html = message.content.decode()
    assert "Preview link, valid until" in html and f"({token[:8]}…" in html
    assert token not in html


def test_the_live_preview_tells_only_the_desks_own_frontend(client, draft, settings):
    settings.PREVIEW_URL_TEMPLATE = "https://front.example:8443/preview/{slug}?token={token}"
    client.force_login(UserFactory(role="Writer"))
    change = reverse("admin:articles_article_change", args=[draft.pk])
    client.post(reverse("admin:articles_article_preview", args=[draft.pk]), {"side": "1"})
    html = client.get(change).content.decode()
    config = json.loads(
        re.search(r'<script id="live-preview-config"[^>]*>(.*?)</script>', html).group(1)
    )
    assert config | {"words": None} == {
        "words": None,
        "url": reverse("article-live-preview", args=[draft.pk]),
        "targetOrigin": "https://front.example:8443",
        "language": "en",
    }
    assert "articles/live_preview.js" in html


def test_the_preview_beside_the_form_shows_the_working_copy_after_every_save(client, draft):
    client.force_login(UserFactory(role="Writer"))
    change = reverse("admin:articles_article_change", args=[draft.pk])
    assert "<iframe" not in client.get(change).content.decode()
    client.post(reverse("admin:articles_article_preview", args=[draft.pk]), {"side": "1"})
    url = re.search(r'<iframe[^>]* src="([^"]+)"', client.get(change).content.decode()).group(1)
    assert url.startswith("/read/en/draft-entry/?preview=")
    token = unquote(url.split("preview=", 1)[1])
    assert article_for_preview(slug="draft-entry", token=token) == draft
    framed = client.get(url)
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    client.post(reverse("admin:articles_article_preview", args=[draft.pk]), {"side": "1"})
    assert "<iframe" not in client.get(change).content.decode()


def test_view_on_site_opens_the_reader_page_of_a_live_entry_only(client, draft):
    client.force_login(UserFactory(role="Publisher"))
    live = ArticleFactory(slug="live-entry")
    live_page = client.get(reverse("admin:articles_article_change", args=[live.pk]))
    assert 'href="/read/en/live-entry/"' in live_page.content.decode()
    draft_page = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert "View on site" not in draft_page.content.decode()
