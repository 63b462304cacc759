"""Two app nodes, a streaming replica, Redis, one RQ worker and Varnish, run together: what a
reader, an editor and a subscriber see while parts of it lag, die and come back.

Each test leaves the topology whole again. The figures (requests served, errors, lost
writes, staleness) are printed at the end of the run (``FIGURES``).
"""

import itertools
import threading
import time

import pytest
import requests

from tests.topology.conftest import FIGURES, MAX_LAG, PROBE_SECONDS
from tests.webhooks.utils import Receiver

pytestmark = pytest.mark.topology

LIST = "/api/v1/articles/?page_size=100"
CHANGES = "/api/v1/changes/"


def slugs_in(response) -> set[str]:
    return {entry["slug"] for entry in response.json()["results"]}


def until(check, *, timeout: float, step: float = 0.02):
    """Seconds until ``check()`` is true (fails past ``timeout``)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(step)
    pytest.fail(f"not within {timeout} s")


def log_lines(topology, node: int, text: str) -> int:
    return topology.nodes[node].log.read_text().count(text)


class ChangeFollower:
    """A mirror following the change feed: every change it was given, in order."""

    def __init__(self, base: str):
        self.base, self.since, self.changes = base, None, []

    def follow(self) -> None:
        while True:
            params = {"since": self.since} if self.since else {}
            page = requests.get(self.base + CHANGES, params=params, timeout=5).json()
            self.changes += [(change["action"], change["slug"]) for change in page["results"]]
            self.since = page["next"]
            if not page.get("has_more"):
                return


def test_published_on_node_a_is_fresh_on_node_b_and_through_the_cache_within_a_second(
    topology, desk, entries
):
    node_b, cache = topology.node_urls[1], topology.varnish_url
    assert "topology-0" not in slugs_in(requests.get(cache + LIST))
    time.sleep(1.1)
    assert int(requests.get(cache + LIST).headers["Age"]) >= 1  # kept by the cache in front
    desk.publish(entries["topology-0"])
    on_node_b = until(lambda: "topology-0" in slugs_in(requests.get(node_b + LIST)), timeout=5)
    through_cache = until(lambda: "topology-0" in slugs_in(requests.get(cache + LIST)), timeout=5)
    FIGURES["fresh on node B after the admin's answer (s)"] = round(on_node_b, 3)
    FIGURES["fresh through Varnish after the admin's answer (s)"] = round(
        on_node_b + through_cache, 3
    )
    assert on_node_b + through_cache < 1.0


def test_a_paused_replica_serves_an_older_prefix_then_the_primary_then_catches_up(
    topology, desk, entries
):
    node_b = topology.node_urls[1]
    follower = ChangeFollower(node_b)
    follower.follow()
    old = requests.get(node_b + LIST)
    back_before = log_lines(topology, 1, "Replica replica_1 is back")
    topology.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        desk.publish(entries["topology-1"])
        published = time.monotonic()
        answers = []  # (seconds after publishing, ETag, whether it shows the new entry)
        fresh_in_a_row = 0
        while fresh_in_a_row < 10 and time.monotonic() - published < MAX_LAG + 10:
            response = requests.get(node_b + LIST)
            fresh = "topology-1" in slugs_in(response)
            answers.append((time.monotonic() - published, response.headers["ETag"], fresh))
            fresh_in_a_row = fresh_in_a_row + 1 if fresh else 0
            follower.follow()
            time.sleep(0.05)
    finally:
        topology.replica.sql("SELECT pg_wal_replay_resume()")
    stale = [at for at, _etag, fresh in answers if not fresh]
    etags = {(etag, fresh) for _at, etag, fresh in answers}
    # The replica answered first, with what it had under the ETag it had.
    assert answers[0][1:] == (old.headers["ETag"], False)
    # Never a stale answer under a new ETag, nor a new one under the old ETag.
    assert len({etag for etag, _ in etags}) == len(etags)
    assert (old.headers["ETag"], True) not in etags
    # Past the threshold (and a probe), reads went to the primary.
    assert fresh_in_a_row == 10
    assert MAX_LAG - 0.5 < max(stale) < MAX_LAG + 2 * PROBE_SECONDS + 1
    FIGURES["stale answers while the replica was paused"] = len(stale)
    FIGURES["max staleness through the paused replica (s)"] = round(max(stale), 3)
    assert log_lines(topology, 1, "Replica replica_1 is ") >= 1
    until(lambda: log_lines(topology, 1, "Replica replica_1 is back") > back_before, timeout=10)
    # The change feed: an older prefix while paused, never a gap; everything once settled.
    time.sleep(6)  # the feed's settle window
    follower.follow()
    logged = topology.primary.sql(
        "SELECT slug FROM articles_publicationlog WHERE article_id IS NOT NULL "
        "ORDER BY effective_at, position"
    ).splitlines()
    assert [slug for _action, slug in follower.changes] == logged
    assert "topology-1" in logged


def test_a_stopped_replica_sends_the_reads_to_the_primary_until_it_is_back(topology):
    node_b = topology.node_urls[1]
    statuses = []
    back_before = log_lines(topology, 1, "Replica replica_1 is back")
    topology.replica.control("stop")
    try:
        stopped = time.monotonic()
        while time.monotonic() - stopped < 4:
            statuses.append((time.monotonic() - stopped, requests.get(node_b + LIST).status_code))
            time.sleep(0.05)
    finally:
        topology.replica.start()
    failed = [at for at, status in statuses if status != 200]
    FIGURES["replica stopped: requests served / errors"] = (
        f"{len(statuses) - len(failed)} / {len(failed)}"
    )
    # Only requests already reading from it when it stopped can fail; then the probe moves on.
    assert all(at < 2 * PROBE_SECONDS + 1 for at in failed)
    assert {status for _at, status in statuses if status != 200} <= {503}
    assert len(statuses) > 20
    assert log_lines(topology, 1, "Replica replica_1 is unreachable") >= 1
    until(lambda: log_lines(topology, 1, "Replica replica_1 is back") > back_before, timeout=20)


def test_node_b_killed_under_load_the_balancer_moves_on_and_no_feedback_is_lost(topology):
    cache = topology.varnish_url
    accepted, outcomes, stop = [], [], threading.Event()
    numbers = itertools.count()

    def load():
        session = requests.Session()
        while not stop.is_set():
            number = next(numbers)
            message = f"Topology feedback number {number}"
            try:
                response = session.post(
                    f"{cache}/api/v1/feedback/",
                    json={"kind": "general", "message": message},
                    timeout=10,
                )
                status = response.status_code
            except requests.RequestException:
                status = 0
            outcomes.append((time.monotonic(), status, "feedback"))
            if status == 201:
                accepted.append(message)
            read = session.get(f"{cache}{CHANGES}", timeout=10)
            outcomes.append((time.monotonic(), read.status_code, "read"))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        killed = time.monotonic()
        topology.nodes[1].kill()
        time.sleep(6)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        topology.nodes[1].start()
    stored = set(
        topology.primary.sql(
            "SELECT message FROM feedback_feedback WHERE message LIKE 'Topology feedback%'"
        ).splitlines()
    )
    errors = [(at, kind) for at, status, kind in outcomes if status not in (200, 201)]
    FIGURES["node B killed: requests served"] = len(outcomes) - len(errors)
    FIGURES["node B killed: errors (reads / feedback)"] = (
        f"{sum(kind == 'read' for _, kind in errors)} / "
        f"{sum(kind == 'feedback' for _, kind in errors)}"
    )
    FIGURES["node B killed: feedback accepted / lost"] = (
        f"{len(accepted)} / {len(set(accepted) - stored)}"
    )
    assert set(accepted) <= stored
    assert len(accepted) > 20
    # The balancer moved on within its probe's window (3 probes a second apart); meanwhile a
    # read the dying node did not answer was tried again on the other one.
    assert all(at < killed + 4 for at, _ in errors)
    assert [status for at, status, _ in outcomes if at > killed + 4]
    # Without the retry about half the reads sent while the node died failed (the director
    # sends every other one there); with it, only a read cut off mid-answer, or retried onto
    # the dying node by another request's turn, may fail.
    window = [kind for at, _, kind in outcomes if killed <= at < killed + 4]
    read_errors = [at for at, kind in errors if kind == "read"]
    assert len(read_errors) <= 0.05 * window.count("read"), "reads are retried on the other node"


def test_the_worker_killed_mid_delivery_every_webhook_and_purge_is_delivered_after_restart(
    topology, desk, entries
):
    receiver = Receiver()
    receiver.reply(*[(200, 0.5)] * 50)  # slow: the worker is mid-delivery when killed
    try:
        topology.manage(
            "shell",
            "-c",
            "from webhooks.services import subscription_create; "
            f"subscription_create(name='Topology', url={receiver.url!r})",
        )
        for slug in ("topology-2", "topology-3", "topology-4"):
            desk.publish(entries[slug])
        until(lambda: len(receiver.requests) >= 1, timeout=20)
        topology.worker.kill()
        killed_with = len(receiver.requests)
        topology.worker.start()

        def all_delivered():
            undelivered = topology.primary.sql(
                "SELECT count(*) FROM webhooks_delivery WHERE status <> 'delivered'"
            )
            unsent = topology.primary.sql("SELECT count(*) FROM edge_purge WHERE sent_at IS NULL")
            return undelivered == "0" and unsent == "0"

        after = until(all_delivered, timeout=90, step=0.5)
    finally:
        receiver.close()
    deliveries = int(topology.primary.sql("SELECT count(*) FROM webhooks_delivery"))
    FIGURES["worker killed: webhooks received before the kill / deliveries"] = (
        f"{killed_with} / {deliveries}"
    )
    FIGURES["worker killed: all delivered and purged after restart (s)"] = round(after, 1)
    assert deliveries >= 3
    assert len({request.headers.get("webhook-id") for request in receiver.requests}) >= deliveries


def test_redis_restarted_the_api_keeps_answering_and_nothing_published_is_lost(
    topology, desk, entries
):
    node_a, cache = topology.node_urls[0], topology.varnish_url
    outcomes, stop = [], threading.Event()

    def load():
        session = requests.Session()
        while not stop.is_set():
            for base in (node_a, cache):
                try:
                    outcomes.append(session.get(base + LIST, timeout=10).status_code)
                except requests.RequestException:
                    outcomes.append(0)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        topology.redis.stop()
        desk.publish(entries["topology-5"])  # while Redis is down
        time.sleep(2)
        topology.redis.start()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    FIGURES["Redis restarted: requests served / errors"] = (
        f"{outcomes.count(200)} / {len(outcomes) - outcomes.count(200)}"
    )
    assert outcomes and set(outcomes) == {200}
    desk.publish(entries["topology-6"])
    for base in (node_a, topology.node_urls[1], cache):
        until(
            lambda base=base: {"topology-5", "topology-6"} <= slugs_in(requests.get(base + LIST)),
            timeout=10,
        )
