"""Full-text search latency as the archive grows: p50 per search at each size.

    .venv/bin/python bench/search.py [--sizes 1000 100000] [--runs 30] [--reuse]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ainews_bench .venv/bin/python bench/search.py

In-process, through the selectors the APIs call (no HTTP): a first page of 20 entries in
relevance order with its count, scores and snippets, for a selective term and a term found in
most entries, in English and Dutch, and the same with an explicit ordering. Scratch databases
as bench/scratch.py builds them (``search_<N>``; --reuse keeps one already built).
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

PAGE = 20
CASES = [
    # (name, search, language, ordering)
    ("selective: capella-3", "capella-3", "en", None),
    ("most entries: release", "release", "en", None),
    ("most entries, nl: release", "release", "nl", None),
    ("two words: release teams", "release teams", "en", None),
    ("phrase and exclusion", '"this release" -agents', "en", None),
    ("most entries, newest first", "release", "en", "-published"),
]


def measure(runs: int) -> dict:
    """In the child process: time every case against the database in DATABASE_URL."""
    import django

    django.setup()
    from django.db import connection

    from articles import selectors
    from articles.models import LiveEntry

    entries = LiveEntry.objects.count()
    rows = []
    for name, text, language, ordering in CASES:
        wanted = selectors.EntryFilter(search=text)

        def page(wanted=wanted, language=language, ordering=ordering):
            documents = selectors.entry_list(wanted, language=language, ordering=ordering)
            found = list(documents.values_list("pk", "search_score")[:PAGE])
            stored = selectors.stored_matches([pk for pk, _score in found])
            page = [stored[pk] for pk, _score in found]
            scores = [score for _pk, score in found]
            selectors.search_hits(wanted, language=language, matches=page, scores=scores)
            return documents.count()

        matches = selectors.EntryFilter(search=text).apply(
            selectors.visible_documents(language), language=language
        )
        share = matches.count() / max(entries, 1)
        page()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            page()
            timings.append((time.perf_counter() - started) * 1000)
        rows.append({"name": name, "share": share, "p50": statistics.median(timings)})
    return {"entries": entries, "database": connection.vendor, "rows": rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep scratch databases built")
    parser.add_argument("--work", type=Path, default=scratch.default_work())
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:  # the child: settings from the environment
        sys.path.insert(0, str(scratch.ROOT))
        print(json.dumps(measure(args.runs)))
        return
    results = []
    for entries in sorted(args.sizes):
        url = scratch.database_url(f"search_{entries}", args.work)
        scratch.prepare(url, entries, reuse=args.reuse)
        results.append(
            scratch.measured(
                __file__, url, "--runs", str(args.runs), what=f"measuring {entries} entries"
            )
        )
    print(f"\ndatabase: {results[0]['database']}; load average {os.getloadavg()[0]:.1f}")
    head = f"{'search (first page of 20, count, hits)':42}"
    head += "".join(f" {'matches@' + format(r['entries'], ','):>16} {'p50 ms':>8}" for r in results)
    print(head)
    for i, row in enumerate(results[0]["rows"]):
        cells = "".join(
            f" {r['rows'][i]['share']:>16.1%} {r['rows'][i]['p50']:>8.1f}" for r in results
        )
        print(f"{row['name']:42}{cells}")


if __name__ == "__main__":
    main()
