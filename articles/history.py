"""An article's versions: its own fields and its parts (translations, signals, scorecard,
ratings) as they were, read from the historical records.

A version starts with a save of the article and lasts until its next save. The admin and the
services save the article before its parts, so a version's parts are the parts as they stood
just before the next save of the article.
"""

from dataclasses import dataclass, field

from articles.models import (
    Article,
    ArticleTranslation,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
    Vendor,
)

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


@dataclass
class Version:
    record: object  # the HistoricalArticle row
    snapshot: Snapshot
    changes: list[tuple[str, str, str]]  # (what, before, after)

    @property
    def history_id(self) -> int:
        return self.record.history_id


def _part_records(article_id: int) -> list:
    """Every historical row of every part of the article, oldest first."""
    records = []
    for model in (ArticleTranslation, SignalBullet, Scorecard, ScorecardRating):
        records.extend(model.history.filter(article_id=article_id))
    return sorted(records, key=lambda r: (r.history_date, r.history_id))


def _snapshot(rows: dict) -> Snapshot:
    snapshot = Snapshot()
    for (model, _pk), record in rows.items():
        if model is ArticleTranslation:
            snapshot.translations[record.language] = {
                name: getattr(record, name) for name in TRANSLATION_FIELDS
            }
        elif model is SignalBullet:
            snapshot.signals[(record.language, record.position)] = record.text
        elif model is Scorecard:
            snapshot.scorecard_framework_id = record.framework_id
        else:
            snapshot.ratings[record.category_id] = (
                record.pre_mitigation_id,
                record.post_mitigation_id,
            )
    return snapshot


def _snapshots(article_records: list, part_records: list) -> list[Snapshot]:
    """One snapshot per article record (oldest first), replaying the parts' history once."""
    rows, snapshots, position = {}, [], 0
    ends = [r.history_date for r in article_records[1:]] + [None]
    for end in ends:
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
        snapshots.append(_snapshot(rows))
    return snapshots


class _Names:
    """Readable names for the ids a version refers to, loaded once per page."""

    def __init__(self, records: list, snapshots: list[Snapshot]):
        self.vendors = dict(
            Vendor.objects.filter(pk__in={r.vendor_id for r in records}).values_list("pk", "name")
        )
        self.frameworks = dict(
            RiskFramework.objects.filter(
                pk__in={s.scorecard_framework_id for s in snapshots}
            ).values_list("pk", "name")
        )
        self.categories = dict(
            RiskCategory.objects.filter(
                pk__in={c for s in snapshots for c in s.ratings}
            ).values_list("pk", "name")
        )
        self.levels = dict(
            RiskLevel.objects.filter(
                pk__in={level for s in snapshots for pair in s.ratings.values() for level in pair}
            ).values_list("pk", "name")
        )

    def rating(self, pair) -> str:
        if pair is None:
            return ""
        pre, post = pair
        return f"{self.levels.get(pre, pre)} → {self.levels.get(post, post) if post else '—'}"


def _article_value(record, name: str, names: _Names) -> str:
    if name == "vendor":
        return names.vendors.get(record.vendor_id, str(record.vendor_id))
    if name == "status":
        return Article.Status(record.status).label
    value = getattr(record, name)
    return "" if value is None else str(value)


def _changes(old, new, before: Snapshot, after: Snapshot, names: _Names) -> list:
    changes = []
    for name in ARTICLE_FIELDS:
        was = _article_value(old, name, names) if old else ""
        now = _article_value(new, name, names)
        if was != now:
            changes.append((name.replace("_", " ").capitalize(), was, now))
    for language in sorted(before.translations.keys() | after.translations.keys()):
        was = before.translations.get(language, {})
        now = after.translations.get(language, {})
        for name in TRANSLATION_FIELDS:
            if was.get(name, "") != now.get(name, ""):
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
    snapshots = _snapshots(records, _part_records(article.pk))
    names = _Names(records, snapshots)
    versions, previous, before = [], None, Snapshot()
    for record, snapshot in zip(records, snapshots, strict=True):
        versions.append(
            Version(record, snapshot, _changes(previous, record, before, snapshot, names))
        )
        previous, before = record, snapshot
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
