"""Who changed what and when, a diff of every revision, restoring an earlier revision with all
its parts, and two editors saving the same entry without one silently overwriting the other."""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse

from articles.models import Article, ScorecardRating
from articles.services import (
    StaleEdit,
    article_lock_for_edit,
    article_restore,
    article_submit_for_review,
    article_update,
)
from tests.factories import (
    ArticleFactory,
    RiskAreaFactory,
    TopicFactory,
    UserFactory,
    admin_form_data,
    make_framework,
    make_scorecard,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def article():
    article = ArticleFactory(draft=True, slug="o3-mini", languages=["en", "nl"])
    article_update(
        article=article,
        user=None,
        translations={"en": {"title": "Original title"}},
        signals={"en": ["Original signal"]},
    )
    make_scorecard(
        article=article,
        framework=make_framework(),
        ratings={"CBRN": ("Medium", "Medium"), "Cybersecurity": ("Low", None)},
    )
    return article


def state(article: Article) -> dict:
    article = Article.objects.with_page_data().get(pk=article.pk)
    return {
        "source_authors": article.source_authors,
        "translations": {t.language: t.title for t in article.translations.all()},
        "signals": [s.text for s in article.signal_bullets.all()],
        "ratings": {
            r.category.name: (r.pre_mitigation.name, getattr(r.post_mitigation, "name", None))
            for r in article.scorecard_ratings.all()
        },
    }


def edit_everything(client, article):
    """One admin save changing the article, a title, a signal, a rating and dropping Dutch."""
    page = client.get(change_url(article))
    data = admin_form_data(page)
    forms = {
        data[f"translations-{i}-language"]: i for i in range(int(data["translations-TOTAL_FORMS"]))
    }
    high = article.scorecard.framework.levels.get(name="High").pk
    cbrn = next(
        i
        for i in range(int(data["scorecard_ratings-TOTAL_FORMS"]))
        if page.context["inline_admin_formsets"][3].formset.forms[i].instance.category.name
        == "CBRN"
    )
    data |= {
        "source_authors": "Someone else",
        f"translations-{forms['en']}-title": "Rewritten title",
        f"translations-{forms['nl']}-DELETE": "on",
        "signal_bullets-0-text": "Rewritten signal",
        f"scorecard_ratings-{cbrn}-pre_mitigation": str(high),
        f"scorecard_ratings-{cbrn}-post_mitigation": str(high),
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["errors"]


def test_restoring_a_version_brings_back_the_article_and_all_its_parts(client, article):
    writer = UserFactory(role="Writer")
    client.force_login(writer)
    before = state(article)
    original = article.revisions.first()
    edit_everything(client, article)
    assert state(article) == {
        "source_authors": "Someone else",
        "translations": {"en": "Rewritten title"},
        "signals": ["Rewritten signal"],
        "ratings": {"CBRN": ("High", "High"), "Cybersecurity": ("Low", None)},
    }

    url = reverse("admin:articles_article_restore", args=[article.pk, original.number])
    response = client.post(url, follow=True)
    assert "Restored an earlier version" in response.content.decode()
    assert state(article) == before
    restore = Article.objects.get(pk=article.pk).revisions.first()
    assert (restore.user, restore.reason) == (writer, "restore")
    assert restore.message.startswith(f"Restored version {original.number} of")
    assert restore.content == original.content


def test_a_restore_keeps_the_workflow_state(article):
    publisher = UserFactory(role="Publisher")
    first = article.revisions.first()
    article_update(article=article, user=publisher, fields={"source_authors": "Later"})
    article_submit_for_review(article=article, user=publisher)
    restored = article_restore(article=article, number=first.number, user=publisher)
    assert restored.status == Article.Status.IN_REVIEW
    assert restored.source_authors == "Research Team"


def test_a_version_the_entry_never_had_or_a_refused_user_cannot_restore(client, article):
    latest = article.revisions.first().number
    with pytest.raises(ValidationError, match="does not belong to this entry"):
        article_restore(article=article, number=latest + 1, user=UserFactory(role="Publisher"))
    with pytest.raises(PermissionDenied):
        article_restore(article=article, number=latest, user=UserFactory(role="Translator"))
    client.force_login(UserFactory(role="Writer"))
    url = reverse("admin:articles_article_restore", args=[article.pk, latest + 1])
    response = client.post(url, follow=True)
    assert "That version does not belong to this entry." in response.content.decode()
    assert article.revisions.first().number == latest


def test_the_history_page_shows_who_changed_what_with_the_parts(client, article):
    writer = UserFactory(role="Writer", username="writer-anna")
    client.force_login(writer)
    edit_everything(client, article)
    html = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    html = html.decode()
    assert "writer-anna" in html
    for text in (
        "Original title",
        "Rewritten title",
        "Original signal",
        "Rewritten signal",
        "Rating CBRN",
        "before mitigation: Medium; after mitigation: Medium",
        "before mitigation: High; after mitigation: High",
        "Title (nl)",
    ):
        assert text in html, text
    assert html.count("Restore this version") == article.revisions.count() - 1


def test_the_history_page_offers_no_restore_to_a_translator(client, article):
    client.force_login(UserFactory(role="Translator"))
    html = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    assert b"Restore this version" not in html
    url = reverse("admin:articles_article_restore", args=[article.pk, 1])
    assert client.post(url).status_code == 403


def test_the_later_save_of_a_stale_form_is_refused(client, article):
    first, second = UserFactory(role="Writer"), UserFactory(role="Writer", username="bram")
    client.force_login(first)
    first_form = admin_form_data(client.get(change_url(article)))
    client.force_login(second)
    second_form = admin_form_data(client.get(change_url(article)))

    second_form["source_authors"] = "Bram's authors"
    assert client.post(change_url(article), second_form).status_code == 302

    client.force_login(first)
    first_form["source_authors"] = "Anna's authors"
    first_form["translations-0-title"] = "Anna's title"
    response = client.post(change_url(article), first_form)
    assert response.status_code == 200
    assert "This entry was changed by bram" in response.content.decode()
    article.refresh_from_db()
    assert article.source_authors == "Bram's authors"
    assert "Anna's title" not in article.translations.values_list("title", flat=True)


def test_saving_raises_the_version_so_a_fresh_form_saves_again(client, article):
    client.force_login(UserFactory(role="Writer"))
    version = Article.objects.get(pk=article.pk).version
    for authors in ("First", "Second"):
        data = admin_form_data(client.get(change_url(article))) | {"source_authors": authors}
        assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.source_authors, article.version) == ("Second", version + 2)


def test_one_admin_save_with_its_inlines_is_one_revision_with_the_user(client, article):
    writer = UserFactory(role="Writer")
    client.force_login(writer)
    revisions = article.revisions.count()
    edit_everything(client, article)
    assert article.revisions.count() == revisions + 1
    latest = article.revisions.first()
    version = Article.objects.get(pk=article.pk).version
    assert (latest.user, latest.reason, latest.number) == (writer, "edit", version)
    cbrn = ScorecardRating.objects.get(article=article, category__name="CBRN")
    assert [cbrn.category_id, cbrn.pre_mitigation_id, cbrn.post_mitigation_id] in (
        latest.content["scorecard"]["ratings"]
    )
    assert latest.content["translations"].keys() == {"en"}


def test_two_saves_at_the_same_moment_cannot_both_win(transactional_db):
    """The version is compared under a row lock: a save that waited for another one sees the
    version that one wrote, and is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; run with DATABASE_URL=postgres://... to check.")
    article = ArticleFactory(draft=True)
    opened = article.version
    first_holds_lock, first_may_save = threading.Event(), threading.Event()
    outcome = {}

    def first_save():
        try:
            with transaction.atomic():
                locked = article_lock_for_edit(article_id=article.pk, expected_revision=opened)
                first_holds_lock.set()
                first_may_save.wait(5)
                article_update(article=locked, user=None, fields={"source_authors": "First"})
        finally:
            connection.close()

    def second_save():
        first_holds_lock.wait(5)
        try:
            with transaction.atomic():
                article_lock_for_edit(article_id=article.pk, expected_revision=opened)
                outcome["second"] = "saved"
        except StaleEdit:
            outcome["second"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=first_save), threading.Thread(target=second_save)]
    for thread in threads:
        thread.start()
    first_holds_lock.wait(5)
    time.sleep(0.3)  # the second save is now waiting for the lock
    first_may_save.set()
    for thread in threads:
        thread.join(10)
    assert outcome == {"second": "refused"}
    assert Article.objects.get(pk=article.pk).source_authors == "First"


def test_a_restore_brings_back_the_topics_and_the_risk_areas(client, article):
    agents, safety = TopicFactory(name="Agents"), TopicFactory(name="Safety")
    jailbreaks = RiskAreaFactory(name="Jailbreaks")
    ratings = {
        r.category_id: (r.pre_mitigation_id, r.post_mitigation_id)
        for r in article.scorecard_ratings.all()
    }
    framework = article.scorecard.framework_id
    article_update(
        article=article,
        user=None,
        topics=[agents],
        scorecard={"framework": framework, "risk_areas": [jailbreaks], "ratings": ratings},
    )
    tagged = article.revisions.first()
    client.force_login(UserFactory(role="Writer"))
    data = admin_form_data(client.get(change_url(article)))
    data |= {"topics": [str(safety.pk)], "scorecard-0-risk_areas": []}
    assert client.post(change_url(article), data).status_code == 302
    assert [t.name for t in article.topics.all()] == ["Safety"]
    assert not article.scorecard.risk_areas.exists()
    html = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    assert "Topics" in html.decode() and "Risk areas" in html.decode()

    client.post(reverse("admin:articles_article_restore", args=[article.pk, tagged.number]))
    article = Article.objects.get(pk=article.pk)
    assert [t.name for t in article.topics.all()] == ["Agents"]
    assert [a.name for a in article.scorecard.risk_areas.all()] == ["Jailbreaks"]


def test_the_old_single_record_revert_page_cannot_bypass_the_workflow(client, article):
    """The per-model history's revert page is gone with that history: its address changes
    nothing."""
    client.force_login(UserFactory(role="Publisher"))
    url = f"{change_url(article).removesuffix('change/')}history/1/"
    response = client.post(url, {"status": "published"})
    assert response.status_code in (302, 404)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
