"""`load_demo` on a database people have used: it touches only the demo's own rows."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from cms.management.commands.load_demo import DEMO_FILE
from feedback.models import Feedback
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SEED_SLUG = "openai-o3-mini-system-card"
DEMO_FEEDBACK_IDS = {
    item["id"] for item in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["feedback"]
}
SUBMIT = """
mutation Submit($input: FeedbackInput!) {
  submitFeedback(input: $input) { id }
}
"""


def load_demo():
    call_command("load_demo", stdout=StringIO())


def every_row():
    """Every row of every table, so a test sees any row added or changed anywhere (but the
    search index, which the database derives from the documents)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed
    }


def submit_the_documented_examples():
    """The helpful vote (REST) and the correction (GraphQL) from docs/feedback.md."""
    reader = Client(REMOTE_ADDR="203.0.113.90")
    vote = reader.post(
        "/api/v1/feedback/",
        {"kind": "helpful_yes", "article": SEED_SLUG},
        content_type="application/json",
    )
    assert vote.status_code == 201
    correction = reader.post(
        "/graphql/",
        {
            "query": SUBMIT,
            "variables": {
                "input": {
                    "kind": "CORRECTION",
                    "articleSlug": SEED_SLUG,
                    "message": "The Model Autonomy rating is Medium, not Low.",
                    "language": "EN",
                }
            },
        },
        content_type="application/json",
    )
    assert "errors" not in correction.json()
    return {vote.json()["id"], correction.json()["data"]["submitFeedback"]["id"]}


def test_loading_the_demo_again_after_reader_feedback_adds_and_changes_nothing():
    load_demo()
    submitted = submit_the_documented_examples()
    before = every_row()
    load_demo()
    load_demo()
    assert every_row() == before
    stored = {str(public_id) for public_id in Feedback.objects.values_list("public_id", flat=True)}
    assert stored == submitted | DEMO_FEEDBACK_IDS


def test_the_first_load_on_a_used_database_adds_only_demo_rows():
    own = ArticleFactory(slug="our-own-entry")
    reader = Client(REMOTE_ADDR="203.0.113.91")
    reader.post(
        "/api/v1/feedback/",
        {"kind": "helpful_yes", "article": own.slug},
        content_type="application/json",
    )
    theirs = list(Feedback.objects.order_by("pk").values())
    load_demo()
    others = Feedback.objects.exclude(public_id__in=DEMO_FEEDBACK_IDS).order_by("pk")
    assert list(others.values()) == theirs
    assert Feedback.objects.filter(public_id__in=DEMO_FEEDBACK_IDS).count() == 4


def test_an_existing_account_with_a_demo_name_is_left_as_it_is(settings, django_user_model):
    settings.DEBUG = True
    someone = django_user_model.objects.create_user(username="writer", password="their-own-pw")
    output = StringIO()
    call_command("load_demo", stdout=output)
    someone.refresh_from_db()
    assert not someone.groups.exists() and not someone.is_staff
    assert someone.check_password("their-own-pw")
    assert "writer-demo-password" not in output.getvalue()
    assert django_user_model.objects.get(username="translator").groups.get() == (
        Group.objects.get(name="Translator")
    )
