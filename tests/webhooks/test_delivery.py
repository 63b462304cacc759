"""Publishing reaches a partner's receiver: signed, once, after the commit, from the outbox."""

import orjson
import pytest
from django.db import transaction
from standardwebhooks import Webhook

from articles.models import LiveDocument, PublicationLog
from articles.services import article_publish_changes, article_unpublish, article_update
from tests.factories import NoteFactory
from tests.webhooks.utils import publish, run_worker
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_published_entry_is_delivered_signed_with_its_documents_and_log_position(
    receiver, subscription
):
    _subscription, secret = subscription
    article = publish(languages=["en", "nl"])
    assert receiver.requests == []  # nothing is sent by the publishing request itself
    run_worker()

    [request] = receiver.requests
    payload = Webhook(secret).verify(request.body, request.headers)
    log = PublicationLog.objects.get(article_id=article.pk)
    assert payload["type"] == "entry.published"
    assert payload["data"]["id"] == article.pk
    assert payload["data"]["slug"] == "fresh-entry"
    assert payload["data"]["position"] == log.position
    documents = payload["data"]["documents"]
    assert set(documents) == {"en", "nl"}
    assert documents["nl"] == orjson.loads(
        LiveDocument.objects.get(entry_id=article.pk, language="nl").document
    )
    assert request.id == Delivery.objects.get().webhook_id
    assert request.headers["content-type"] == "application/json"


def test_a_rolled_back_publication_sends_nothing(receiver, subscription):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish()
        raise RuntimeError("the editor's request failed after publishing")
    run_worker()
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_an_unpublished_entry_is_announced_without_documents(receiver, subscription):
    article = publish()
    article_unpublish(article=article, user=None)
    run_worker()
    by_type = {r.json["type"]: r.json["data"] for r in receiver.requests}
    assert set(by_type) == {"entry.published", "entry.unpublished"}
    assert "documents" not in by_type["entry.unpublished"]
    assert by_type["entry.unpublished"]["slug"] == "fresh-entry"


def test_an_update_says_whether_it_was_significant(receiver, subscription):
    article = publish()
    article_update(article=article, user=None, translations={"en": {"title": "Typo fixed"}})
    article_publish_changes(article=article, user=None)
    article_update(article=article, user=None, translations={"en": {"summary": "New facts."}})
    article_publish_changes(article=article, user=None, significant=True)
    NoteFactory(article=article)
    article_publish_changes(article=article, user=None)
    run_worker()
    updates = sorted(
        (r.json["data"] for r in receiver.requests if r.json["type"] == "entry.updated"),
        key=lambda data: data["position"],
    )
    assert [data["significant"] for data in updates] == [False, True, True]
    assert updates[-1]["documents"]["en"]["notes"][0]["kind"] == "correction"
