"""Webhook payloads carry the entry's image; a change of the image's alt text is announced."""

import pytest

from images.services import image_update
from tests.webhooks.utils import publish, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_payload_carries_the_image_and_its_alt_text_changes(
    receiver, subscription, library_image
):
    image = library_image(alt={"en": "A red disc"})
    publish(image=image)
    run_worker()
    [published] = receiver.requests
    sent = published.json["data"]["documents"]["nl"]["image"]
    assert (sent["alt"], sent["fallback"]) == ("A red disc", True)
    assert {r["format"] for r in sent["renditions"]} == {"avif", "webp", "jpeg"}

    image_update(image=image, user=None, texts={"nl": {"alt": "Een rode schijf"}})
    run_worker()
    updated = receiver.requests[-1].json
    assert updated["type"] == "entry.updated"
    assert updated["data"]["documents"]["nl"]["image"]["alt"] == "Een rode schijf"
