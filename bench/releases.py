"""What a release costs: publishing N entries in one transaction against publishing them one
by one, and what one release preview request pays to stage the release.

    .venv/bin/python bench/releases.py [--sizes 10 50 200] [--runs 3]

Builds a scratch database (SQLite in a temp directory; BENCH_DATABASE_URL points it at a
scratch PostgreSQL database instead, which it empties). For each size: half the release are
new entries (publish), half corrections to live entries (publish changes). Prints the median
seconds and the SQL queries of ``release_publish``, of the same entries published one by one
(``article_publish`` / ``article_publish_changes``), and of ``release_stage`` inside a
transaction rolled back (what a preview request does before its view runs), with the
machine's load average.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    scratch = tempfile.mkdtemp(prefix="ainews-bench-releases-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def entries(prefix: str, size: int) -> list:
    """``size`` entries: half drafts, half live entries whose working copy has a change."""
    from articles.services import article_publish, article_update
    from tests.factories import ArticleFactory, VendorFactory

    vendor = VendorFactory()
    made = []
    for number in range(size):
        article = ArticleFactory(slug=f"{prefix}-{number}", in_review=True, vendor=vendor)
        if number % 2:
            article = article_publish(article=article, user=None)
            article_update(article=article, user=None, translations={"en": {"title": "Fixed"}})
        made.append(article)
    return made


def measured(function) -> tuple[float, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9000 queries: room for one measurement
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries)


def one_by_one(articles) -> None:
    from articles.models import Article
    from articles.services import article_publish, article_publish_changes

    for article in articles:
        if article.status == Article.Status.PUBLISHED:
            article_publish_changes(article=article, user=None)
        else:
            article_publish(article=article, user=None)


def release_of(name: str, articles):
    from articles.services import release_create, release_item_add, release_item_review

    release = release_create(title=name, user=None)
    for article in articles:
        item = release_item_add(release=release, article=article, user=None)
        release_item_review(item=item, user=None)
    return release


def staged(release) -> None:
    from django.db import transaction

    from articles.services.releases import release_stage

    with transaction.atomic():
        release_stage(release=release)
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    setup()
    from django.db import connection

    from articles.services import release_publish

    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'items':>5} {'release s':>9} {'queries':>7} {'one by one s':>12} {'queries':>7} "
        f"{'preview s':>9} {'queries':>7}"
    )
    for size in options.sizes:
        rows = {"release": [], "single": [], "preview": []}
        for run in range(options.runs):
            release = release_of(f"r{size}-{run}", entries(f"r{size}-{run}", size))
            rows["preview"].append(measured(partial(staged, release)))
            rows["release"].append(measured(partial(release_publish, release=release, user=None)))
            singles = entries(f"s{size}-{run}", size)
            rows["single"].append(measured(partial(one_by_one, singles)))
        cells = []
        for name in ("release", "single", "preview"):
            cells.append(statistics.median(t for t, _ in rows[name]))
            cells.append(rows[name][0][1])
        print(
            f"{size:>5} {cells[0]:>9.2f} {cells[1]:>7} {cells[2]:>12.2f} {cells[3]:>7} "
            f"{cells[4]:>9.2f} {cells[5]:>7}"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
