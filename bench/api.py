"""Latency and SQL query counts of the public surfaces over a generated corpus.

    .venv/bin/python bench/api.py [--entries 10000] [--runs 30]

Builds a throw-away database (SQLite in a temp directory; BENCH_DATABASE_URL points it at a
scratch PostgreSQL database instead, which it fills), loads the demo data plus N synthetic
entries, then sends each request through Django's full middleware stack in-process and prints
p50/p95 latency and the number of SQL queries.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED_PAGE = """
query SeedPage($slug: String!) {
  article(slug: $slug, language: NL) {
    slug kind sourceUrl authors publishedAt availableLanguages
    translation { language fallback title summary audience bodyHtml }
    signals
    scorecard {
      framework { name }
      overall { name } mayDeploy mayDevelop
      ratings { category preMitigation { name } postMitigation { name } }
      riskAreas { name }
    }
    vendor { slug name description }
    moreFromVendor(limit: 4) { slug publishedAt translation { title summary } }
  }
}
"""

LIST_50 = """
{
  articles(pagination: {limit: 50}, language: NL) {
    totalCount
    results {
      slug kind authors publishedAt
      translation { language title summary audience bodyHtml }
      signals
      vendor { name }
      scorecard { overall { name } mayDeploy ratings { category preMitigation { name } } }
    }
  }
}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="ainews-bench-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    os.environ["DJANGO_STATIC_MANIFEST"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_STATIC_ROOT"] = scratch
    os.environ["API_ANONYMOUS_RATE"] = "1000000/minute"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("generate_articles", args.entries, seed=1, verbosity=0)
    print(
        f"database: {connection.vendor}, {args.entries} synthetic entries + demo data, "
        f"built in {time.perf_counter() - started:.1f}s; {args.runs} runs per request\n"
    )

    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    seed = "openai-o3-mini-system-card"
    cases = [
        ("REST list, 50 entries", "get", "/api/v1/articles/?page_size=50&lang=nl", None),
        (
            "REST list, 50, vendor + search",
            "get",
            "/api/v1/articles/?page_size=50&vendor=acme-ai&q=agent",
            None,
        ),
        ("REST detail (seed)", "get", f"/api/v1/articles/{seed}/?lang=nl", None),
        ("REST more-from-vendor", "get", f"/api/v1/articles/{seed}/more-from-vendor/", None),
        ("REST changes, first page", "get", "/api/v1/changes/?page_size=50", None),
        ("Atom feed (nl)", "get", "/feeds/nl.atom", None),
        (
            "GraphQL seed page",
            "post",
            "/graphql/",
            {"query": SEED_PAGE, "variables": {"slug": seed}},
        ),
        ("GraphQL list, 50 entries", "post", "/graphql/", {"query": LIST_50}),
    ]
    print(f"{'request':34} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, method, url, body in cases:

        def send(method=method, url=url, body=body):
            if method == "get":
                return client.get(url)
            return client.post(url, body, content_type="application/json")

        with CaptureQueriesContext(connection) as queries:
            response = send()
        query_count = len(queries)  # read now: later requests reset the connection's log
        timings = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            send()
            timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
        print(
            f"{name:34} {response.status_code:>6} {query_count:>7} "
            f"{statistics.median(timings):>8.1f} {p95:>8.1f}"
        )


if __name__ == "__main__":
    main()
