"""An entry's revisions through the admin: each save is one version with its diff, any two
versions compare, an earlier one restores and publishes, a stale form is refused; the pages'
query counts do not grow with the history; pruning keeps the newest and the live one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.choices import NoteKind
from articles.models import Article, Revision
from articles.services import (
    article_create,
    article_publish,
    article_publish_changes,
    article_submit_for_review,
    article_update,
    note_create,
)
from tests.factories import (
    TopicFactory,
    UserFactory,
    VendorFactory,
    admin_form_data,
    make_framework,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def restore_url(article, number):
    return reverse("admin:articles_article_restore", args=[article.pk, number])


def save(client, page, **changes):
    response = client.post(change_url(page.context["original"]), admin_form_data(page) | changes)
    assert response.status_code == 302, response.context["errors"]


@pytest.fixture
def entry():
    framework = make_framework()
    level = {level.name: level.pk for level in framework.levels.all()}
    cbrn = framework.categories.get(name="CBRN")
    return article_create(
        user=UserFactory(role="Writer"),
        vendor=VendorFactory(),
        slug="o3-mini",
        kind=Article.Kind.MODEL_RELEASE,
        source_url="https://example.com/o3-mini",
        translations={"en": {"title": "First title", "summary": "First summary"}},
        signals={"en": ["First signal"]},
        scorecard={"framework": framework, "ratings": {cbrn.pk: (level["Low"], None)}},
    )


def edit_three_times(client, entry):
    """Text, then signals, then the scorecard and topics, each one save of the page."""
    agents = TopicFactory(name="Agents")
    save(client, client.get(change_url(entry)), **{"translations-0-title": "Second title"})
    save(client, client.get(change_url(entry)), **{"signal_bullets-0-text": "Second signal"})
    high = entry.scorecard.framework.levels.get(name="High").pk
    save(
        client,
        client.get(change_url(entry)),
        **{"topics": [str(agents.pk)], "scorecard_ratings-0-pre_mitigation": str(high)},
    )


def test_edit_three_times_restore_the_first_and_publish_it(client, entry):
    client.force_login(UserFactory(role="Publisher", username="piet"))
    stale = admin_form_data(client.get(change_url(entry)))
    edit_three_times(client, entry)

    html = client.get(history_url(entry)).content.decode()
    assert html.count('class="version"') == 4
    for text in ("Title (en)", "Second title", "Signal (en)", "Second signal", "Topics", "Agents"):
        assert text in html, text
    assert "Rating CBRN" in html and "before mitigation: Low; after mitigation: —" in html
    assert "before mitigation: High; after mitigation: —" in html
    assert html.count("piet") >= 3

    compared = client.get(history_url(entry), {"from": 1, "to": 4}).content.decode()
    assert "From version 1 to version 4" in compared
    assert "First title" in compared and "Second title" in compared

    response = client.post(restore_url(entry, 1), follow=True)
    assert "Restored an earlier version" in response.content.decode()
    restored = Article.objects.get(pk=entry.pk)
    assert restored.revisions.first().content == restored.revisions.get(number=1).content
    assert client.get(history_url(entry)).content.decode().count('class="version"') == 5

    for action in ("submit_for_review", "publish"):
        url = reverse("admin:articles_article_workflow", args=[entry.pk, action])
        assert client.post(url, follow=True).status_code == 200
    detail = client.get("/api/v1/articles/o3-mini/").json()
    assert (detail["title"], detail["signals"], detail["topics"]) == (
        "First title",
        ["First signal"],
        [],
    )
    assert detail["scorecard"]["ratings"][0]["pre_mitigation"]["name"] == "Low"
    query = '{ article(slug: "o3-mini") { translation { title } signals } }'
    graphql = client.post("/graphql/", {"query": query}, content_type="application/json").json()
    assert graphql["data"]["article"] == {
        "translation": {"title": "First title"},
        "signals": ["First signal"],
    }
    assert Article.objects.get(pk=entry.pk).live.revision == entry.revisions.first()

    response = client.post(change_url(entry), stale | {"translations-0-title": "Stale"})
    assert "This entry was changed by piet" in response.content.decode()
    assert entry.translations.get().title == "First title"


def test_what_is_live_is_exactly_the_revision_it_was_published_from(entry):
    """Publishing dates the notes that go live with it: the revision it goes live from is
    written after, so the live version and its revision are one document."""
    publisher = UserFactory(role="Publisher")
    note_create(article=entry, kind=NoteKind.UPDATE, texts={"en": "A note"}, user=publisher)
    article_submit_for_review(article=entry, user=publisher)
    article_publish(article=entry, user=publisher)
    live = Article.objects.get(pk=entry.pk).live
    assert live.source["notes"][0]["published_at"] is not None
    assert live.revision.content == live.source
    assert live.revision.number == Article.objects.get(pk=entry.pk).version

    article_update(article=entry, user=publisher, translations={"en": {"title": "Fixed"}})
    note_create(article=entry, kind=NoteKind.CORRECTION, texts={"en": "Fixed"}, user=publisher)
    article_publish_changes(article=entry, user=publisher)
    republished = Article.objects.get(pk=entry.pk).live
    assert republished.revision.content == republished.source
    assert republished.revision.reason == "publish"
    assert [n["published_at"] is not None for n in republished.source["notes"]] == [True, True]


def test_comparing_versions_the_entry_does_not_have_says_so(client, entry):
    client.force_login(UserFactory(role="Writer"))
    html = client.get(history_url(entry), {"from": 1, "to": 9}).content.decode()
    assert "Both versions must be versions of this entry." in html
    html = client.get(history_url(entry), {"from": "one", "to": 1}).content.decode()
    assert "Give two version numbers to compare." in html


# The entry's page with its inlines and panel; the history page with every version's diff;
# a restore (the whole entry rewritten, its revision, the redirect).
PAGE_QUERIES, HISTORY_QUERIES, RESTORE_QUERIES = 68, 11, 38


@pytest.mark.parametrize("edits", [1, 12])
def test_the_entry_and_history_pages_and_restore_run_a_fixed_number_of_queries(
    client, entry, edits, django_assert_num_queries
):
    for n in range(edits):
        article_update(article=entry, user=None, signals={"en": [f"Signal {n}"]})
    client.force_login(UserFactory(role="Publisher"))
    client.get(change_url(entry))  # the process's caches (content types) are filled
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(change_url(entry)).status_code == 200
    with django_assert_num_queries(HISTORY_QUERIES):
        assert client.get(history_url(entry)).status_code == 200
    with django_assert_num_queries(RESTORE_QUERIES):
        assert client.post(restore_url(entry, 1)).status_code == 302
    assert entry.revisions.first().content["signals"] == {"en": ["First signal"]}


def test_pruning_keeps_the_newest_and_the_live_revision(entry):
    publisher = UserFactory(role="Publisher")
    article_submit_for_review(article=entry, user=publisher)
    article_publish(article=entry, user=publisher)
    live = Article.objects.get(pk=entry.pk).live.revision.number
    for n in range(5):
        article_update(article=entry, user=publisher, signals={"en": [f"Signal {n}"]})
    latest = entry.revisions.first().number
    out = StringIO()
    call_command("prune_revisions", keep=2, stdout=out)
    assert "removed, at most 2 kept per entry" in out.getvalue()
    kept = sorted(entry.revisions.values_list("number", flat=True))
    assert kept == sorted({live, latest - 1, latest})
    assert live < latest - 1


def test_the_setting_bounds_the_revisions_and_the_history_says_older_ones_went(
    client, entry, settings
):
    settings.REVISIONS_KEEP = 3
    for n in range(4):
        article_update(article=entry, user=None, signals={"en": [f"Signal {n}"]})
    call_command("prune_revisions", stdout=StringIO())
    assert Revision.objects.filter(article=entry).count() == 3
    client.force_login(UserFactory(role="Writer"))
    html = client.get(history_url(entry)).content.decode()
    assert html.count('class="version"') == 3
    assert "The oldest version kept: the ones before it were pruned." in html
