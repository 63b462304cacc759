"""Many readers at once, through a real HTTP server: each accepted submission is stored once."""

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from feedback.models import Feedback
from tests.factories import ArticleFactory

REPEATING_CLIENTS = 10  # each sends the same message three times at once
SINGLE_CLIENTS = 5
INVALID = [
    ({"kind": "praise", "message": "Nice"}, "kind"),
    ({"kind": "general", "message": "x" * 2001}, "message"),
    ({"kind": "helpful_yes", "article": "no-such-entry"}, "article"),
    ({"kind": "general", "message": "Hallo", "language": "de"}, "language"),
    ({"kind": "helpful_no"}, "article"),
]


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every write, so concurrent submissions cannot race there; "
            "run with DATABASE_URL=postgres://... to exercise the database guarantee."
        )


def test_forty_concurrent_submissions_are_each_stored_exactly_once(
    on_postgresql, transactional_db, live_server, settings
):
    settings.NUM_PROXIES = 1  # each request names its client in X-Forwarded-For
    article = ArticleFactory()
    sends = []
    for n in range(REPEATING_CLIENTS):
        payload = {"kind": "topic_request", "message": f"Please cover model {n}"}
        sends += [(f"10.1.0.{n}", payload, None)] * 3
    for n in range(SINGLE_CLIENTS):
        payload = {"kind": "helpful_yes", "article": article.slug}
        sends.append((f"10.2.0.{n}", payload, None))
    for n, (payload, field) in enumerate(INVALID):
        sends.append((f"10.3.0.{n}", payload, field))
    assert len(sends) == 40

    # One open connection per sender before the start, so all 40 posts arrive together
    # rather than queueing behind the test server's small accept backlog.
    clients = [httpx.Client(base_url=live_server.url, timeout=30) for _ in sends]
    for http in clients:
        assert http.options("/api/v1/feedback/").status_code == 200
    start = threading.Barrier(len(sends))

    def send(http, address, payload):
        start.wait()
        return http.post("/api/v1/feedback/", json=payload, headers={"X-Forwarded-For": address})

    with ThreadPoolExecutor(max_workers=len(sends)) as pool:
        futures = [
            pool.submit(send, http, address, payload)
            for http, (address, payload, _) in zip(clients, sends, strict=True)
        ]
        responses = [future.result() for future in futures]
    for http in clients:
        http.close()

    ids_by_client = defaultdict(set)
    for (address, _payload, field), response in zip(sends, responses, strict=True):
        if field is None:
            assert response.status_code == 201, response.text
            assert "set-cookie" not in response.headers
            ids_by_client[address].add(response.json()["id"])
        else:
            assert response.status_code == 400, response.text
            assert field in response.json()

    assert all(len(ids) == 1 for ids in ids_by_client.values())
    accepted = {next(iter(ids)) for ids in ids_by_client.values()}
    stored = [str(public_id) for public_id in Feedback.objects.values_list("public_id", flat=True)]
    assert sorted(stored) == sorted(accepted)
    assert len(stored) == REPEATING_CLIENTS + SINGLE_CLIENTS
    messages = Feedback.objects.filter(kind="topic_request").values_list("message", flat=True)
    assert sorted(messages) == sorted(f"Please cover model {n}" for n in range(10))
