"""Preview links: a signed, expiring token shows one unpublished entry, and nothing else."""

import re
from datetime import timedelta

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
    with django_assert_num_queries(5):
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


def test_a_writer_creates_a_preview_link_in_the_admin_with_its_expiry(client, draft, settings):
    settings.PREVIEW_TOKEN_MAX_AGE = 3600
    client.force_login(UserFactory(role="Writer"))
    with time_machine.travel("2026-03-01 10:00:00Z"):
        response = client.post(
            reverse("admin:articles_article_preview", args=[draft.pk]), follow=True
        )
    html = response.content.decode()
    assert "valid until 2026-03-01 11:00 UTC" in html
    token = re.search(r"\?preview=([^<\s]+)</code>", html).group(1)
    assert "/api/v1/articles/draft-entry/?preview=" in html
    with time_machine.travel("2026-03-01 10:30:00Z"):
        assert article_for_preview(slug="draft-entry", token=token) == draft
