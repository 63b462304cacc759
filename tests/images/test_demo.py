"""The demo's drawn images: marks for its vendors (never their real logos), an image for the
demo entry, a few images generated entries share."""

import json

import pytest
from django.core.management import call_command

from articles.models import LiveDocument
from images.drawings import CREDIT
from images.models import Image

pytestmark = pytest.mark.django_db


def test_the_demo_entry_and_vendors_have_drawn_credited_images(client):
    call_command("load_demo", stdout=None)
    body = client.get("/api/v1/articles/openai-o3-mini-system-card/", {"lang": "nl"}).json()
    image = body["image"]
    assert image["credit"] == CREDIT and not image["fallback"]
    assert image["alt"].startswith("Abstracte tekening")
    assert image["caption"]["language"] == "nl"
    logo = body["vendor"]["logo"]
    assert "niet het logo van OpenAI" in logo["alt"] and logo["credit"] == CREDIT
    assert {r["format"] for r in logo["renditions"]} == {"avif", "webp", "png"}
    assert Image.objects.filter(status="ready").count() == 4
    call_command("load_demo", stdout=None)
    assert Image.objects.count() == 4  # loading again draws nothing new


def test_generated_entries_share_a_few_images():
    call_command("generate_articles", 12, seed=3, stdout=None)
    shown = {
        (json.loads(d.document)["image"] or {}).get("id")
        for d in LiveDocument.objects.filter(language="en")
    }
    assert len(shown - {None}) == 3 and None in shown
    call_command("generate_articles", 12, seed=4, stdout=None)
    assert Image.objects.count() == 3
