"""Builds ``history.sqlite3.gz`` and ``history.json`` with the release before revisions existed
(commit 8e84e84), for ``tests/articles/test_revision_migration.py``.

    git worktree add /tmp/prev 8e84e84
    cd /tmp/prev && DATABASE_URL=sqlite:////tmp/history.sqlite3 \\
        /path/to/.venv/bin/python /path/to/tests/articles/previous_release/build.py /tmp/out
    git worktree remove /tmp/prev

It migrates an empty database, edits a few entries several times through that release's
services (texts, signals, scorecard, topics, a restore, a publish, notes) and records what its
history page showed for each entry: every version with who, why and its diff.
"""

import gzip
import json
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
sys.path.insert(0, os.getcwd())
django.setup()

import time_machine  # noqa: E402
from articles.history import article_versions  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.services import (  # noqa: E402
    article_create,
    article_publish,
    article_restore,
    article_submit_for_review,
    article_update,
    note_create,
    risk_area_create,
    risk_framework_create,
    scorecard_create,
    topic_create,
    vendor_create,
)


def main(out: Path) -> None:
    call_command("migrate", verbosity=0)
    admin = User.objects.create_superuser("admin", "admin@example.com", "admin")
    writer = User.objects.create_user("writer-anna", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writer"))
    publisher = User.objects.create_user("publisher-piet", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    clock = time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False)
    traveller = clock.start()

    def later():
        traveller.shift(60)

    vendor = vendor_create(user=admin, name="OpenAI", slug="openai")
    other = vendor_create(user=admin, name="Anthropic", slug="anthropic")
    agents = topic_create(user=admin, name="Agents", slug="agents")
    safety = topic_create(user=admin, name="Safety", slug="safety")
    framework = risk_framework_create(
        user=admin,
        name="Preparedness",
        slug="preparedness",
        scale=["Low", "Medium", "High", "Critical"],
        categories=["CBRN", "Cybersecurity"],
        deploy_at_or_below="Medium",
        develop_at_or_below="High",
    )
    jailbreaks = risk_area_create(user=admin, name="Jailbreaks", slug="jailbreaks")
    later()
    first = article_create(
        user=writer,
        vendor=vendor,
        slug="o3-mini",
        kind=Article.Kind.MODEL_RELEASE,
        source_url="https://example.com/o3-mini",
        source_authors="OpenAI",
        topics=[agents],
        translations={
            "en": {"title": "o3-mini", "summary": "A small model.", "body": "# o3\n\nText."},
            "nl": {"title": "o3-mini (nl)", "summary": "Een klein model."},
        },
        signals={"en": ["Cheaper", "Faster"]},
    )
    later()
    article_update(
        article=first,
        user=writer,
        translations={"en": {"title": "o3-mini is out", "body": "# o3\n\nLonger text."}},
        signals={"en": ["Cheaper", "Faster", "Smarter"], "nl": ["Goedkoper"]},
    )
    later()
    scorecard_create(
        article=first,
        framework=framework,
        ratings={"CBRN": ("Medium", "Low"), "Cybersecurity": ("Low", None)},
        risk_areas=[jailbreaks],
        user=writer,
    )
    later()
    article_update(article=first, user=writer, topics=[agents, safety], fields={"vendor": other})
    later()
    oldest = Article.objects.get(pk=first.pk).history.order_by("history_date").first()
    article_restore(article=first, history_id=oldest.history_id, user=publisher)
    later()
    article_submit_for_review(article=first, user=writer)
    later()
    article_publish(article=first, user=publisher)
    later()
    note_create(article=first, kind="correction", texts={"en": "We fixed a number."}, user=writer)
    later()
    article_update(article=first, user=writer, translations={"nl": None})

    later()
    second = article_create(
        user=writer,
        vendor=other,
        slug="claude-notes",
        kind=Article.Kind.PRODUCT_UPDATE,
        source_url="https://example.com/claude",
        translations={"en": {"title": "Claude notes", "summary": "Notes."}},
    )
    later()
    article_update(
        article=second, user=writer, fields={"source_authors": "Anthropic"}, reason="Authors"
    )
    clock.stop()

    history = {}
    for article in Article.objects.order_by("pk"):
        history[article.slug] = [
            {
                "at": version.record.history_date.isoformat(),
                "user": str(version.record.history_user or ""),
                "reason": version.record.history_change_reason or "",
                "changes": [list(change) for change in version.changes],
            }
            for version in article_versions(article)
        ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "history.json").write_text(json.dumps(history, indent=1, ensure_ascii=False) + "\n")
    from django.db import connection

    connection.cursor().execute("VACUUM")
    connection.close()
    database = connection.settings_dict["NAME"]
    with open(database, "rb") as db, gzip.open(out / "history.sqlite3.gz", "wb") as packed:
        shutil.copyfileobj(db, packed)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
