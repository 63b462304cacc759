"""The release page on the desk: writers make releases and add entries (from an entry's page
or the list), publishers review, publish, schedule, unschedule and revert them, through the
admin's URLs; conflicts and refusals show as messages, and nothing changes on a refusal."""

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Release, ReleaseItem
from articles.release_previews import release_for_preview
from articles.services import (
    article_publish,
    article_publish_changes,
    article_update,
    release_create,
    release_item_add,
    release_item_review,
    release_publish,
)
from tests.factories import ArticleFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer():
    return UserFactory(role="Writer")


@pytest.fixture
def publisher():
    return UserFactory(role="Publisher")


def retitle(article, title):
    article_update(article=article, user=None, translations={"en": {"title": title}})


def draft(slug, title, vendor=None):
    article = ArticleFactory(slug=slug, draft=True, vendor=vendor or VendorFactory())
    retitle(article, title)
    return article


def live_entry(slug, title, vendor=None):
    article = ArticleFactory(slug=slug, in_review=True, vendor=vendor or VendorFactory())
    retitle(article, title)
    return article_publish(article=article, user=None)


@pytest.fixture
def launch(writer):
    """An open release: two new entries and a correction to a live one, not reviewed yet."""
    correction = live_entry("last-week", "Last week")
    retitle(correction, "Last week, corrected")
    release = release_create(title="Launch", user=writer)
    for article in (draft("system-card", "System card"), correction, draft("related", "Related")):
        release_item_add(release=release, article=article, user=writer)
    return release


def reviewed(release, publisher):
    for item in release.items.all():
        release_item_review(item=item, user=publisher)
    return release


def page(release):
    return reverse("admin:articles_release_change", args=[release.pk])


def step(client, release, name, **data):
    url = reverse("admin:articles_release_step", args=[release.pk, name])
    return client.post(url, data, follow=True)


def item_step(client, item, name):
    url = reverse("admin:articles_release_item_step", args=[item.release_id, item.pk, name])
    return client.post(url, follow=True)


def titles(client) -> dict[str, str]:
    rows = client.get("/api/v1/articles/?lang=en").json()["results"]
    return {row["slug"]: row["title"] for row in rows}


def badges(content: str) -> list[str]:
    """The state badges on the release page, in order."""
    return re.findall(r'<span class="badge [\w-]+">([^<]+)</span>', content)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_writer_makes_a_release_and_adds_an_entry_from_its_page(client, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:articles_release_add")).status_code == 200
    response = client.post(reverse("admin:articles_release_add"), {"title": "Launch"})
    assert response.status_code == 302
    release = Release.objects.get(title="Launch")
    assert (release.status, release.created_by) == (Release.Status.OPEN, writer)

    entry = live_entry("last-week", "Last week")
    entry_page = reverse("admin:articles_article_change", args=[entry.pk])
    assert 'name="release"' in client.get(entry_page).content.decode()
    client.post(
        reverse("admin:articles_article_release_add", args=[entry.pk]),
        {"release": release.pk, "action": "archive"},
    )
    item = ReleaseItem.objects.get(release=release)
    assert (item.article, item.action) == (entry, "archive")
    content = client.get(entry_page).content.decode()
    assert "This entry is in the release" in content
    assert page(release) in content


def test_the_list_action_adds_the_selected_entries_to_a_chosen_or_new_release(client, writer):
    client.force_login(writer)
    existing = release_create(title="Existing", user=writer)
    first, second, third = (draft(f"entry-{n}", f"Entry {n}") for n in range(3))
    changelist = reverse("admin:articles_article_changelist")
    selection = {"action": "add_to_release", "_selected_action": [first.pk, second.pk]}
    choose = client.post(changelist, selection)
    assert "Add entries to a release" in choose.content.decode()
    assert not ReleaseItem.objects.exists()

    client.post(changelist, selection | {"apply": "1", "release": existing.pk})
    assert set(existing.items.values_list("article__slug", flat=True)) == {"entry-0", "entry-1"}

    selection = {"action": "add_to_release", "_selected_action": [third.pk]}
    response = client.post(changelist, selection | {"apply": "1", "title": "Made on the way"})
    made = Release.objects.get(title="Made on the way")
    assert response.url == page(made)
    assert list(made.items.values_list("article__slug", flat=True)) == ["entry-2"]


def test_a_publisher_reviews_and_publishes_from_the_release_page(client, launch, publisher):
    client.force_login(publisher)
    content = client.get(page(launch)).content.decode()
    assert badges(content) == ["needs review"] * 3
    assert ">Publish</button>" in content and ">Review</button>" in content
    preview = urlsplit(content.split('id="release-preview" href="')[1].split('"')[0])
    assert preview.path == "/read/en/"
    token = parse_qs(preview.query.replace("&amp;", "&"))["release"][0]
    assert release_for_preview(token=token) == launch

    for item in launch.items.all():
        item_step(client, item, "review")
    assert not launch.items.filter(reviewed_at=None).exists()
    response = step(client, launch, "publish")
    assert messages_of(response) == ["Published: Launch."]
    assert titles(client) == {
        "system-card": "System card",
        "last-week": "Last week, corrected",
        "related": "Related",
    }
    assert "Published " in response.content.decode()


def test_a_conflict_is_listed_and_refused_until_published_with_override(client, launch, publisher):
    reviewed(launch, publisher)
    correction = Article.objects.get(slug="last-week")
    retitle(correction, "Published meanwhile")
    article_publish_changes(article=correction, user=publisher)
    client.force_login(publisher)
    content = client.get(page(launch)).content.decode()
    assert badges(content) == ["ready", "conflicting", "outdated", "ready"]
    assert "Rebase" in content
    assert "Publish and override conflicts" in content

    response = step(client, launch, "publish")
    assert any("last-week: conflicts" in message for message in messages_of(response))
    assert "Nothing was published:" in response.content.decode()
    response = step(client, launch, "publish", override="1")  # the box not ticked
    assert "Tick the box" in messages_of(response)[0]
    assert titles(client) == {"last-week": "Published meanwhile"}

    step(client, launch, "publish", override="1", confirm="1")
    assert titles(client)["last-week"] == "Last week, corrected"
    launch.refresh_from_db()
    assert (launch.status, launch.failure) == (Release.Status.PUBLISHED, "")


def test_rebasing_a_conflicting_item_from_the_page_asks_for_a_review_again(
    client, launch, publisher
):
    reviewed(launch, publisher)
    correction = Article.objects.get(slug="last-week")
    retitle(correction, "Published meanwhile")
    article_publish_changes(article=correction, user=publisher)
    retitle(correction, "Last week, corrected on top")
    client.force_login(publisher)
    item_step(client, launch.items.get(article=correction), "update")
    item = launch.items.get(article=correction)
    assert item.reviewed_at is None
    assert badges(client.get(page(launch)).content.decode()) == ["ready", "needs review", "ready"]


def test_scheduling_takes_the_time_in_the_desk_time_zone(client, settings, launch, publisher):
    settings.DESK_TIME_ZONE = "Europe/Amsterdam"
    reviewed(launch, publisher)
    client.force_login(publisher)
    response = step(client, launch, "schedule", at="2030-07-01T14:00")
    launch.refresh_from_db()
    assert launch.status == Release.Status.SCHEDULED
    assert launch.published_at == datetime(2030, 7, 1, 12, 0, tzinfo=UTC)
    assert "Scheduled for 2030-07-01 14:00 CEST" in response.content.decode()
    assert titles(client) == {"last-week": "Last week"}

    response = step(client, launch, "unschedule")
    launch.refresh_from_db()
    assert (launch.status, launch.published_at) == (Release.Status.OPEN, None)
    assert "Unscheduled" in messages_of(response)[0]


def test_a_time_that_is_not_one_is_refused_with_a_message(client, launch, publisher):
    reviewed(launch, publisher)
    client.force_login(publisher)
    response = step(client, launch, "schedule", at="next tuesday")
    assert response.status_code == 200
    assert "YYYY-MM-DD HH:MM" in messages_of(response)[0]
    response = step(client, launch, "schedule", at="2001-01-01T10:00")
    assert "Choose a time in the future" in messages_of(response)[0]
    launch.refresh_from_db()
    assert launch.status == Release.Status.OPEN


def test_reverting_makes_a_release_that_restores_what_was_live(client, launch, publisher):
    release_publish(release=reviewed(launch, publisher), user=publisher)
    client.force_login(publisher)
    response = step(client, launch, "revert")
    revert = Release.objects.get(reverts=launch)
    assert response.redirect_chain[-1][0] == page(revert)
    assert revert.items.count() == 3
    for item in revert.items.all():
        item_step(client, item, "review")
    step(client, revert, "publish")
    assert titles(client) == {"last-week": "Last week"}
    content = client.get(page(launch)).content.decode()
    assert (
        "reverted by" in client.get(reverse("admin:articles_release_changelist")).content.decode()
    )
    assert "Reverted by" in content and page(revert) in content


def test_a_writer_sees_no_publisher_steps_and_a_forged_post_changes_nothing(
    client, launch, publisher, writer
):
    client.force_login(writer)
    response = item_step(client, launch.items.first(), "review")
    assert messages_of(response) == ["You may not review entries of a release."]
    assert not launch.items.exclude(reviewed_at=None).exists()
    reviewed(launch, publisher)
    content = client.get(page(launch)).content.decode()
    for button in ("Publish", "Schedule", "Review", "Revert"):
        assert f">{button}</button>" not in content
    assert ">Remove</button>" in content

    response = step(client, launch, "publish")
    assert messages_of(response) == ["You may not publish a release."]
    response = step(client, launch, "schedule", at="2030-07-01T14:00")
    assert messages_of(response) == ["You may not publish a release."]
    launch.refresh_from_db()
    assert (launch.status, launch.published_at) == (Release.Status.OPEN, None)
    assert titles(client) == {"last-week": "Last week"}


def test_the_release_page_takes_as_many_queries_for_six_entries_as_for_two(
    client, writer, publisher
):
    small, large = (release_create(title=title, user=writer) for title in ("Small", "Large"))
    for n in range(2):
        release_item_add(release=small, article=draft(f"small-{n}", f"Small {n}"), user=writer)
    for n in range(6):
        release_item_add(release=large, article=draft(f"large-{n}", f"Large {n}"), user=writer)
    client.force_login(publisher)
    client.get(page(small))  # caches warmed

    counts = []
    for release in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(release)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_list_shows_each_release_state_count_and_failure(client, launch, publisher):
    reviewed(launch, publisher)
    correction = Article.objects.get(slug="last-week")
    retitle(correction, "Published meanwhile")
    article_publish_changes(article=correction, user=publisher)
    client.force_login(publisher)
    step(client, launch, "publish")
    content = client.get(reverse("admin:articles_release_changelist")).content.decode()
    assert "Launch" in content and "Open" in content and "failed" in content
    assert '<td class="field-entries">3</td>' in content
    filtered = client.get(reverse("admin:articles_release_changelist") + "?status__exact=published")
    assert "Launch" not in filtered.content.decode()


def test_a_translator_adds_an_entry_and_sees_the_release_but_no_publisher_step(client, writer):
    translator = UserFactory(role="Translator")
    release = release_create(title="Translations", user=writer)
    entry = live_entry("last-week", "Last week")
    article_update(article=entry, user=None, translations={"nl": {"title": "Vorige week"}})
    client.force_login(translator)
    client.post(
        reverse("admin:articles_article_release_add", args=[entry.pk]), {"release": release.pk}
    )
    assert list(release.items.values_list("action", flat=True)) == ["publish_changes"]
    content = client.get(page(release)).content.decode()
    assert ">Remove</button>" in content and ">Publish</button>" not in content


def test_bad_input_to_the_release_forms_gets_a_message_or_a_4xx(client, launch, writer):
    client.force_login(writer)
    entry = draft("another", "Another")
    response = client.post(
        reverse("admin:articles_article_release_add", args=[entry.pk]),
        {"release": "not-a-number"},
        follow=True,
    )
    assert messages_of(response) == ["Choose an open release."]
    response = client.post(
        reverse("admin:articles_article_release_add", args=[entry.pk]),
        {"release": launch.pk, "action": "explode"},
        follow=True,
    )
    assert messages_of(response) == ["Unknown action 'explode'."]
    item = launch.items.first()
    assert item_step(client, item, "explode").status_code == 404
    assert step(client, launch, "explode").status_code == 404
    assert (
        client.get(reverse("admin:articles_release_step", args=[launch.pk, "publish"])).status_code
        == 405
    )
    assert client.get(reverse("admin:articles_release_change", args=["nope"])).status_code == 302
    assert launch.items.count() == 3


def test_a_writer_deletes_an_open_release_but_not_a_published_one(
    client, launch, publisher, writer
):
    client.force_login(writer)
    other = release_create(title="Other", user=writer)
    delete = reverse("admin:articles_release_delete", args=[other.pk])
    client.post(delete, {"post": "yes"})
    assert not Release.objects.filter(pk=other.pk).exists()

    release_publish(release=reviewed(launch, publisher), user=publisher)
    delete = reverse("admin:articles_release_delete", args=[launch.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(page(launch), {"title": "Renamed"})
    assert response.status_code == 403
    launch.refresh_from_db()
    assert launch.title == "Launch"


def test_the_title_of_an_open_release_is_changed_on_its_page(client, launch, writer):
    client.force_login(writer)
    client.post(page(launch), {"title": "Launch day"})
    launch.refresh_from_db()
    assert launch.title == "Launch day"
