"""Does a public request get slower as the archive grows? p50 latency per endpoint at each size.

    .venv/bin/python bench/scale.py [--sizes 1000 100000] [--runs 30] [--reuse]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ainews_scale .venv/bin/python bench/scale.py

In-process, no server: each request goes through the project's real URLs and full middleware
stack (Django's test client). Every size gets its own scratch database with that many
generated entries (bench/scratch.py); --reuse keeps one already built. Prints, per endpoint,
the SQL queries and the p50 at each size, and the ratio of the largest size to the smallest,
twice: as the cache answers a repeated request, and built (the cache emptied before each
timed request, so every one reads the database and renders).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scratch

LIST = "/api/v1/articles/"
VENDOR = "acme-ai"
SELECTIVE, COMMON = "capella-3", "release"  # about 0.3 % and 80 % of entries (seed 1)
GRAPHQL_LIST = (Path(__file__).parent / "graphql_list.graphql").read_text()
GRAPHQL_COUNT = GRAPHQL_LIST.replace("results {", "totalCount\n    results {", 1)
GRAPHQL_MORE = "{ articles { results { slug moreFromVendor { slug translation { title } } } } }"
GRAPHQL_VENDORS = (
    "{ vendors { slug articleCount articles(pagination: {limit: 5}) "
    "{ totalCount results { slug translation { title } } } } }"
)
# Ratio of p50 at the largest size to the smallest that the read path is built to stay under.
RATIO_TARGET, COUNT_RATIO_TARGET = 1.5, 2.0
# A term in most entries ranks a bounded set of matches (SEARCH_RANKED): its target is a p50
# at the largest size, in ms, per database.
COMMON_SEARCH_P50 = {"sqlite": 50.0, "postgresql": 100.0}


def cases(entries: int):
    """(name, request(client, i) -> response, expected status). ``i`` counts the requests."""
    slug = f"synthetic-{scratch.SEED}-{entries // 2}"  # an entry from the middle of the archive

    def get(url, **headers):
        return lambda client, i: client.get(url, **headers)

    def graphql(query):
        body = json.dumps({"query": query})
        return lambda client, i: client.post("/graphql/", body, content_type="application/json")

    def uncached(query=""):
        # A far-future bound changes no result; a different URL each time, so no cache answers.
        return lambda client, i: client.get(
            f"{LIST}?{query}published_before=2099-01-01T00:00:{i % 60:02d}.{i:06d}Z"
        )

    return [
        ("REST list", get(LIST), 200),
        ("REST list, each request different", uncached(), 200),
        ("REST list by vendor", get(f"{LIST}?vendor={VENDOR}"), 200),
        ("REST list, If-None-Match", None, 304),  # filled in once the ETag is known
        ("REST detail", get(f"{LIST}{slug}/"), 200),
        ("REST more from vendor", get(f"{LIST}{slug}/more-from-vendor/"), 200),
        ("REST vendors with counts", get("/api/v1/vendors/"), 200),
        ("REST topics with counts", get("/api/v1/topics/"), 200),
        ("REST change feed, first page", get("/api/v1/changes/"), 200),
        # Searches as the uncached list: each one runs.
        (f"REST search ?q={SELECTIVE} (selective)", uncached(f"q={SELECTIVE}&"), 200),
        (f"REST search ?q={COMMON} (most entries)", uncached(f"q={COMMON}&"), 200),
        ("Atom feed", get("/feeds/en.atom"), 200),
        ("JSON feed by vendor", get(f"/feeds/en/{VENDOR}.json"), 200),
        ("GraphQL list 20", graphql(GRAPHQL_LIST), 200),
        ("GraphQL list 20 + totalCount", graphql(GRAPHQL_COUNT), 200),
        ("GraphQL list 20 + moreFromVendor", graphql(GRAPHQL_MORE), 200),
        ("GraphQL vendors, 5 entries + totalCount", graphql(GRAPHQL_VENDORS), 200),
    ]


def measure(entries: int, runs: int, budget: float) -> dict:
    """In the child process: time every case against the database in DATABASE_URL."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import LiveDocument
    from kernel.http_cache import forget_recent_answers

    client = Client()
    etag = client.get(LIST).headers.get("ETag", "")
    english = LiveDocument.objects.filter(language="en")
    share = {
        term: english.filter(Q(title__icontains=term) | Q(summary__icontains=term)).count()
        / max(entries, 1)
        for term in (SELECTIVE, COMMON)
    }

    def timed(send, *, built: bool) -> list[float]:
        timings, deadline = [], time.perf_counter() + budget
        for i in range(3, 3 + runs):
            if built:
                cache.clear()
                forget_recent_answers()
            started = time.perf_counter()
            send(client, i)
            timings.append((time.perf_counter() - started) * 1000)
            if len(timings) >= 5 and time.perf_counter() > deadline:
                break
        return timings

    rows = []
    for name, send, expected in cases(entries):
        if send is None:
            send = lambda client, i: client.get(LIST, HTTP_IF_NONE_MATCH=etag)  # noqa: E731
        for i in range(2):  # warm up: connection, caches a real server would have warm too
            send(client, i)
        # Counted at once: the next request resets the connection's query log.
        with CaptureQueriesContext(connection) as queries:
            response = send(client, 2)
        count = len(queries)
        cache.clear()
        forget_recent_answers()
        with CaptureQueriesContext(connection) as queries:
            send(client, 2)
        built_count = len(queries)
        rows.append(
            {
                "name": name,
                "status": response.status_code,
                "expected": expected,
                "queries": count,
                "p50": statistics.median(timed(send, built=False)),
                "built_queries": built_count,
                "built_p50": statistics.median(timed(send, built=True)),
            }
        )
    return {"entries": entries, "database": connection.vendor, "share": share, "rows": rows}


def report(results: list[dict]) -> None:
    sizes = ", ".join(str(r["entries"]) for r in results)
    print(f"\ndatabase: {results[0]['database']}; sizes: {sizes}")
    for r in results:
        shares = ", ".join(f"?q={t} matches {s:.1%}" for t, s in r["share"].items())
        print(f"  {r['entries']} entries: {shares}")
    _table(results, "cached", "queries", "p50")
    _table(results, "built", "built_queries", "built_p50")


def _table(results: list[dict], label: str, queries: str, p50: str) -> None:
    small, large = results[0], results[-1]
    sizes = [f"{r['entries']:,}" for r in results]
    head = f"{'endpoint (' + label + ')':40} "
    head += " ".join(f"{'q@' + s:>9} {'p50@' + s + ' ms':>15}" for s in sizes)
    print("\n" + head + f" {'ratio':>6}  target")
    for i, row in enumerate(small["rows"]):
        cells, flags = [], []
        for r in results:
            cell = r["rows"][i]
            cells.append(f"{cell[queries]:>9} {cell[p50]:>15.2f}")
            if cell["status"] != cell["expected"]:
                flags.append(f"status {cell['status']} at {r['entries']}")
        ratio = large["rows"][i][p50] / small["rows"][i][p50]
        if f"?q={COMMON}" in row["name"]:
            limit = COMMON_SEARCH_P50[large["database"]]
            verdict = "ok" if large["rows"][i][p50] <= limit else "OVER"
            flags.insert(0, f"p50 <= {limit:g} ms {verdict}")
        else:
            target = COUNT_RATIO_TARGET if "totalCount" in row["name"] else RATIO_TARGET
            verdict = "ok" if ratio <= target else "OVER"
            flags.insert(0, f"<= {target} {verdict}")
        print(f"{row['name']:40} {' '.join(cells)} {ratio:>6.2f}  {'; '.join(flags)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per endpoint")
    parser.add_argument(
        "--budget", type=float, default=10.0, help="seconds per endpoint (at least 5 requests)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep scratch databases built")
    parser.add_argument("--work", type=Path, default=scratch.default_work())
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure is not None:  # the child: one size, settings from the environment
        sys.path.insert(0, str(scratch.ROOT))
        print(json.dumps(measure(args.measure, args.runs, args.budget)))
        return
    results, options = [], ["--runs", str(args.runs), "--budget", str(args.budget)]
    for entries in sorted(args.sizes):
        url = scratch.database_url(f"scale_{entries}", args.work)
        scratch.prepare(url, entries, reuse=args.reuse)
        results.append(
            scratch.measured(
                __file__,
                url,
                str(entries),
                *options,
                what=f"measuring {entries} entries",
                DJANGO_STATIC_ROOT=str(args.work),
            )
        )
        print(f"measured {entries} entries", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    report(results)


if __name__ == "__main__":
    main()
