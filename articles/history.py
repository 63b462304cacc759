"""An article's versions: its own fields, topics and parts (translations, signals, scorecard
with its risk areas, ratings) as they were, read from the historical records; and the
difference between two versions, or between the working copy and the live version.

A version starts with a change of the article and lasts until its next change. The services
save the article (with its topics) before its parts, so a version's parts are the parts as
they stood just before the next save of the article.
"""

from dataclasses import dataclass, field

from simple_history.models import HistoricalRecords

from articles.choices import NoteKind
from articles.models import (
    Article,
    ArticleTranslation,
    RiskArea,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
    Topic,
    Vendor,
)
from articles.services.edits import normalise

TRANSLATION_FIELDS = ["title", "summary", "audience", "body"]
ARTICLE_FIELDS = [
    "vendor",
    "slug",
    "kind",
    "source_url",
    "source_authors",
    "status",
    "published_at",
    "revisit_after",
]


@dataclass
class Snapshot:
    """The parts of an article in one version, keyed the way the database keeps them unique."""

    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    signals: dict[tuple[str, int], str] = field(default_factory=dict)
    scorecard_framework_id: int | None = None
    ratings: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    risk_areas: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)


@dataclass
class Version:
    record: object  # the HistoricalArticle row
    snapshot: Snapshot
    changes: list[tuple[str, str, str]]  # (what, before, after)

    @property
    def history_id(self) -> int:
        return self.record.history_id


def _related_ids(model, name: str, **lookup) -> dict[int, list[int]]:
    """The ids a many-to-many field held in each historical record (history id -> ids)."""
    field_ = model._meta.get_field(name)
    history = HistoricalRecords.m2m_models[field_]
    target = f"{field_.m2m_reverse_field_name()}_id"
    ids: dict[int, list[int]] = {}
    for history_id, pk in history.objects.filter(**lookup).values_list("history_id", target):
        ids.setdefault(history_id, []).append(pk)
    return {history_id: sorted(pks) for history_id, pks in ids.items()}


def _part_records(article_id: int) -> list:
    """Every historical row of every part of the article, oldest first; scorecard rows carry
    their risk areas."""
    records = []
    for model in (ArticleTranslation, SignalBullet, Scorecard, ScorecardRating):
        records.extend(model.history.filter(article_id=article_id))
    areas = _related_ids(Scorecard, "risk_areas", history__article_id=article_id)
    for record in records:
        if record.instance_type is Scorecard:
            record.area_ids = areas.get(record.history_id, [])
    return sorted(records, key=lambda r: (r.history_date, r.history_id))


def _snapshot(rows: dict, topics: list[int]) -> Snapshot:
    snapshot = Snapshot(topics=topics)
    for (model, _pk), record in rows.items():
        if model is ArticleTranslation:
            snapshot.translations[record.language] = {
                name: getattr(record, name) for name in TRANSLATION_FIELDS
            }
        elif model is SignalBullet:
            snapshot.signals[(record.language, record.position)] = record.text
        elif model is Scorecard:
            snapshot.scorecard_framework_id = record.framework_id
            snapshot.risk_areas = record.area_ids
        else:
            snapshot.ratings[record.category_id] = (
                record.pre_mitigation_id,
                record.post_mitigation_id,
            )
    return snapshot


def _snapshots(article_records: list, part_records: list, topics: dict) -> list[Snapshot]:
    """One snapshot per article record (oldest first), replaying the parts' history once."""
    rows, snapshots, position = {}, [], 0
    ends = [r.history_date for r in article_records[1:]] + [None]
    for version, end in zip(article_records, ends, strict=True):
        while position < len(part_records) and (
            end is None or part_records[position].history_date < end
        ):
            record = part_records[position]
            model = record.instance_type
            key = (model, getattr(record, model._meta.pk.attname))
            if record.history_type == "-":
                rows.pop(key, None)
            else:
                rows[key] = record
            position += 1
        snapshots.append(_snapshot(rows, topics.get(version.history_id, [])))
    return snapshots


class _Names:
    """Readable names for the ids versions refer to, loaded once per page."""

    def __init__(self, fields: list[dict], snapshots: list[Snapshot]):
        def names(model, ids, column="name"):
            return dict(model.objects.filter(pk__in=ids).values_list("pk", column))

        self.vendors = names(Vendor, {f["vendor"] for f in fields})
        self.frameworks = names(RiskFramework, {s.scorecard_framework_id for s in snapshots})
        self.categories = names(RiskCategory, {c for s in snapshots for c in s.ratings})
        self.levels = names(
            RiskLevel, {level for s in snapshots for pair in s.ratings.values() for level in pair}
        )
        self.topics = names(Topic, {t for s in snapshots for t in s.topics})
        self.areas = names(RiskArea, {a for s in snapshots for a in s.risk_areas})

    def rating(self, pair) -> str:
        if pair is None:
            return ""
        pre, post = pair
        return f"{self.levels.get(pre, pre)} → {self.levels.get(post, post) if post else '—'}"

    def value(self, name: str, value) -> str:
        if value is None:
            return ""
        if name == "vendor":
            return self.vendors.get(value, str(value))
        if name == "status":
            return Article.Status(value).label
        if name == "kind":
            return Article.Kind(value).label
        return str(value)


def _record_fields(record) -> dict:
    return {name: getattr(record, Article._meta.get_field(name).attname) for name in ARTICLE_FIELDS}


def _changes(old: dict, new: dict, before: Snapshot, after: Snapshot, names: _Names) -> list:
    """What differs from (``old`` fields, ``before`` parts) to (``new``, ``after``), as
    (what, before, after) in words."""
    changes = []
    for name in new:
        was, now = names.value(name, old.get(name)), names.value(name, new[name])
        if was != now:
            changes.append((name.replace("_", " ").capitalize(), was, now))
    if before.topics != after.topics:
        changes.append(
            (
                "Topics",
                ", ".join(sorted(names.topics.get(t, str(t)) for t in before.topics)),
                ", ".join(sorted(names.topics.get(t, str(t)) for t in after.topics)),
            )
        )
    for language in sorted(before.translations.keys() | after.translations.keys()):
        was = before.translations.get(language, {})
        now = after.translations.get(language, {})
        for name in TRANSLATION_FIELDS:
            # Text the services only normalised (line endings, trailing blanks) is unchanged.
            if normalise(was.get(name), multiline=True) != normalise(now.get(name), multiline=True):
                changes.append(
                    (f"{name.capitalize()} ({language})", was.get(name, ""), now.get(name, ""))
                )
    for language in sorted({lang for lang, _ in before.signals.keys() | after.signals.keys()}):
        was = [text for (lang, _), text in sorted(before.signals.items()) if lang == language]
        now = [text for (lang, _), text in sorted(after.signals.items()) if lang == language]
        if was != now:
            changes.append((f"Signal ({language})", "\n".join(was), "\n".join(now)))
    if before.scorecard_framework_id != after.scorecard_framework_id:
        changes.append(
            (
                "Scorecard framework",
                names.frameworks.get(before.scorecard_framework_id, ""),
                names.frameworks.get(after.scorecard_framework_id, ""),
            )
        )
    if before.risk_areas != after.risk_areas:
        changes.append(
            (
                "Risk areas",
                ", ".join(sorted(names.areas.get(a, str(a)) for a in before.risk_areas)),
                ", ".join(sorted(names.areas.get(a, str(a)) for a in after.risk_areas)),
            )
        )
    for category in sorted(before.ratings.keys() | after.ratings.keys()):
        was, now = before.ratings.get(category), after.ratings.get(category)
        if was != now:
            label = f"Rating {names.categories.get(category, category)}"
            changes.append((label, names.rating(was), names.rating(now)))
    return changes


def article_versions(article: Article) -> list[Version]:
    """Every version of ``article``, newest first, each with what changed since the one before."""
    records = list(
        article.history.select_related("history_user").order_by("history_date", "history_id")
    )
    topics = _related_ids(Article, "topics", history__id=article.pk)
    snapshots = _snapshots(records, _part_records(article.pk), topics)
    fields = [_record_fields(record) for record in records]
    names = _Names(fields, snapshots)
    versions, previous, before = [], {}, Snapshot()
    for record, now, snapshot in zip(records, fields, snapshots, strict=True):
        versions.append(Version(record, snapshot, _changes(previous, now, before, snapshot, names)))
        previous, before = now, snapshot
    versions.reverse()
    return versions


def parts_with_history(article_id: int) -> set[tuple[type, int]]:
    """(model, pk) of the article's parts that have history; rows written without it (bulk
    imports) cannot be placed in time."""
    return {
        (record.instance_type, getattr(record, record.instance_type._meta.pk.attname))
        for record in _part_records(article_id)
    }


def article_version(article: Article, history_id: int) -> Version | None:
    return next((v for v in article_versions(article) if v.history_id == history_id), None)


SOURCE_FIELDS = ["vendor", "slug", "kind", "source_url", "source_authors"]


def snapshot_from_source(source: dict) -> Snapshot:
    """A source (``articles.documents.working_copy``) as a snapshot of its parts."""
    card = source["scorecard"]
    return Snapshot(
        translations=source["translations"],
        signals={
            (language, position): text
            for language, texts in source["signals"].items()
            for position, text in enumerate(texts)
        },
        scorecard_framework_id=card["framework"] if card else None,
        ratings={c: (pre, post) for c, pre, post in (card["ratings"] if card else [])},
        risk_areas=sorted(card["risk_areas"]) if card else [],
        topics=sorted(source["topics"]),
    )


def source_changes(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """What differs between two sources (the live version and the working copy), in words."""
    old = {name: before[name] for name in SOURCE_FIELDS}
    new = {name: after[name] for name in SOURCE_FIELDS}
    snapshots = [snapshot_from_source(before), snapshot_from_source(after)]
    return _changes(old, new, *snapshots, _Names([old, new], snapshots)) + _new_notes(before, after)


def _new_notes(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """Notes waiting to go live (a live note never changes), one line per language."""
    live = {note["id"] for note in before["notes"]}
    return [
        (f"New {NoteKind(note['kind']).label.lower()} ({language})", "", text)
        for note in after["notes"]
        if note["id"] not in live
        for language, text in note["text"].items()
    ]
