"""purge_feedback: feedback is kept only for the retention period."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from feedback.models import Feedback
from tests.factories import FeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_and_new(settings):
    retention = settings.FEEDBACK["RETENTION_DAYS"]
    old = FeedbackFactory(
        message="Old request",
        client_hash="a" * 64,
        dedupe_key="b" * 64,
        created_at=timezone.now() - timedelta(days=retention + 1),
    )
    new = FeedbackFactory(message="Recent request", client_hash="c" * 64)
    return old, new


def purge(*args):
    out = StringIO()
    call_command("purge_feedback", *args, stdout=out)
    return out.getvalue()


def test_feedback_older_than_the_retention_period_is_deleted(old_and_new):
    _old, new = old_and_new
    assert "deleted 1 feedback row(s)" in purge()
    assert list(Feedback.objects.all()) == [new]


def test_a_dry_run_changes_nothing(old_and_new):
    assert "Would have deleted 1 feedback row(s)" in purge("--dry-run")
    assert Feedback.objects.count() == 2


def test_anonymising_keeps_the_row_for_counts_but_drops_message_and_client(old_and_new):
    old, new = old_and_new
    assert "anonymised 1 feedback row(s)" in purge("--anonymise")
    old.refresh_from_db()
    assert (old.message, old.client_hash, old.dedupe_key) == ("", "", "")
    assert old.kind == Feedback.Kind.TOPIC_REQUEST
    assert Feedback.objects.get(pk=new.pk).message == "Recent request"
    assert "anonymised 0 feedback row(s)" in purge("--anonymise")


def test_days_overrides_the_retention_period(old_and_new):
    FeedbackFactory(created_at=timezone.now() - timedelta(days=10))
    assert "deleted 2 feedback row(s)" in purge("--days", "7")
    assert Feedback.objects.count() == 1


def test_negative_days_are_refused():
    with pytest.raises(CommandError, match="--days"):
        purge("--days", "-1")
