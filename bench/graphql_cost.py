"""What each weighted GraphQL field costs, relative to a plain field: the figures behind the
weights in articles/graphql/weights.py.

    .venv/bin/python bench/graphql_cost.py [--entries 1000] [--runs 15] [--reuse]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ainews_bench \
        .venv/bin/python bench/graphql_cost.py

In-process, through /graphql/ (Django's test client, POST, so no response cache answers), on a
scratch database with generated entries (bench/scratch.py; ``cost_<N>``). A plain field's
time is the difference between a page of 100 entries with 19 more fields each and the same
page with one field, per field. Each weighted field's time is the difference between a query
with it and the same query without it, per time it is resolved; its weight is that time in
plain fields. The cost limit and the answer size limit are lifted so every query runs.
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

WIDE = (
    "slug id kind sourceUrl publishedAt updatedAt modifiedAt authors signals availableLanguages "
    "vendor { slug name } translation { language requestedLanguage fallback title summary "
    "audience }"
)
PAGE = "articles(pagination: {limit: 100}) { results { %s } }"
SEARCH = 'articles(filters: {search: "release"}) { %s results { slug } }'
FILTERED = "articles(filters: {kinds: [MODEL_RELEASE, PRODUCT_UPDATE]}) { %s results { slug } }"
MORE = "articles(pagination: {limit: 100}) { results { slug %s } }"
# (name, query with the field, query without it, times the field is resolved)
PLAIN = ("plain field", "{ %s }" % (PAGE % WIDE), "{ %s }" % (PAGE % "slug"), 100 * 19)
WEIGHED = [
    ("search (Query.articles)", "{ %s }" % (SEARCH % ""), "{ articles { results { slug } } }", 1),
    ("totalCount of a search", "{ %s }" % (SEARCH % "totalCount"), "{ %s }" % (SEARCH % ""), 1),
    (
        "totalCount, other filters",
        "{ %s }" % (FILTERED % "totalCount"),
        "{ %s }" % (FILTERED % ""),
        1,
    ),
    (
        "entry (moreFromVendor item)",
        "{ %s }" % (MORE % "moreFromVendor(limit: 20) { slug }"),
        "{ %s }" % (MORE % ""),
        100 * 20,
    ),
]
# Queries the weights are meant to refuse, timed as they would run without the cost limit.
ATTACKS = [
    (
        "15 aliased searches",
        "{ "
        + " ".join(
            f'a{i}: articles(filters: {{search: "release {i}"}}) '
            "{ totalCount results { slug search { snippet } } }"
            for i in range(15)
        )
        + " }",
    ),
    (
        "nested moreFromVendor",
        "{ articles(pagination: {limit: 100}) { results { moreFromVendor(limit: 20) "
        "{ moreFromVendor(limit: 20) { slug } } } } }",
    ),
]


def measure(runs: int) -> dict:
    """In the child process: time every query against the database in DATABASE_URL."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from articles.models import LiveEntry
    from cms.schema import LIST_SIZES, WEIGHTS
    from kernel.graphql import query_cost

    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_COST": 10**12, "MAX_RESPONSE_BYTES": 10**10}
    client = Client()

    def timed(query: str) -> tuple[float, int]:
        body = json.dumps({"query": query})
        send = lambda: client.post("/graphql/", body, content_type="application/json")  # noqa: E731
        response = send()
        assert response.status_code == 200 and "errors" not in response.json(), response.content
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            send()
            timings.append(time.perf_counter() - started)
        return statistics.median(timings) * 1000, len(response.content)

    def cost(query: str) -> int:
        from graphql import parse

        from cms.schema import schema

        return query_cost(
            schema._schema, parse(query), None, {}, sizes=LIST_SIZES, weights=WEIGHTS, list_size=20
        )

    name, wide, narrow, times = PLAIN
    unit = (timed(wide)[0] - timed(narrow)[0]) / times
    rows = [{"name": name, "ms": unit, "weight": 1.0}]
    for name, query, without, times in WEIGHED:
        each = (timed(query)[0] - timed(without)[0]) / times
        rows.append({"name": name, "ms": each, "weight": each / unit})
    attacks = []
    for name, query in ATTACKS:
        ms, size = timed(query)
        attacks.append({"name": name, "ms": ms, "bytes": size, "cost": cost(query)})
    return {
        "entries": LiveEntry.objects.count(),
        "database": django.db.connection.vendor,
        "rows": rows,
        "attacks": attacks,
        "maximum": settings.GRAPHQL["MAX_COST"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep a scratch database built")
    parser.add_argument("--work", type=Path, default=scratch.default_work())
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:  # the child: settings from the environment
        sys.path.insert(0, str(scratch.ROOT))
        print(json.dumps(measure(args.runs)))
        return
    url = scratch.database_url(f"cost_{args.entries}", args.work)
    scratch.prepare(url, args.entries, reuse=args.reuse)
    result = scratch.measured(__file__, url, "--runs", str(args.runs))
    print(
        f"\n{result['entries']:,} entries, {result['database']}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'field':32} {'ms each':>9} {'weight (plain fields)':>22}")
    for row in result["rows"]:
        print(f"{row['name']:32} {row['ms']:>9.4f} {row['weight']:>22.1f}")
    print(f"\n{'without the cost limit':32} {'p50 ms':>9} {'answer bytes':>13} {'cost':>9}")
    for row in result["attacks"]:
        print(f"{row['name']:32} {row['ms']:>9.0f} {row['bytes']:>13,} {row['cost']:>9,}")
    print(f"(the cost limit is {result['maximum']:,})")


if __name__ == "__main__":
    main()
