"""An entry's revisions read back, one function for each question: its history with what
every version changed (``revision_history``), one revision (``revision_get``), the latest
(``revision_latest``, the stale-edit check), the difference between any two versions
(``revision_compare``) and between two sources, such as the live version and the working copy
(``source_changes``)."""

from dataclasses import dataclass
from datetime import date, datetime

from articles.choices import ArticleKind, ArticleStatus, NoteKind
from articles.documents import ENTRY_FIELDS, TEXT_FIELDS
from articles.models import (
    Article,
    RiskArea,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Topic,
    Vendor,
)
from articles.models.revisions import Revision, RevisionReason
from articles.services.edits import normalise

# The entry's workflow fields a revision keeps beside its source (they are not published
# content: the workflow steps change them).
WORKFLOW_FIELDS = ("status", "published_at", "revisit_after")
EMPTY_SOURCE = {
    **dict.fromkeys(ENTRY_FIELDS),
    "topics": [],
    "translations": {},
    "signals": {},
    "notes": [],
    "scorecard": None,
}

Change = tuple[str, str, str]  # (what, before, after), in words


@dataclass
class Version:
    revision: Revision
    changes: list[Change] | None  # None: the oldest kept, the ones before it were pruned


def revision_latest(*, article_id: int) -> Revision | None:
    """The entry's newest revision, with its author (one query, on the unique index)."""
    return (
        Revision.objects.filter(article_id=article_id)
        .select_related("user")
        .order_by("-number")
        .first()
    )


def revision_get(*, article_id: int, number: int) -> Revision | None:
    return Revision.objects.filter(article_id=article_id, number=number).first()


def revision_history(*, article: Article) -> list[Version]:
    """Every revision of ``article`` kept, newest first, each with what it changed since the
    one before (the first: since nothing; the oldest kept after pruning: unknown)."""
    revisions = list(
        Revision.objects.filter(article=article).select_related("user").order_by("number")
    )
    names = _Names([r.content for r in revisions])
    versions, before, state = [], EMPTY_SOURCE, {}
    for index, revision in enumerate(revisions):
        first = revision.reason in (RevisionReason.CREATE, RevisionReason.IMPORT)
        changes = _changes(before, revision.content, names, state, revision.workflow)
        versions.append(Version(revision, None if index == 0 and not first else changes))
        before, state = revision.content, revision.workflow
    versions.reverse()
    return versions


def revision_compare(*, article_id: int, first: int, second: int) -> list[Change] | None:
    """What changed from revision ``first`` to revision ``second`` of one entry (None if
    either is not one of its revisions)."""
    pair = {
        r.number: r
        for r in Revision.objects.filter(article_id=article_id, number__in=[first, second])
    }
    if first not in pair or second not in pair:
        return None
    old, new = pair[first], pair[second]
    return _changes(
        old.content, new.content, _Names([old.content, new.content]), old.workflow, new.workflow
    )


def source_changes(before: dict, after: dict) -> list[Change]:
    """What differs between two sources (the live version and the working copy), in words."""
    return _changes(before, after, _Names([before, after]))


class _Names:
    """Readable names for the ids sources refer to, loaded once per page."""

    def __init__(self, sources: list[dict]):
        def names(model, ids, column="name"):
            ids = {pk for pk in ids if pk is not None}
            return dict(model.objects.filter(pk__in=ids).values_list("pk", column)) if ids else {}

        cards = [s["scorecard"] for s in sources if s["scorecard"]]
        self.vendors = names(Vendor, {s["vendor"] for s in sources})
        self.frameworks = names(RiskFramework, {c["framework"] for c in cards})
        self.categories = names(RiskCategory, {r[0] for c in cards for r in c["ratings"]})
        self.levels = names(RiskLevel, {lvl for c in cards for r in c["ratings"] for lvl in r[1:]})
        self.topics = names(Topic, {t for s in sources for t in s["topics"]})
        self.areas = names(RiskArea, {a for c in cards for a in c["risk_areas"]})

    def rating(self, pair) -> str:
        if pair is None:
            return ""
        pre, post = pair
        after = self.levels.get(post, post) if post else "—"
        return f"before mitigation: {self.levels.get(pre, pre)}; after mitigation: {after}"

    def value(self, name: str, value) -> str:
        if value is None:
            return ""
        if isinstance(value, dict):  # text per language (the image's caption)
            return "\n".join(f"{language}: {text}" for language, text in sorted(value.items()))
        if name == "vendor":
            return self.vendors.get(value, str(value))
        if name == "image":
            return f"Image {value} of the library"
        if name == "status":
            return ArticleStatus(value).label
        if name == "kind":
            return ArticleKind(value).label
        if name == "published_at":
            return str(datetime.fromisoformat(value))
        if name == "revisit_after":
            return str(date.fromisoformat(value))
        return str(value)

    def listed(self, names: dict, ids) -> str:
        return ", ".join(sorted(names.get(pk, str(pk)) for pk in ids))


def _card(source: dict) -> dict:
    card = source["scorecard"] or {"framework": None, "risk_areas": [], "ratings": []}
    return {**card, "ratings": {c: (pre, post) for c, pre, post in card["ratings"]}}


def _changes(before: dict, after: dict, names: _Names, was=None, now=None) -> list[Change]:
    """What differs from source ``before`` to ``after`` (and from workflow fields ``was`` to
    ``now``, when given), in words."""
    changes = []
    for name in ENTRY_FIELDS + (WORKFLOW_FIELDS if now is not None else ()):
        # .get: a revision written before a field existed does not have it.
        old = (was if name in WORKFLOW_FIELDS else before).get(name)
        new = (now if name in WORKFLOW_FIELDS else after).get(name)
        old, new = names.value(name, old), names.value(name, new)
        if old != new:
            changes.append((name.replace("_", " ").capitalize(), old, new))
    if sorted(before["topics"]) != sorted(after["topics"]):
        changes.append(
            (
                "Topics",
                names.listed(names.topics, before["topics"]),
                names.listed(names.topics, after["topics"]),
            )
        )
    for language in sorted(before["translations"].keys() | after["translations"].keys()):
        old = before["translations"].get(language, {})
        new = after["translations"].get(language, {})
        for name in TEXT_FIELDS:
            # Text the services only normalised (line endings, trailing blanks) is unchanged.
            if normalise(old.get(name), multiline=True) != normalise(new.get(name), multiline=True):
                changes.append(
                    (f"{name.capitalize()} ({language})", old.get(name, ""), new.get(name, ""))
                )
    for language in sorted(before["signals"].keys() | after["signals"].keys()):
        old, new = before["signals"].get(language, []), after["signals"].get(language, [])
        if old != new:
            changes.append((f"Signal ({language})", "\n".join(old), "\n".join(new)))
    old, new = _card(before), _card(after)
    if old["framework"] != new["framework"]:
        changes.append(
            (
                "Scorecard framework",
                names.frameworks.get(old["framework"], ""),
                names.frameworks.get(new["framework"], ""),
            )
        )
    if sorted(old["risk_areas"]) != sorted(new["risk_areas"]):
        changes.append(
            (
                "Risk areas",
                names.listed(names.areas, old["risk_areas"]),
                names.listed(names.areas, new["risk_areas"]),
            )
        )
    for category in sorted(old["ratings"].keys() | new["ratings"].keys()):
        pair, other = old["ratings"].get(category), new["ratings"].get(category)
        if pair != other:
            label = f"Rating {names.categories.get(category, category)}"
            changes.append((label, names.rating(pair), names.rating(other)))
    return changes + _note_changes(before["notes"], after["notes"])


def _note_changes(before: list[dict], after: list[dict]) -> list[Change]:
    """Notes added, changed (only before they go live) or removed, one line per language."""
    old = {note["id"]: note for note in before}
    new = {note["id"]: note for note in after}
    changes = []
    for pk in sorted(old.keys() | new.keys()):
        note = new.get(pk) or old[pk]
        kind = NoteKind(note["kind"]).label.lower()
        was, now = old.get(pk, {}).get("text", {}), new.get(pk, {}).get("text", {})
        label = "New" if pk not in old else "Removed" if pk not in new else "Changed"
        for language in sorted(was.keys() | now.keys()):
            if was.get(language, "") != now.get(language, ""):
                changes.append(
                    (f"{label} {kind} ({language})", was.get(language, ""), now.get(language, ""))
                )
    return changes
