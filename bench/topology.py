"""The scaled-out topology against one node, on the same machine, from one run: what each hop
costs (on 2 cores more nodes cannot be faster; what matters is that nothing breaks).

    .venv/bin/python bench/topology.py [--entries 1000] [--seconds 8] [--clients 4]

Starts deploy/cluster/topology.py (root; Debian's postgresql, redis-server, varnish and
varnish-modules), fills it with ``generate_articles``, then runs a closed loop of ``--clients``
readers straight at the app nodes (not through Varnish, which would answer from its cache):

- one node vs two nodes (the readers spread over both), REST list pages from the response
  cache;
- reads on the replica vs on the primary: the change feed, which is never cached, so every
  request reads the database (the nodes restarted without ``DATABASE_REPLICA_URLS``);
- the response cache in Redis vs in each process's memory (the nodes restarted without
  ``REDIS_URL``), REST list pages.

Prints requests/s, p50 and p95 latency and errors per case, with the machine's load average.
"""

import argparse
import itertools
import os
import signal
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy" / "cluster"))

from topology import Topology

LISTS = [f"/api/v1/articles/?page_size={size}" for size in range(5, 25)]
CHANGES = [f"/api/v1/changes/?page_size={size}" for size in range(20, 40)]


def load(bases: list[str], paths: list[str], *, clients: int, seconds: float) -> dict:
    """A closed loop of ``clients`` readers over ``bases`` x ``paths`` for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    urls = itertools.cycle([base + path for path in paths for base in bases])
    lock = threading.Lock()

    def reader():
        while time.monotonic() < stop:
            with lock:
                url = next(urls)
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    response.read()
            except (urllib.error.URLError, OSError):
                errors[0] += 1
                continue
            latencies.append(time.monotonic() - started)

    threads = [threading.Thread(target=reader) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests/s": round(len(latencies) / seconds),
        "p50 ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95 ms": round(1000 * latencies[int(0.95 * len(latencies))], 1) if latencies else None,
        "errors": errors[0],
        "load": round(os.getloadavg()[0], 2),
    }


def restart_nodes(topology: Topology, **settings: str) -> None:
    for node in topology.nodes:
        node.env = {**topology.env, **settings}
        node.stop()
        node.start()
    topology.warm_up()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    topology = Topology()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop and drop it all the same
    print("Starting the topology...", flush=True)
    topology.start()
    try:
        topology.manage("generate_articles", str(args.entries))
        topology.warm_up()
        run = {"clients": args.clients, "seconds": args.seconds}
        a, b = topology.node_urls
        for base in (a, b):  # every list page in the response cache
            load([base], LISTS, clients=1, seconds=1)
        results = {
            "one node, response cache in Redis": load([a], LISTS, **run),
            "two nodes, response cache in Redis": load([a, b], LISTS, **run),
            "two nodes, change feed, reads on the replica": load([a, b], CHANGES, **run),
        }
        restart_nodes(topology, DATABASE_REPLICA_URLS="")
        results["two nodes, change feed, reads on the primary"] = load([a, b], CHANGES, **run)
        restart_nodes(topology, REDIS_URL="", TASKS_BACKEND="db")
        load([a, b], LISTS, clients=1, seconds=1)
        results["two nodes, response cache in each process"] = load([a, b], LISTS, **run)
        print(f"\n{args.entries} entries, {args.clients} clients, {args.seconds:g} s per case")
        for case, figures in results.items():
            print(f"{case:48} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    finally:
        topology.stop()


if __name__ == "__main__":
    main()
