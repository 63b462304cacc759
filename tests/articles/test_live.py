"""The live version and the publication log, as the public surfaces read them."""

from datetime import timedelta

import orjson
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles import selectors
from articles.models import Article, LiveDocument, LiveEntry, LiveTopicCount, PublicationLog
from articles.publishing import live_refresh
from articles.services import (
    article_archive,
    article_publish,
    article_publish_changes,
    article_reopen,
    article_submit_for_review,
    article_unpublish,
    article_update,
)
from tests.factories import ArticleFactory, TopicFactory, VendorFactory
from tests.utils import go_live

pytestmark = pytest.mark.django_db


def document(slug, language="en"):
    row = selectors.entry_detail(slug=slug, language=language)
    return None if row is None else orjson.loads(row.document)


def log_events():
    return list(PublicationLog.objects.order_by("position").values_list("event", "slug"))


def test_every_language_gets_a_document_and_a_missing_one_says_it_fell_back():
    article = ArticleFactory(languages=["en"])
    dutch = document(article.slug, "nl")
    assert dutch["language"] == "en"
    assert dutch["requested_language"] == "nl"
    assert dutch["fallback"] is True
    assert dutch["title"] == f"{article.slug} title (en)"
    assert document(article.slug, "en")["fallback"] is False


def test_an_edit_to_the_working_copy_is_not_public_until_published_again():
    article = ArticleFactory(languages=["en"])
    translation = article.translations.get()
    translation.title = "A changed title"
    translation.save()
    assert document(article.slug)["title"] == f"{article.slug} title (en)"
    go_live(article)
    assert document(article.slug)["title"] == "A changed title"


def test_a_scheduled_entry_appears_at_its_time_and_moves_the_log_head_without_a_write():
    article = ArticleFactory(scheduled=True)
    head = selectors.log_head()
    assert document(article.slug) is None
    assert LiveDocument.objects.filter(entry_id=article.pk).count() == 2
    with time_machine.travel(article.published_at + timedelta(seconds=1)):
        assert document(article.slug)["slug"] == article.slug
        assert selectors.log_head() != head


def test_positions_grow_and_the_feed_order_follows_visibility():
    first, second = ArticleFactory(), ArticleFactory()
    positions = list(PublicationLog.objects.order_by("position").values_list("position", flat=True))
    assert positions == sorted(positions) and len(set(positions)) == 2
    assert log_events() == [("entry.published", first.slug), ("entry.published", second.slug)]


def test_unpublishing_a_seen_entry_logs_its_removal():
    article = ArticleFactory()
    article_unpublish(article=article, user=None)
    assert log_events()[-1] == ("entry.unpublished", article.slug)
    assert not LiveEntry.objects.filter(pk=article.pk).exists()


def test_a_scheduled_entry_withdrawn_before_its_time_leaves_no_trace_in_the_log():
    article = ArticleFactory(scheduled=True)
    article_unpublish(article=article, user=None)
    assert article.slug not in {slug for _event, slug in log_events()}


def test_publishing_a_draft_goes_through_review_and_writes_the_live_version():
    article = ArticleFactory(draft=True, languages=["en", "nl"])
    article = article_submit_for_review(article=article, user=None)
    article_publish(article=article, user=None)
    assert document(article.slug, "nl")["language"] == "nl"
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_renaming_a_vendor_re_renders_its_live_entries_and_tells_mirrors():
    vendor = VendorFactory(name="Old name")
    article = ArticleFactory(vendor=vendor)
    untouched = ArticleFactory()
    vendor.name = "New name"
    vendor.save()
    changed = live_refresh(entries=LiveEntry.objects.filter(vendor=vendor), vendor=vendor)
    assert changed == 1
    assert document(article.slug)["vendor"]["name"] == "New name"
    assert log_events()[-2:] == [("entry.updated", article.slug), ("vendor.updated", vendor.slug)]
    assert document(untouched.slug)["vendor"]["name"] != "New name"


def test_refreshing_unchanged_entries_changes_nothing():
    article = ArticleFactory()
    before = log_events()
    updated = LiveEntry.objects.get(pk=article.pk).updated_at
    assert live_refresh(entries=LiveEntry.objects.all()) == 0
    assert log_events() == before
    assert LiveEntry.objects.get(pk=article.pk).updated_at == updated


def test_rebuild_backfills_published_entries_without_a_live_version_and_is_idempotent(capsys):
    article = ArticleFactory()
    LiveEntry.objects.filter(pk=article.pk).delete()
    call_command("rebuild_live")
    assert "1 created" in capsys.readouterr().out
    assert document(article.slug)["slug"] == article.slug
    assert selectors.public_counts([article.vendor_id]) == {article.vendor_id: 1}
    call_command("rebuild_live")
    assert "0 created for published entries without one, 0 re-rendered" in capsys.readouterr().out


def test_the_head_changes_with_every_publication():
    heads = {selectors.log_head().token}
    article = ArticleFactory()
    heads.add(selectors.log_head().token)
    article_unpublish(article=article, user=None)
    heads.add(selectors.log_head().token)
    assert len(heads) == 3


def test_the_change_feed_waits_for_the_settle_window_and_skips_entries_taken_down_since():
    kept, removed = ArticleFactory(), ArticleFactory()
    article_unpublish(article=removed, user=None)
    assert selectors.changes_after(None, language="en", limit=10).changes == []
    later = timezone.now() + timedelta(seconds=selectors.SETTLE_SECONDS + 1)
    with time_machine.travel(later):
        page = selectors.changes_after(None, language="en", limit=10)
    assert [(c.action, c.slug) for c in page.changes] == [
        ("upsert", kept.slug),
        ("delete", removed.slug),
    ]


@pytest.mark.parametrize("withdraw", ["unpublish", "archive"])
def test_a_cancelled_schedule_does_not_come_back_when_the_entry_is_published_again(withdraw):
    article = ArticleFactory(scheduled=True)
    if withdraw == "archive":
        article = article_reopen(article=article_archive(article=article, user=None), user=None)
    else:
        article = article_unpublish(article=article, user=None)
    assert article.published_at is None
    article = article_submit_for_review(article=article, user=None)
    article_publish(article=article, user=None)
    assert document(article.slug)["slug"] == article.slug


def test_vendor_counts_follow_an_entry_to_another_vendor_and_leave_scheduled_ones_out():
    old, new = VendorFactory(), VendorFactory()
    article = ArticleFactory(vendor=old)
    ArticleFactory(vendor=new, scheduled=True)
    assert selectors.public_counts([old.pk, new.pk]) == {old.pk: 1, new.pk: 0}
    article_update(article=article, user=None, fields={"vendor": new})
    article_publish_changes(article=article, user=None)
    assert selectors.public_counts([old.pk, new.pk]) == {old.pk: 0, new.pk: 1}
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert selectors.public_counts([old.pk, new.pk]) == {old.pk: 0, new.pk: 2}
    article_unpublish(article=Article.objects.get(pk=article.pk), user=None)
    assert selectors.public_counts([old.pk, new.pk]) == {old.pk: 0, new.pk: 0}


def test_topic_counts_follow_an_entry_s_topics_and_leave_scheduled_ones_out():
    agents, safety = TopicFactory(name="Agents"), TopicFactory(name="Safety")

    def counts():
        return {topic.slug: topic.public_article_count for topic in selectors.topic_list()}

    article, scheduled = ArticleFactory(), ArticleFactory(scheduled=True)
    article.topics.set([agents])
    scheduled.topics.set([agents, safety])
    go_live(article, scheduled)
    assert counts() == {agents.slug: 1}
    article_update(article=article, user=None, topics=[safety])
    article_publish_changes(article=article, user=None)
    assert counts() == {safety.slug: 1}
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert counts() == {agents.slug: 1, safety.slug: 2}
    article_unpublish(article=Article.objects.get(pk=article.pk), user=None)
    assert counts() == {}
    LiveTopicCount.objects.update(entries=7)  # counts gone wrong: a rebuild counts afresh
    call_command("rebuild_live")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert counts() == {agents.slug: 1, safety.slug: 1}
