"""Writers, translators and publishers each do their part of the desk's work in the admin,
and the admin refuses (403) what their role does not allow, through the real URLs."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ArticleTranslation
from tests.factories import (
    ArticleFactory,
    SignalBulletFactory,
    UserFactory,
    VendorFactory,
    admin_form_data,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def step_url(article, step):
    return reverse("admin:articles_article_workflow", args=[article.pk, step])


def login(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


def changelist_action(client, action, article):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [article.pk]},
        follow=True,
    )


def test_a_writer_creates_a_draft_and_cannot_make_it_published_through_the_form(client):
    login(client, "Writer")
    add = client.get(reverse("admin:articles_article_add"))
    data = admin_form_data(add) | {
        "vendor": str(VendorFactory().pk),
        "slug": "writers-entry",
        "kind": Article.Kind.RESEARCH,
        "status": "published",
        "published_at_0": "2020-01-01",
        "published_at_1": "10:00",
        "translations-0-title": "A writer's entry",
    }
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="writers-entry")
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)
    assert article.translation("en").translation.title == "A writer's entry"
    assert not Article.objects.public().exists()


def test_a_writer_edits_a_draft_and_submits_it_but_may_not_publish(client):
    writer = login(client, "Writer")
    article = ArticleFactory(draft=True)
    data = admin_form_data(client.get(change_url(article))) | {"source_authors": "Desk"}
    assert client.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).source_authors == "Desk"

    client.post(step_url(article, "submit_for_review"))
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW

    assert client.post(step_url(article, "publish")).status_code == 403
    assert changelist_action(client, "publish", article).status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    assert article.revisions.first().user == writer


def test_a_writer_edits_the_working_copy_of_a_published_entry_but_may_not_take_it_down(client):
    login(client, "Writer")
    article = ArticleFactory()
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert 'name="source_authors"' in page.content.decode()
    assert client.post(step_url(article, "unpublish")).status_code == 403
    assert changelist_action(client, "archive", article).status_code == 403
    assert Article.objects.get(pk=article.pk).source_authors == "Research Team"
    assert Article.objects.get(pk=article.pk).is_public


def test_a_writer_only_sees_the_steps_open_to_them(client):
    login(client, "Writer")
    draft_page = client.get(change_url(ArticleFactory(draft=True))).content.decode()
    review_page = client.get(change_url(ArticleFactory(in_review=True))).content.decode()
    assert "Submit for review" in draft_page
    assert ">Publish</button>" not in review_page
    assert "No workflow step is open to you from this state." in review_page
    actions = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'value="submit_for_review"' in actions and 'value="publish"' not in actions


def test_a_translator_sees_the_entry_read_only_except_the_translations(client):
    login(client, "Translator")
    article = ArticleFactory(languages=["en"])
    SignalBulletFactory(article=article, text="Worth a look")
    page = client.get(change_url(article))
    html = page.content.decode()
    assert 'name="slug"' not in html and 'name="source_url"' not in html
    assert 'name="translations-0-title"' in html and 'name="translations-1-title"' in html
    assert "Worth a look" in html and 'name="signal_bullets-0-text"' not in html

    data = admin_form_data(page) | {
        "slug": "renamed",
        "translations-1-title": "Nederlandse titel",
        "translations-1-summary": "Samenvatting",
    }
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.slug != "renamed"
    assert article.translation("nl").translation.title == "Nederlandse titel"
    assert article.is_public  # translating a live entry does not unpublish it


def test_a_translator_may_not_create_entries_or_take_steps_but_previews(client):
    login(client, "Translator")
    article = ArticleFactory(draft=True)
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    assert client.post(step_url(article, "submit_for_review")).status_code == 403
    preview = reverse("admin:articles_article_preview", args=[article.pk])
    # The translator's preview opens in the language they translate.
    opened = client.post(preview)
    assert opened.status_code == 302
    assert opened["Location"].startswith(f"/read/nl/{article.slug}/?preview=")
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_a_publisher_reviews_publishes_unpublishes_and_archives(client):
    publisher = login(client, "Publisher")
    article = ArticleFactory(in_review=True)
    client.post(step_url(article, "publish"))
    assert Article.objects.public().get() == article
    client.post(step_url(article, "unpublish"))
    assert not Article.objects.public().exists()
    client.post(step_url(article, "submit_for_review"))
    response = changelist_action(client, "publish", article)
    assert "Published: 1 entry." in response.content.decode()
    changelist_action(client, "archive", article)
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED and not article.is_public
    assert article.publish_events.filter(user=publisher).count() == 5


def test_a_publisher_may_edit_a_live_entry_but_moves_it_only_through_the_workflow(client):
    login(client, "Publisher")
    article = ArticleFactory()
    data = admin_form_data(client.get(change_url(article))) | {
        "translations-0-title": "Fixed",
        "published_at_0": "2099-01-01",
        "published_at_1": "10:00",
    }
    assert client.post(change_url(article), data).status_code == 302
    assert ArticleTranslation.objects.get(article=article, language="en").title == "Fixed"
    assert Article.objects.get(pk=article.pk).is_public


def test_a_publisher_sets_the_publication_time_of_an_entry_in_review(client):
    login(client, "Publisher")
    article = ArticleFactory(in_review=True)
    data = admin_form_data(client.get(change_url(article))) | {
        "published_at_0": "2099-01-01",
        "published_at_1": "10:00",
    }
    assert client.post(change_url(article), data).status_code == 302
    client.post(step_url(article, "publish"))
    article.refresh_from_db()
    assert article.is_scheduled and article.published_at.year == 2099


def test_staff_without_a_role_cannot_open_the_articles(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403


def test_the_demo_has_one_account_per_role_with_debug_on(client, settings):
    settings.DEBUG = True
    output = StringIO()
    call_command("load_demo", stdout=output)
    call_command("load_demo", stdout=StringIO())  # a second run keeps the accounts as they are
    for username, role in [
        ("writer", "Writer"),
        ("translator", "Translator"),
        ("publisher", "Publisher"),
    ]:
        assert f"username {username!r}, password '{username}-demo-password'" in output.getvalue()
        assert client.login(username=username, password=f"{username}-demo-password")
        assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
        user = get_user_model().objects.get(username=username)
        assert [group.name for group in user.groups.all()] == [role]
    assert get_user_model().objects.get(username="editor").is_superuser
