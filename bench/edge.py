"""The edge: the shipped Varnish in front of the origin, under an open-loop read load with a
publication every few seconds; hit ratio, origin fetches per publication, commit-to-fresh, and
the edge's throughput against the origin's limit.

    .venv/bin/python bench/edge.py [--entries 1000] [--rate 200] [--duration 60] [--tasks db|rq]
                                   [--reuse]

Serves the project with gunicorn (2 sync workers, throttles raised, bench_settings: /baseline/
added) on a scratch database (bench/scratch.py) with EDGE_PURGE_BACKEND=varnish and a task
worker: the database worker polling every 0.1 s (``--tasks db``) or RQ on Redis database 6
(``--tasks rq``, 127.0.0.1:6379, emptied first), behind varnishd running
deploy/varnish/default.vcl (Varnish 7 and varnish-modules needed).
Readers are an open loop at ``--rate`` requests/s: detail pages of every entry in both
languages with a skewed popularity (Zipf, s=1.1), list, vendor and topic pages, feeds and
GraphQL GETs. Every ``--every`` seconds the bench retitles one of the 5 newest entries and
publishes it, then polls its detail (REST), the list (REST), the GraphQL list and the feed
through Varnish until the new title shows: commit-to-fresh per surface. Hit ratio per class
from each answer's X-Cache, overall from varnishstat; objects purged from Varnish's answers
to the purges. Then wrk: the list through Varnish against /baseline/ at the origin (the
list's bytes through the project's middleware, precomputed: the limit). Needs wrk.
"""

import argparse
import collections
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import scratch  # noqa: E402

VCL = scratch.ROOT / "deploy" / "varnish" / "default.vcl"
REDIS_URL = "redis://127.0.0.1:6379/6"
LIST = "/api/v1/articles/?lang=en"
GRAPHQL_LIST = "{ articles(pagination: {limit: 20}) { results { slug translation { title } } } }"


def fetch(url: str, headers=None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers.get("X-Cache", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("X-Cache", "")


def wait_until(url: str, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{url} did not answer")


class Stack:
    """gunicorn, the database worker and varnishd, on spare ports, stopped together."""

    def __init__(self, url: str, work: Path, tasks: str):
        self.origin_port, self.edge_port = scratch_port(), scratch_port()
        self.origin = f"http://127.0.0.1:{self.origin_port}"
        self.edge = f"http://127.0.0.1:{self.edge_port}"
        self.tasks = tasks
        self.baseline = work / "baseline.json"
        queue = {"REDIS_URL": REDIS_URL, "TASKS_BACKEND": "rq"} if tasks == "rq" else {}
        self.env = scratch.django_env(
            url,
            DJANGO_SETTINGS_MODULE="bench_settings",
            PYTHONPATH=str(HERE),
            BENCH_BASELINE_FILE=str(self.baseline),
            # The worker's purges are logged with Varnish's count of the objects purged.
            DJANGO_LOG_LEVEL="INFO",
            **queue,
            DATABASE_CONN_MAX_AGE="60",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            EDGE_PURGE_BACKEND="varnish",
            EDGE_PURGE_URLS=f"{self.edge}/",
            NUM_PROXIES="1",
            DJANGO_STATIC_ROOT=str(work),
        )
        self.work = work
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        python, gunicorn = scratch.PYTHON, str(Path(scratch.PYTHON).parent / "gunicorn")
        self.log = self.work / "stack.log"
        log = open(self.log, "w")  # noqa: SIM115 (open for the stack's life)
        self._spawn(
            [
                gunicorn,
                "cms.wsgi",
                "--bind",
                f"127.0.0.1:{self.origin_port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            log,
        )
        if self.tasks == "rq":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            worker = ["rqworker", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
        else:
            worker = ["db_worker", "--interval", "0.1", "--no-reload"]
        self._spawn([python, "manage.py", *worker], log)
        wait_until(f"{self.origin}/read/en/")
        self.baseline.write_bytes(fetch(f"{self.origin}{LIST}")[1])
        vcl = self.work / "edge.vcl"
        vcl.write_text(
            re.sub(r'\.port = "\d+";', f'.port = "{self.origin_port}";', VCL.read_text(), count=1)
        )
        self.work.chmod(0o755)
        vcl.chmod(0o644)
        self._spawn(
            [
                "varnishd",
                "-F",
                "-a",
                f"127.0.0.1:{self.edge_port}",
                "-f",
                str(vcl),
                "-n",
                str(self.work / "varnish"),
                "-s",
                "malloc,256m",
                "-T",
                "none",
            ],
            log,
        )
        wait_until(f"{self.edge}/read/nl/")

    def _spawn(self, command: list[str], log) -> None:
        self.processes.append(
            subprocess.Popen(
                command,
                env=self.env,
                cwd=scratch.ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )

    def counters(self) -> dict[str, int]:
        out = subprocess.run(
            [
                "varnishstat",
                "-1",
                "-n",
                str(self.work / "varnish"),
                "-f",
                "MAIN.cache_hit",
                "-f",
                "MAIN.cache_miss",
                "-f",
                "MAIN.backend_req",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line}

    def objects_purged(self, since: int) -> tuple[int, int]:
        """(purges, objects purged) Varnish answered after byte ``since`` of the log."""
        with open(self.log, "rb") as log:
            log.seek(since)
            counts = [int(n) for n in re.findall(rb"Purged (\d+) objects", log.read())]
        return len(counts), sum(counts)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def scratch_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def urls(stack: Stack) -> tuple[list[str], list[str]]:
    """(detail pages by popularity, the other pages) to read."""
    origin = f"http://127.0.0.1:{stack.origin_port}"
    slugs, cursor = [], f"{origin}/api/v1/articles/?page_size=100"
    while cursor:
        page = json.loads(fetch(cursor)[1])
        slugs += [entry["slug"] for entry in page["results"]]
        cursor = page["next"]
    random.Random(1).shuffle(slugs)
    vendors = [v["slug"] for v in json.loads(fetch(f"{origin}/api/v1/vendors/")[1])["results"]]
    topics = [t["slug"] for t in json.loads(fetch(f"{origin}/api/v1/topics/")[1])["results"]]
    details = [f"/api/v1/articles/{slug}/?lang={lang}" for slug in slugs for lang in ("en", "nl")]
    graphql = "/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_LIST})
    others = [f"/api/v1/articles/?lang={lang}" for lang in ("en", "nl")]
    others += [f"/api/v1/articles/?vendor={slug}" for slug in vendors]
    others += [f"/api/v1/articles/?topic={slug}" for slug in topics]
    others += [f"/api/v1/vendors/{slug}/" for slug in vendors]
    others += ["/feeds/en.rss", "/feeds/nl.atom", "/feeds/corrections/en.json", graphql]
    return details, others


def page_class(path: str) -> str:
    """What kind of page ``path`` is, for the hit ratio per class."""
    if path.startswith("/graphql/"):
        return "graphql"
    if path.startswith("/feeds/"):
        return "feed"
    if "vendor" in path:
        return "vendor"
    if "topic=" in path:
        return "topic"
    if re.match(r"/api/v1/articles/[^/?]+/", path):
        return "detail"
    return "list"


class Readers:
    """An open loop: requests start at a fixed rate whatever the answers take."""

    def __init__(self, stack: Stack, details: list[str], others: list[str], rate: int):
        self.stack, self.details, self.others, self.rate = stack, details, others, rate
        weights = [1 / (rank + 1) ** 1.1 for rank in range(len(details))]
        self.picks = random.Random(2).choices(range(len(details)), weights, k=200_000)
        self.stopped = threading.Event()
        self.sent = self.late = 0
        # Per class of page: answers marked HIT and MISS by Varnish, and failures.
        self.answers: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.lock = threading.Lock()

    def read(self, path: str) -> None:
        try:
            status, _body, cache = fetch(self.stack.edge + path)
            outcome = (cache or "?") if status == 200 else f"HTTP {status}"
        except OSError as error:
            outcome = type(error).__name__
        with self.lock:
            self.answers[page_class(path)][outcome] += 1

    def run(self) -> None:
        pool = ThreadPoolExecutor(max_workers=64)
        rng, start, n = random.Random(3), time.monotonic(), 0
        while not self.stopped.is_set():
            due = start + n / self.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            elif now - due > 1:
                self.late += 1
            path = (
                self.details[self.picks[n % len(self.picks)]]
                if rng.random() < 0.7
                else rng.choice(self.others)
            )
            pool.submit(self.read, path)
            n += 1
        self.sent = n
        pool.shutdown(wait=True)


PUBLISHER = """
import sys, time
import django
django.setup()
from articles.models import Article
from articles.services import article_publish_changes, article_update
for line in sys.stdin:
    slug, title = line.rstrip("\\n").split("\\t")
    article = Article.objects.get(slug=slug)
    article_update(article=article, user=None, translations={"en": {"title": title}})
    article_publish_changes(article=article, user=None)
    print(time.time(), flush=True)
"""


class Publisher:
    """A child that retitles and publishes an entry on request, as an editor's save would:
    started once, so a publication's time is not a Python start-up's."""

    def __init__(self, stack: Stack):
        self.child = subprocess.Popen(
            [scratch.PYTHON, "-c", PUBLISHER],
            env=stack.env,
            cwd=scratch.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def publish(self, slug: str, title: str) -> float:
        """Retitle ``slug`` and publish it; the commit's wall-clock time."""
        self.child.stdin.write(f"{slug}\t{title}\n")
        self.child.stdin.flush()
        line = self.child.stdout.readline()
        if not line:
            sys.exit("publishing failed (see above)")
        return float(line)

    def close(self) -> None:
        self.child.stdin.close()
        self.child.wait(timeout=20)


def fresh_after(stack: Stack, committed: float, path: str, title: str) -> float:
    deadline = time.time() + 30
    while time.time() < deadline:
        if title.encode() in fetch(stack.edge + path)[1]:
            return time.time() - committed
        time.sleep(0.02)
    return float("inf")


def wrk(url: str, seconds: int, *headers: str) -> float:
    """Requests/s wrk gets from ``url`` (2 threads, 16 connections)."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    command += ["-s", str(HERE / "wrk.lua"), url]
    env = {**os.environ, "WRK_BODY_FILE": "", "WRK_VARY": "0"}
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    return float(dict(item.split("=") for item in line.split()[1:])["rps"])


def throughput(stack: Stack, rounds: int = 3, seconds: int = 8) -> tuple[float, float]:
    """The list through Varnish (gzipped, as browsers ask) and the origin's limit (/baseline/,
    the list's bytes), medians of ``rounds`` interleaved wrk runs."""
    edge, limit = [], []
    for _ in range(rounds):
        # As browsers ask: Varnish keeps the answer gzipped and sends it so.
        edge.append(wrk(stack.edge + LIST, seconds, "Accept-Encoding: gzip"))
        limit.append(wrk(stack.origin + "/baseline/", seconds))
    return statistics.median(edge), statistics.median(limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200, help="reads per second")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between publications")
    parser.add_argument("--tasks", choices=["db", "rq"], default="db", help="the task worker")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--work", type=Path, default=scratch.default_work())
    args = parser.parse_args()
    for tool in ("varnishd", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install varnish varnish-modules wrk")
    url = scratch.database_url(f"edge_{args.entries}", args.work)
    scratch.prepare(url, args.entries, reuse=args.reuse)
    work = Path(tempfile.mkdtemp(prefix="ainews-edge-"))
    stack = Stack(url, work, args.tasks)
    try:
        stack.start()
        details, others = urls(stack)
        # The newest entries: on the first page of every list and feed the bench watches.
        first = fetch(f"http://127.0.0.1:{stack.origin_port}/api/v1/articles/?page_size=5")[1]
        newest = [entry["slug"] for entry in json.loads(first)["results"]]
        # Every page in the edge's memory first: the misses counted are then the purges'.
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda path: fetch(stack.edge + path), [*others, *details]))
        publisher = Publisher(stack)
        readers = Readers(stack, details, others, args.rate)
        loader = threading.Thread(target=readers.run, daemon=True)
        before = stack.counters()
        log_start = stack.log.stat().st_size
        loader.start()
        surfaces = {
            "detail": None,
            "list": "/api/v1/articles/?lang=en",
            "graphql": others[-1],
            "feed": "/feeds/en.rss",
        }
        fresh: dict[str, list[float]] = {name: [] for name in surfaces}
        publications, rng, end = 0, random.Random(4), time.monotonic() + args.duration
        started = time.monotonic()
        while time.monotonic() < end:
            # On a fixed schedule: the next publication is due every --every seconds.
            time.sleep(max(0.0, started + (publications + 1) * args.every - time.monotonic()))
            slug = rng.choice(newest)
            title = f"Retitled {time.time_ns()}"  # new on every run, --reuse or not
            committed = publisher.publish(slug, title)
            publications += 1
            for name, path in surfaces.items():
                path = path or f"/api/v1/articles/{slug}/?lang=en"
                fresh[name].append(fresh_after(stack, committed, path, title))
        readers.stopped.set()
        loader.join()
        publisher.close()
        after = stack.counters()
        purges, purged = stack.objects_purged(log_start)
        edge_rps, limit_rps = throughput(stack)
    finally:
        if "readers" in locals():
            readers.stopped.set()
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)
    hits = after["MAIN.cache_hit"] - before["MAIN.cache_hit"]
    misses = after["MAIN.cache_miss"] - before["MAIN.cache_miss"]
    fetched = after["MAIN.backend_req"] - before["MAIN.backend_req"]
    print(
        f"\nedge: {args.entries} entries, {readers.sent} reads at {args.rate}/s open loop "
        f"({readers.late} started over 1 s late), {publications} publications, "
        f"tasks: {args.tasks}"
    )
    print(f"hit ratio: {hits / max(1, hits + misses):.1%} ({hits} hits, {misses} misses)")
    print("per class (X-Cache of the readers' answers):")
    for name, counts in sorted(readers.answers.items()):
        total = sum(counts.values())
        others = ", ".join(f"{k} {v}" for k, v in counts.items() if k not in ("HIT", "MISS"))
        print(
            f"  {name:8} {counts['HIT'] / max(1, total):6.1%} of {total}"
            + (f" ({others})" if others else "")
        )
    print(
        f"origin fetches: {fetched}, {fetched / max(1, publications):.1f} per publication "
        "(every page read once before the load); objects purged: "
        f"{purged} by {purges} purges, {purged / max(1, publications):.1f} per publication"
    )
    print(
        f"throughput: the list through Varnish {edge_rps:.0f}/s, the origin's limit "
        f"(/baseline/) {limit_rps:.0f}/s: {edge_rps / max(1, limit_rps):.1f}x"
    )
    print("commit-to-fresh through Varnish (s; surfaces polled in turn, so each an upper bound):")
    print("  surface  p50 p99 max")
    for name, times in fresh.items():
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(f"  {name:8} {statistics.median(ordered):.3f} {p99:.3f} {ordered[-1]:.3f}")


if __name__ == "__main__":
    main()
