"""Each process reuses the publication log's head it read for PUBLIC_HEAD_STALENESS_MS: a
publication made by another process shows on its public surfaces at most that late, its own
publications and a scheduled entry's time passing at once. (Outside a transaction: inside one,
the head is always read, so these tests commit.)"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles.models import PublicationLog
from articles.publishing import log_appended
from articles.selectors import log
from kernel import staleness
from tests.factories import ArticleFactory

ARTICLES = "/api/v1/articles/"
START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The monotonic clock the head's age is measured by, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(staleness, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def elsewhere():
    """Publications made as if by another process: this one is not told they committed."""

    class Elsewhere:
        def __enter__(self):
            log_appended.disconnect(sender=PublicationLog, dispatch_uid="articles.log_heads")

        def __exit__(self, *_exc):
            log_appended.connect(
                log.forget_log_heads_on_commit,
                sender=PublicationLog,
                dispatch_uid="articles.log_heads",
            )

    return Elsewhere()


def slugs(client) -> set[str]:
    response = client.get(ARTICLES)
    assert response.status_code == 200, response.content
    return {entry["slug"] for entry in response.json()["results"]}


def test_another_process_publication_shows_once_the_bound_has_passed(
    transactional_db, client, settings, clock, elsewhere, django_assert_num_queries
):
    settings.PUBLIC_HEAD_STALENESS_MS = 100
    ArticleFactory(slug="first")
    assert slugs(client) == {"first"}
    with elsewhere:
        ArticleFactory(slug="second")
    clock[0] += 0.099
    with django_assert_num_queries(0):
        assert slugs(client) == {"first"}
    clock[0] += 0.001
    assert slugs(client) == {"second", "first"}


def test_with_the_bound_zero_every_request_reads_the_head(
    transactional_db, client, settings, clock, elsewhere, django_assert_num_queries
):
    settings.PUBLIC_HEAD_STALENESS_MS = 0
    ArticleFactory(slug="first")
    assert slugs(client) == {"first"}
    with elsewhere:
        ArticleFactory(slug="second")
    with django_assert_num_queries(2):  # the head, then the page
        assert slugs(client) == {"second", "first"}
    with django_assert_num_queries(1):  # the head; the page is stored
        assert slugs(client) == {"second", "first"}


def test_a_process_sees_its_own_publication_at_once(transactional_db, client, settings, clock):
    settings.PUBLIC_HEAD_STALENESS_MS = 250
    ArticleFactory(slug="first")
    assert slugs(client) == {"first"}
    ArticleFactory(slug="second")
    assert slugs(client) == {"second", "first"}


def test_a_scheduled_entry_shows_at_its_time_whatever_the_bound(
    transactional_db, client, settings, clock
):
    settings.PUBLIC_HEAD_STALENESS_MS = 250
    with time_machine.travel(START, tick=False) as traveller:
        ArticleFactory(slug="now", published_at=START - timedelta(minutes=1))
        ArticleFactory(slug="soon", published_at=START + timedelta(seconds=30))
        assert slugs(client) == {"now"}
        traveller.shift(timedelta(seconds=30))
        assert slugs(client) == {"soon", "now"}


def test_a_head_read_inside_a_transaction_is_never_reused(
    db, client, settings, clock, elsewhere, django_assert_num_queries
):
    settings.PUBLIC_HEAD_STALENESS_MS = 250
    ArticleFactory(slug="first")
    assert slugs(client) == {"first"}
    with django_assert_num_queries(1):
        assert slugs(client) == {"first"}
