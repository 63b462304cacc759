"""The migration to revisions, on a database the previous release built (see
``previous_release/build.py``): every version its history page showed is still there, with the
same diffs, and ``rebuild_live`` leaves the migrated database as it is."""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "previous_release"
ROOT = Path(__file__).parents[2]

# What the history page shows, read by the new code (run in the migrated database).
DUMP = """
import json
from articles.models import Article, LiveEntry, Revision
from articles.revisions import revision_history
print(json.dumps({
    "history": {
        article.slug: [
            {
                "number": v.revision.number,
                "at": v.revision.created_at.isoformat(),
                "user": str(v.revision.user or ""),
                "reason": v.revision.reason,
                "message": v.revision.message,
                "changes": [list(change) for change in v.changes],
            }
            for v in revision_history(article=article)
        ]
        for article in Article.objects.order_by("pk")
    },
    "versions": {a.slug: a.version for a in Article.objects.all()},
    "revisions": list(
        Revision.objects.order_by("pk").values("pk", "article_id", "number", "content")
    ),
    "live": list(LiveEntry.objects.order_by("pk").values("pk", "revision_id", "source")),
}, default=str))
"""


def manage(database: Path, *args: str) -> str:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("previous") / "db.sqlite3"
    with gzip.open(HERE / "history.sqlite3.gz") as packed, open(database, "wb") as db:
        shutil.copyfileobj(packed, db)
    manage(database, "migrate", "--no-input")
    return database


def dump(database: Path) -> dict:
    return json.loads(manage(database, "shell", "--no-imports", "-c", DUMP))


def without_notes(changes: list) -> list:
    """The previous release showed no notes in the history; revisions do."""
    return [c for c in changes if not c[0].startswith(("New ", "Changed ", "Removed "))]


def relabelled(changes: list) -> list:
    """The previous release wrote a rating as "before → after"; the history now names them."""

    def rating(value: str) -> str:
        if " → " not in value:
            return value
        before, after = value.split(" → ")
        return f"before mitigation: {before}; after mitigation: {after}"

    return [
        [what, rating(before), rating(after)]
        if what.startswith("Rating ")
        else [what, before, after]
        for what, before, after in changes
    ]


def test_every_version_the_history_page_showed_is_there_with_its_diff(migrated):
    shown = json.loads((HERE / "history.json").read_text())
    now = dump(migrated)["history"]
    assert set(now) == set(shown)
    for slug, versions in shown.items():
        assert [v["at"] for v in now[slug]] == [v["at"] for v in versions], slug
        assert [v["user"] for v in now[slug]] == [v["user"] for v in versions], slug
        assert [v["message"] for v in now[slug]] == [v["reason"] for v in versions], slug
        assert [without_notes(v["changes"]) for v in now[slug]] == [
            relabelled(v["changes"]) for v in versions
        ], slug


def test_the_migrated_revisions_are_numbered_up_to_the_entrys_version(migrated):
    now = dump(migrated)
    for slug, versions in now["history"].items():
        numbers = [v["number"] for v in reversed(versions)]
        assert numbers == sorted(set(numbers)), slug
        assert numbers[-1] == now["versions"][slug], slug
    reasons = [v["reason"] for v in reversed(now["history"]["o3-mini"])]
    assert reasons == [
        "create",
        "edit",
        "edit",
        "edit",
        "restore",
        "workflow",
        "publish",
        "note",
        "edit",
    ]
    note = now["history"]["o3-mini"][1]
    assert ["New correction (en)", "", "We fixed a number."] in note["changes"]


def test_the_latest_revision_is_the_working_copy_and_the_live_one_what_was_published(migrated):
    now = dump(migrated)
    latest = {}
    for revision in now["revisions"]:
        latest[revision["article_id"]] = revision
    (live,) = now["live"]
    published = next(r for r in now["revisions"] if r["pk"] == live["revision_id"])
    assert published["article_id"] == live["pk"]
    (publish,) = [v for v in now["history"]["o3-mini"] if v["reason"] == "publish"]
    assert published["number"] == publish["number"]
    assert published["content"] == live["source"]
    assert latest[live["pk"]]["content"]["translations"].keys() == {"en"}


def test_rebuild_live_leaves_the_migrated_database_unchanged(migrated):
    before = dump(migrated)
    manage(migrated, "rebuild_live")
    assert dump(migrated) == before
