"""POST /api/v1/feedback/: what a frontend sends and what it gets back."""

import json
import logging
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from feedback.models import Feedback
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedback/"
READER_ADDRESS = "203.0.113.77"


def submit(payload, *, address=READER_ADDRESS, **extra):
    return APIClient(REMOTE_ADDR=address).post(URL, payload, format="json", **extra)


def test_a_topic_request_is_stored_and_the_response_describes_only_it():
    response = submit({"kind": "topic_request", "message": "More on Gemini agents, please."})
    assert response.status_code == 201
    body = response.json()
    stored = Feedback.objects.get()
    assert body == {
        "id": str(stored.public_id),
        "kind": "topic_request",
        "message": "More on Gemini agents, please.",
        "article": None,
        "language": "en",
        "created_at": body["created_at"],
    }
    assert uuid.UUID(body["id"]).version == 4 and body["id"] != str(stored.pk)
    assert stored.status == Feedback.Status.NEW and len(stored.client_hash) == 64


def test_a_helpful_vote_on_a_public_entry_in_dutch():
    article = ArticleFactory(languages=["en", "nl"])
    response = submit({"kind": "helpful_no", "article": article.slug, "language": "NL"})
    assert response.status_code == 201
    assert response.json()["article"] == article.slug and response.json()["language"] == "nl"
    assert Feedback.objects.get().article == article


def test_the_message_is_stored_as_normalised_plain_text():
    message = "  Cover\x00 the\u202e  <b>o3</b>\t release\x07.\r\n\r\n\r\n\r\nThanks!  "
    response = submit({"kind": "general", "message": message})
    assert response.status_code == 201
    expected = "Cover the <b>o3</b> release.\n\nThanks!"
    assert response.json()["message"] == expected
    assert Feedback.objects.get().message == expected


@pytest.mark.parametrize(
    "payload, field, words",
    [
        ({"message": "What about Llama?"}, "kind", "required"),
        ({"kind": "praise", "message": "Great"}, "kind", "Unknown kind 'praise'"),
        ({"kind": "general", "message": "  \n "}, "message", "at least 3"),
        ({"kind": "general", "message": "x" * 2001}, "message", "2000 characters"),
        ({"kind": "general", "message": {"text": "hi"}}, "message", "valid string"),
        ({"kind": "general", "message": 127212}, "message", "valid string"),
        ({"kind": "general", "message": "Hello", "language": 1.5}, "language", "valid string"),
        ({"kind": "helpful_no", "article": 42}, "article", "valid string"),
        ({"kind": "helpful_yes"}, "article", "needs the slug"),
        ({"kind": "correction", "message": "Wrong", "article": "nope"}, "article", "'nope'"),
        ({"kind": "general", "message": "Hello", "language": "de"}, "language", "'de'"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(payload, field, words):
    response = submit(payload)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert words in response.json()[field][0]
    assert not Feedback.objects.exists()


def test_every_problem_is_named_at_once():
    response = submit({"kind": "helpful", "language": "xx", "article": "missing"})
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "language", "article"}


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "archived"])
def test_feedback_on_a_hidden_entry_is_refused_like_an_unknown_one(state):
    hidden = ArticleFactory(**{state: True})
    response = submit({"kind": "helpful_yes", "article": hidden.slug})
    assert response.status_code == 400
    assert response.json() == {"article": [f"No public entry has the slug {hidden.slug!r}."]}
    assert not Feedback.objects.exists()


def test_malformed_json_is_a_400():
    response = APIClient().post(URL, '{"kind": "general",', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_json_list_is_a_400():
    response = submit([{"kind": "general", "message": "Hello"}])
    assert response.status_code == 400
    assert "Expected a dictionary" in response.json()["non_field_errors"][0]


def test_a_body_over_16_kib_is_refused_before_it_is_read():
    body = json.dumps({"kind": "general", "message": "x" * 17000})
    response = APIClient().post(URL, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large: send at most 16384 bytes."}
    assert not Feedback.objects.exists()


def test_a_form_post_is_a_415():
    response = Client().post(URL, {"kind": "general", "message": "Hello"})
    assert response.status_code == 415
    assert response.json()["detail"].startswith('Unsupported media type "multipart/form-data')
    assert not Feedback.objects.exists()


def test_a_filled_honeypot_looks_accepted_but_nothing_is_stored():
    honest = submit({"kind": "general", "message": "Real reader"}, address="198.51.100.1")
    bot = submit({"kind": "general", "message": "Buy now", "website": "http://spam.example"})
    assert bot.status_code == honest.status_code == 201
    assert set(bot.json()) == set(honest.json())
    assert bot.json()["message"] == "Buy now"
    assert list(Feedback.objects.values_list("message", flat=True)) == ["Real reader"]


def test_a_bot_filling_the_honeypot_still_gets_validation_errors():
    response = submit({"kind": "bogus", "message": "Buy", "website": "x"})
    assert response.status_code == 400 and "kind" in response.json()


def test_the_sixth_submission_in_a_minute_is_throttled_until_the_window_resets(frozen_clock):
    for n in range(5):
        assert submit({"kind": "general", "message": f"Note {n}"}).status_code == 201
    throttled = submit({"kind": "general", "message": "Note 5"})
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "55"
    assert "throttled" in throttled.json()["detail"]
    other_reader = submit({"kind": "general", "message": "Other"}, address="198.51.100.9")
    assert other_reader.status_code == 201
    frozen_clock.shift(timedelta(seconds=55))
    assert submit({"kind": "general", "message": "Note 5"}).status_code == 201
    assert Feedback.objects.count() == 7


def test_a_repeat_from_the_same_client_is_accepted_but_stored_once():
    payload = {"kind": "topic_request", "message": "Cover  Mistral"}
    first = submit(payload)
    again = submit({**payload, "message": "cover mistral "})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Feedback.objects.count() == 1


def test_the_same_message_from_another_client_or_about_another_entry_is_stored():
    article = ArticleFactory()
    submit({"kind": "correction", "message": "Date is wrong"})
    submit({"kind": "correction", "message": "Date is wrong"}, address="198.51.100.2")
    submit({"kind": "correction", "message": "Date is wrong", "article": article.slug})
    assert Feedback.objects.count() == 3


def test_a_repeat_after_the_duplicate_window_is_stored_again(settings):
    window = settings.FEEDBACK["DUPLICATE_WINDOW_SECONDS"]
    payload = {"kind": "topic_request", "message": "Cover DeepSeek"}
    start = timezone.now().replace(hour=10, minute=0, second=0)
    with time_machine.travel(start, tick=False) as traveller:
        submit(payload)
        traveller.shift(timedelta(seconds=window + 1))
        submit(payload)
    assert Feedback.objects.count() == 2


def test_a_repeat_just_across_a_time_bucket_edge_is_still_stored_once(settings):
    window = settings.FEEDBACK["DUPLICATE_WINDOW_SECONDS"]
    # A bucket edge at mid-morning: at midnight the client fingerprint's daily salt turns too.
    morning = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    edge = (int(morning.timestamp()) // window + 1) * window
    payload = {"kind": "topic_request", "message": "Cover Qwen"}
    with time_machine.travel(edge - 2, tick=False) as traveller:
        first = submit(payload)
        traveller.shift(timedelta(seconds=4))
        again = submit(payload)
    assert again.json()["id"] == first.json()["id"]
    assert Feedback.objects.count() == 1


def test_no_cookie_is_set_and_no_csrf_token_is_needed(admin_client):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        URL, {"kind": "general", "message": "Hello"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers and not response.cookies
    refused = csrf_client.post(URL, {"kind": "nope"}, content_type="application/json")
    assert refused.status_code == 400 and not refused.cookies


def test_a_logged_in_editor_is_not_recognised_on_the_feedback_endpoint(admin_client):
    admin_client.handler.enforce_csrf_checks = True
    response = admin_client.post(
        URL, {"kind": "general", "message": "Hello"}, content_type="application/json"
    )
    assert response.status_code == 201 and not response.cookies
    assert Feedback.objects.get().client_hash  # stored as any anonymous reader


def test_no_ip_address_reaches_the_database_or_the_logs(caplog, frozen_clock):
    article = ArticleFactory()
    caplog.set_level(logging.DEBUG)
    forwarded = {"HTTP_X_FORWARDED_FOR": "192.0.2.55"}
    submit({"kind": "topic_request", "message": "Cover Grok"}, **forwarded)
    submit({"kind": "topic_request", "message": "Cover Grok"}, **forwarded)
    submit({"kind": "helpful_yes", "article": article.slug}, **forwarded)
    submit({"kind": "nope"}, **forwarded)
    submit({"kind": "general", "message": "Spam", "website": "x"}, **forwarded)
    submit({"kind": "general", "message": "Sixth this minute"}, **forwarded)
    assert Feedback.objects.count() == 2
    stored = json.dumps(list(Feedback.objects.values()), default=str)
    assert "Cover Grok" in stored
    for address in (READER_ADDRESS, "192.0.2.55"):
        assert address not in stored
        assert address not in caplog.text
    assert "Bad Request" in caplog.text and "Too Many Requests" in caplog.text


def test_a_submission_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    article = ArticleFactory()
    with django_assert_max_num_queries(6):
        response = submit({"kind": "helpful_yes", "article": article.slug})
    assert response.status_code == 201


def test_a_frontend_on_an_allowed_origin_passes_the_cors_preflight(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://news.example.com"]
    preflight = Client().options(
        URL,
        headers={
            "Origin": "https://news.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://news.example.com"
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"]
    response = Client().post(
        URL,
        {"kind": "general", "message": "From the frontend"},
        content_type="application/json",
        headers={"Origin": "https://news.example.com"},
    )
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "https://news.example.com"
