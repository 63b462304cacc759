"""Draft and live on the desk, through the admin's URLs: saving a live entry changes its working
copy only; the public sees the changes when a publisher publishes them. Each workflow step does
what the admin says it did."""

from datetime import timedelta
from io import StringIO

import orjson
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTranslation,
    PublicationLog,
    PublishEvent,
)
from articles.selectors import entry_detail
from articles.services import article_update
from tests.factories import ArticleFactory, UserFactory, admin_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def step(client, article, action, **data):
    url = reverse("admin:articles_article_workflow", args=[article.pk, action])
    return client.post(url, data, follow=True)


def public(slug, language="en") -> dict | None:
    """The entry as the public gets it in ``language`` (None: not public)."""
    document = entry_detail(slug=slug, language=language)
    return None if document is None else orjson.loads(document.document)


def edit(client, article, **changes):
    page = client.get(change_url(article))
    response = client.post(change_url(article), admin_form_data(page) | changes, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return response


def translation_index(client, article, language):
    data = admin_form_data(client.get(change_url(article)))
    return next(
        i
        for i in range(int(data["translations-TOTAL_FORMS"]))
        if data.get(f"translations-{i}-language") == language
    )


def page_text(client, article) -> str:
    return client.get(change_url(article)).content.decode()


def test_a_translators_edit_goes_public_only_when_a_publisher_publishes_the_changes(client):
    article = ArticleFactory(languages=["en", "nl"])
    live_title = public(article.slug, "nl")["title"]
    client.force_login(UserFactory(role="Translator"))
    index = translation_index(client, article, "nl")
    saved = edit(client, article, **{f"translations-{index}-title": "Betere titel"})
    assert "the public sees these changes once a publisher publishes them" in (
        saved.content.decode()
    )

    assert ArticleTranslation.objects.get(article=article, language="nl").title == "Betere titel"
    assert public(article.slug, "nl")["title"] == live_title
    html = page_text(client, article)
    assert "Live, with unpublished changes" in html
    assert "Title (nl)" in html.split('id="live-diff"')[1]
    assert ">Publish changes</button>" not in html

    response = step(client, article, "submit_changes")
    assert "Changes submitted for review" in response.content.decode()
    assert public(article.slug, "nl")["title"] == live_title

    client.force_login(UserFactory(role="Publisher"))
    changelist = reverse("admin:articles_article_changelist")
    waiting = client.get(changelist, {"state": "changes_submitted"})
    assert "Changes submitted for review" in waiting.content.decode()
    assert "Changes waiting for review (1)" in waiting.content.decode()
    response = step(client, article, "publish_changes")
    assert f"Changes published: {article}" in response.content.decode()
    assert public(article.slug, "nl")["title"] == "Betere titel"
    rest = client.get(f"/api/v1/articles/{article.slug}/", {"lang": "nl"})
    assert rest.json()["title"] == "Betere titel"
    assert "Live</strong>" in page_text(client, article)


@pytest.mark.parametrize("role", ["Writer", "Publisher"])
def test_saving_a_live_entry_never_publishes_whoever_saves_it(client, role):
    article = ArticleFactory(languages=["en"])
    client.force_login(UserFactory(role=role))
    edit(client, article, **{"translations-0-title": "Draft wording", "source_authors": "Desk"})
    assert Article.objects.get(pk=article.pk).source_authors == "Desk"
    assert public(article.slug)["title"] != "Draft wording"
    assert public(article.slug)["authors"] == ["Research Team"]
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_publishing_changes_is_refused_with_what_is_missing(client):
    article = ArticleFactory(languages=["en", "nl"])
    client.force_login(UserFactory(role="Writer"))
    index = translation_index(client, article, "en")
    edit(client, article, **{f"translations-{index}-DELETE": "on"})
    assert not ArticleTranslation.objects.filter(article=article, language="en").exists()

    client.force_login(UserFactory(role="Publisher"))
    assert "Publishing needs the &#x27;en&#x27; translation." in page_text(client, article)
    response = step(client, article, "publish_changes")
    assert "Publishing needs the &#x27;en&#x27; translation." in response.content.decode()
    assert public(article.slug)["language"] == "en"  # the live version still has English
    assert not PublishEvent.objects.filter(action="publish_changes").exists()


def test_a_writer_may_not_publish_changes(client):
    article = ArticleFactory()
    client.force_login(UserFactory(role="Writer"))
    edit(client, article, **{"translations-0-title": "Writer's wording"})
    assert step(client, article, "publish_changes").status_code == 403
    assert public(article.slug)["title"] != "Writer's wording"


def test_discarding_brings_the_working_copy_back_to_the_live_version(client):
    article = ArticleFactory(languages=["en"])
    live_title = public(article.slug)["title"]
    client.force_login(UserFactory(role="Writer"))
    edit(client, article, **{"translations-0-title": "Second thoughts", "source_authors": "X"})
    response = step(client, article, "discard_changes")
    assert "Changes discarded" in response.content.decode()
    article.refresh_from_db()
    assert article.translation("en").translation.title == live_title
    assert article.source_authors == "Research Team"
    assert "Live</strong>" in page_text(client, article)
    discard = article.revisions.first()
    assert (discard.reason, discard.message) == (
        "discard",
        "Discarded the changes not yet published",
    )


def test_a_scheduled_first_publication_appears_at_its_time(client):
    article = ArticleFactory(in_review=True)
    client.force_login(UserFactory(role="Publisher"))
    response = step(client, article, "publish", at="2099-01-02T09:30")
    assert "Scheduled for 2099-01-02 09:30 UTC" in response.content.decode()
    assert "Scheduled for 2099-01-02 09:30 UTC" in page_text(client, article)
    assert public(article.slug) is None
    with time_machine.travel(timezone.now().replace(year=2099, month=1, day=2, hour=9, minute=31)):
        assert public(article.slug)["slug"] == article.slug


@pytest.mark.parametrize(
    ("action", "message", "status"),
    [
        ("unpublish", "Unpublished", Article.Status.DRAFT),
        ("archive", "Archived", Article.Status.ARCHIVED),
    ],
)
def test_unpublishing_and_archiving_take_the_entry_off_the_public_surfaces(
    client, action, message, status
):
    article = ArticleFactory()
    client.force_login(UserFactory(role="Publisher"))
    response = step(client, article, action)
    assert f"{message}: {article}" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == status
    assert public(article.slug) is None
    assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 404


def test_restoring_a_version_of_a_live_entry_changes_the_working_copy_only(client):
    article = ArticleFactory(languages=["en"])
    publisher = UserFactory(role="Publisher")
    client.force_login(publisher)
    first = article.revisions.get()
    edit(client, article, **{"translations-0-title": "Newer title"})
    step(client, article, "publish_changes")
    assert public(article.slug)["title"] == "Newer title"

    url = reverse("admin:articles_article_restore", args=[article.pk, first.number])
    response = client.post(url, follow=True)
    assert "into the working copy: publish the changes to make it public" in (
        response.content.decode()
    )
    assert public(article.slug)["title"] == "Newer title"
    assert "Live, with unpublished changes" in page_text(client, article)
    step(client, article, "publish_changes")
    assert public(article.slug)["title"] == f"{article.slug} title (en)"


def test_the_publication_time_of_a_published_entry_does_not_change_by_editing():
    article = ArticleFactory()
    with pytest.raises(Exception, match="unpublish it and publish it again"):
        article_update(
            article=article,
            user=UserFactory(role="Publisher"),
            fields={"published_at": timezone.now() + timedelta(days=3)},
        )


def test_opening_and_saving_an_unchanged_entry_changes_nothing(client):
    """Browsers send text areas with \\r\\n line endings: the save must still see no change."""
    call_command("load_demo", stdout=StringIO())
    article = Article.objects.get(slug="openai-o3-mini-system-card")
    before = Article.objects.get(pk=article.pk)
    revisions = article.revisions.count()
    client.force_login(UserFactory(role="Publisher"))
    page = client.get(change_url(article))
    assert any("\r\n" in str(value) for value in admin_form_data(page).values())
    assert client.post(change_url(article), admin_form_data(page)).status_code == 302

    after = Article.objects.get(pk=article.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert article.revisions.count() == revisions
    assert "Live</strong>" in page_text(client, article)


def test_deleting_a_live_entry_in_the_admin_tells_mirrors(client):
    article = ArticleFactory()
    client.force_login(UserFactory(role="Publisher"))
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert public(article.slug) is None
    last = PublicationLog.objects.order_by("-position").first()
    assert (last.event, last.slug) == ("entry.deleted", article.slug)
