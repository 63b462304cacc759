"""Webhook delivery throughput, and what subscriptions cost a publication.

    .venv/bin/python bench/webhooks.py [--entries 50] [--subscriptions 10] [--workers 4]

For each task backend (the database, and RQ on Redis at 127.0.0.1:6379 unless --no-rq):
builds a scratch database (SQLite in a temp directory; BENCH_DATABASE_URL points it at a
scratch PostgreSQL database instead, which it empties), publishes entries to subscriptions
that all point at a local receiver, then starts the workers and prints deliveries per second
until every delivery has been received. Then, on the database backend, prints the median
time of one publication (article_publish) with 0 to 1000 subscriptions: delivery happens
after the commit, in the workers, so it must not grow with the number of subscriptions.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS = "redis://127.0.0.1:6379/14"
# Runs each job in the worker process rather than a fork per job: short jobs, much faster.
RQ_WORKER = ["--worker-class", "rq.worker.SimpleWorker"]


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def receiver_url() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hooks"


def setup(backend: str) -> None:
    scratch = tempfile.mkdtemp(prefix="ainews-bench-webhooks-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "1"
    os.environ["TASKS_BACKEND"] = backend
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")  # workers keep their connection
    if backend == "rq":
        os.environ["REDIS_URL"] = REDIS
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    if backend == "rq":
        import django_rq

        django_rq.get_connection().flushdb()


def publish(slug: str) -> float:
    """Seconds one publication takes (submit and publish of a fresh draft)."""
    from articles.services import article_publish, article_submit_for_review
    from tests.factories import ArticleFactory

    article = ArticleFactory(slug=slug, draft=True)
    article_submit_for_review(article=article, user=None)
    started = time.perf_counter()
    article_publish(article=article, user=None)
    return time.perf_counter() - started


def subscribe(url: str, count: int) -> None:
    from webhooks.services import subscription_create

    for number in range(count):
        subscription_create(name=f"Partner {number}", url=url)


def throughput(backend: str, entries: int, subscriptions: int, workers: int) -> None:
    from django.db import connection

    from webhooks.models import Delivery

    subscribe(receiver_url(), subscriptions)
    for number in range(entries):
        publish(f"entry-{number}")
    total = entries * subscriptions
    command = (
        ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0.05"]
        if backend == "db"
        else ["rqworker", "--burst", "--job-class", "django_tasks_rq.Job", *RQ_WORKER]
    )
    started = time.perf_counter()
    processes = [
        subprocess.Popen([sys.executable, ROOT / "manage.py", *command, "--verbosity", "0"])
        for _ in range(workers)
    ]
    delivered, first = 0, None
    while delivered < total and time.perf_counter() - started < 600:
        time.sleep(0.05)
        delivered = Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()
        if first is None and delivered:
            first = (time.perf_counter(), delivered)
    elapsed = time.perf_counter() - started
    steady = (delivered - first[1]) / max(time.perf_counter() - first[0], 1e-9) if first else 0
    for process in processes:
        process.terminate()
        process.wait()
    print(
        f"{backend:3} on {connection.vendor:10} {workers} workers: {delivered}/{total} "
        f"deliveries in {elapsed:.1f} s with the workers' start; {steady:.0f} per second "
        "once they run"
    )


def publication_delay(runs: int) -> None:
    url = receiver_url()
    existing = 0
    print(f"{'subscriptions':>13} {'publish p50 ms':>15} {'p95 ms':>8}")
    for count in (0, 1, 10, 100, 1000):
        subscribe(url, count - existing)
        existing = count
        timings = sorted(publish(f"n{count}-{run}") * 1000 for run in range(runs))
        p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
        print(f"{count:>13} {statistics.median(timings):>15.1f} {p95:>8.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--subscriptions", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--runs", type=int, default=20, help="publications per point")
    parser.add_argument("--no-rq", action="store_true", help="skip the RQ run")
    parser.add_argument("--part", choices=["db", "rq", "delay"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part is None:
        for part in ["db", *([] if args.no_rq else ["rq"]), "delay"]:
            subprocess.run([sys.executable, __file__, *sys.argv[1:], "--part", part], check=True)
        return
    setup("db" if args.part == "delay" else args.part)
    if args.part == "delay":
        publication_delay(args.runs)
    else:
        throughput(args.part, args.entries, args.subscriptions, args.workers)


if __name__ == "__main__":
    main()
