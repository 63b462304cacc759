"""The edge: the shipped Varnish in front of the origin, under an open-loop read load with a
publication every few seconds; hit ratio, origin fetches per publication, commit-to-fresh.

    .venv/bin/python bench/edge.py [--entries 1000] [--rate 200] [--duration 60] [--reuse]

Serves the project with gunicorn (2 sync workers, throttles raised) on a scratch database
(bench/scratch.py) with the database worker polling every 0.1 s and EDGE_PURGE_BACKEND=varnish,
behind varnishd running deploy/varnish/default.vcl (Varnish 7 and varnish-modules needed).
Readers are an open loop at ``--rate`` requests/s: detail pages of every entry in both
languages with a skewed popularity (Zipf, s=1.1), list, vendor and topic pages, feeds and
GraphQL GETs. Every ``--every`` seconds the bench retitles one of the 5 newest entries and
publishes it,
then polls its detail (REST), the list (REST), the GraphQL list and the feed through Varnish
until the new title shows: commit-to-fresh per surface. Hit ratio from varnishstat.
Throughput against the limit is bench/load.py's; this one measures freshness and hits.
"""

import argparse
import json
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

    def __init__(self, url: str, work: Path):
        self.origin_port, self.edge_port = scratch_port(), scratch_port()
        self.edge = f"http://127.0.0.1:{self.edge_port}"
        self.env = scratch.django_env(
            url,
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
        log = open(self.work / "stack.log", "w")  # noqa: SIM115 (open for the stack's life)
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
        self._spawn([python, "manage.py", "db_worker", "--interval", "0.1", "--no-reload"], log)
        wait_until(f"http://127.0.0.1:{self.origin_port}/read/en/")
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


class Readers:
    """An open loop: requests start at a fixed rate whatever the answers take."""

    def __init__(self, stack: Stack, details: list[str], others: list[str], rate: int):
        self.stack, self.details, self.others, self.rate = stack, details, others, rate
        weights = [1 / (rank + 1) ** 1.1 for rank in range(len(details))]
        self.picks = random.Random(2).choices(range(len(details)), weights, k=200_000)
        self.stopped = threading.Event()
        self.sent = self.late = 0

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
            pool.submit(fetch, self.stack.edge + path)
            n += 1
        self.sent = n
        pool.shutdown(wait=True)


def publish_one(stack: Stack, slug: str, title: str) -> float:
    """Retitle ``slug`` and publish the change in a child; the commit's wall-clock time."""
    code = (
        "import time\n"
        "from articles.models import Article\n"
        "from articles.services import article_update, article_publish_changes\n"
        f"a = Article.objects.get(slug={slug!r})\n"
        f"article_update(article=a, user=None, translations={{'en': {{'title': {title!r}}}}})\n"
        "article_publish_changes(article=a, user=None)\n"
        "print(time.time())\n"
    )
    child = subprocess.run(
        [scratch.PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
        env=stack.env,
        cwd=scratch.ROOT,
        capture_output=True,
        text=True,
    )
    if child.returncode:
        sys.exit(f"publishing failed:\n{child.stderr}")
    return float(child.stdout.strip().splitlines()[-1])


def fresh_after(stack: Stack, committed: float, path: str, title: str) -> float:
    deadline = time.time() + 30
    while time.time() < deadline:
        if title.encode() in fetch(stack.edge + path)[1]:
            return time.time() - committed
        time.sleep(0.02)
    return float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200, help="reads per second")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between publications")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--work", type=Path, default=scratch.default_work())
    args = parser.parse_args()
    if not shutil.which("varnishd"):
        sys.exit("varnishd is needed: apt-get install varnish varnish-modules")
    url = scratch.database_url(f"edge_{args.entries}", args.work)
    scratch.prepare(url, args.entries, reuse=args.reuse)
    work = Path(tempfile.mkdtemp(prefix="ainews-edge-"))
    stack = Stack(url, work)
    try:
        stack.start()
        details, others = urls(stack)
        # The newest entries: on the first page of every list and feed the bench watches.
        first = fetch(f"http://127.0.0.1:{stack.origin_port}/api/v1/articles/?page_size=5")[1]
        newest = [entry["slug"] for entry in json.loads(first)["results"]]
        for path in others:  # warm the pages everyone reads
            fetch(stack.edge + path)
        readers = Readers(stack, details, others, args.rate)
        loader = threading.Thread(target=readers.run, daemon=True)
        before = stack.counters()
        loader.start()
        surfaces = {
            "detail": None,
            "list": "/api/v1/articles/?lang=en",
            "graphql": others[-1],
            "feed": "/feeds/en.rss",
        }
        fresh: dict[str, list[float]] = {name: [] for name in surfaces}
        publications, rng, end = 0, random.Random(4), time.monotonic() + args.duration
        while time.monotonic() < end:
            time.sleep(args.every)
            slug = rng.choice(newest)
            title = f"Retitled {time.time_ns()}"  # new on every run, --reuse or not
            committed = publish_one(stack, slug, title)
            publications += 1
            for name, path in surfaces.items():
                path = path or f"/api/v1/articles/{slug}/?lang=en"
                fresh[name].append(fresh_after(stack, committed, path, title))
        readers.stopped.set()
        loader.join()
        after = stack.counters()
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
        f"({readers.late} started over 1 s late), {publications} publications"
    )
    print(f"hit ratio: {hits / max(1, hits + misses):.1%} ({hits} hits, {misses} misses)")
    print(
        f"origin fetches: {fetched}, {fetched / max(1, publications):.1f} per publication "
        "(misses of pages never read before included)"
    )
    print("commit-to-fresh through Varnish (s; surfaces polled in turn, so each an upper bound):")
    print("  surface  p50 p99 max")
    for name, times in fresh.items():
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(f"  {name:8} {statistics.median(ordered):.3f} {p99:.3f} {ordered[-1]:.3f}")


if __name__ == "__main__":
    main()
