"""Every entry's versions as revisions, from the per-model history the previous release kept.

This is a frozen copy of that release's history replay (``articles/history.py`` at 8e84e84):
a version starts with a historical record of the entry and lasts until the next one; its parts
(translations, signals, scorecard with its risk areas, ratings, notes) are the parts' latest
historical rows before the next record of the entry. Each version becomes a revision holding
the entry's source exactly as ``articles.documents.working_copy`` writes it, numbered with the
version the record carries. An entry without history (a bulk load) gets one revision of its
current content, reason ``import``. Entries that have revisions already are left alone.
"""

from datetime import UTC

from django.db import migrations

TEXT_FIELDS = ("title", "summary", "audience", "body")
ENTRY_FIELDS = ("vendor", "slug", "kind", "source_url", "source_authors")
NOTE_MESSAGES = ("Added a note", "Changed a note", "Removed a note")


def _iso(moment) -> str | None:
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _related(model, target: str, history_ids) -> dict[int, list[int]]:
    ids: dict[int, list[int]] = {}
    rows = model.objects.filter(history_id__in=history_ids).values_list("history_id", target)
    for history_id, pk in rows:
        ids.setdefault(history_id, []).append(pk)
    return {history_id: sorted(pks) for history_id, pks in ids.items()}


def _source(record, rows: dict, topics: list[int], areas: dict) -> dict:
    translations, signals, notes, card, ratings = {}, {}, [], None, []
    for (kind, _pk), row in sorted(rows.items(), key=lambda item: (item[0][0], item[0][1])):
        if kind == "translation":
            translations[row.language] = {name: getattr(row, name) for name in TEXT_FIELDS}
        elif kind == "signal":
            signals.setdefault(row.language, []).append((row.position, row.text))
        elif kind == "scorecard":
            card = {"framework": row.framework_id, "risk_areas": areas.get(row.history_id, [])}
        elif kind == "rating":
            ratings.append([row.category_id, row.pre_mitigation_id, row.post_mitigation_id])
        else:
            notes.append(row)
    notes.sort(key=lambda n: (n.published_at is None, n.published_at or n.created_at, n.id))
    return {
        "vendor": record.vendor_id,
        "slug": record.slug,
        "kind": record.kind,
        "source_url": record.source_url,
        "source_authors": record.source_authors,
        "topics": topics,
        "translations": dict(sorted(translations.items())),
        "signals": {
            language: [text for _position, text in sorted(texts)]
            for language, texts in sorted(signals.items())
        },
        "notes": [
            {
                "id": note.id,
                "kind": note.kind,
                "text": dict(sorted(note.text.items())),
                "amends": note.amends_id,
                "published_at": _iso(note.published_at),
            }
            for note in notes
        ],
        "scorecard": None if card is None else {**card, "ratings": sorted(ratings)},
    }


def _workflow(record) -> dict:
    return {
        "status": record.status,
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "revisit_after": record.revisit_after.isoformat() if record.revisit_after else None,
    }


def _reason(index: int, message: str, status: str, previous: str | None) -> str:
    if index == 0:
        return "create"
    if message.startswith("Restored"):
        return "restore"
    if message.startswith("Discarded"):
        return "discard"
    if message.startswith(NOTE_MESSAGES):
        return "note"
    if status != previous:
        return "publish" if status == "published" else "workflow"
    return "edit"


def _numbers(records, version: int) -> list[int]:
    """The versions the records carry; counted back from the entry's version if they do not
    rise (records written before the version existed)."""
    numbers = [record.version for record in records]
    if all(a < b for a, b in zip(numbers, numbers[1:], strict=False)) and numbers[-1] <= version:
        return numbers
    return list(range(version - len(records) + 1, version + 1))


def _part_records(apps, article_id: int) -> list:
    parts = [
        ("translation", "HistoricalArticleTranslation", "id"),
        ("signal", "HistoricalSignalBullet", "id"),
        ("scorecard", "HistoricalScorecard", "article_id"),
        ("rating", "HistoricalScorecardRating", "id"),
        ("note", "HistoricalNote", "id"),
    ]
    records = []
    for kind, name, key in parts:
        for record in apps.get_model("articles", name).objects.filter(article_id=article_id):
            record.part = (kind, getattr(record, key))
            records.append(record)
    return sorted(records, key=lambda r: (r.history_date, r.history_id))


def _current(apps, article) -> dict:
    """An entry without history: its content now (the live code's ``working_copy``)."""
    signals: dict[str, list[str]] = {}
    for bullet in article.signal_bullets.order_by("language", "position"):
        signals.setdefault(bullet.language, []).append(bullet.text)
    Scorecard = apps.get_model("articles", "Scorecard")
    card = Scorecard.objects.filter(article_id=article.pk).first()
    notes = sorted(
        article.notes.all(),
        key=lambda n: (n.published_at is None, n.published_at or n.created_at, n.pk),
    )
    return {
        **{name: getattr(article, f"{name}_id" if name == "vendor" else name) for name in ENTRY_FIELDS},
        "topics": sorted(article.topics.values_list("pk", flat=True)),
        "translations": {
            t.language: {name: getattr(t, name) for name in TEXT_FIELDS}
            for t in article.translations.order_by("language")
        },
        "signals": signals,
        "notes": [
            {
                "id": note.pk,
                "kind": note.kind,
                "text": dict(sorted(note.text.items())),
                "amends": note.amends_id,
                "published_at": _iso(note.published_at),
            }
            for note in notes
        ],
        "scorecard": None
        if card is None
        else {
            "framework": card.framework_id,
            "risk_areas": sorted(card.risk_areas.values_list("pk", flat=True)),
            "ratings": sorted(
                [r.category_id, r.pre_mitigation_id, r.post_mitigation_id]
                for r in apps.get_model("articles", "ScorecardRating").objects.filter(
                    article_id=article.pk
                )
            ),
        },
    }


def revisions_from_history(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    topics_history = apps.get_model("articles", "HistoricalArticle_topics")
    areas_history = apps.get_model("articles", "HistoricalScorecard_risk_areas")
    done = set(Revision.objects.values_list("article_id", flat=True))
    for article in Article.objects.exclude(pk__in=done).order_by("pk").iterator():
        records = list(HistoricalArticle.objects.filter(id=article.pk).order_by(
            "history_date", "history_id"
        ))
        if not records:
            Revision.objects.create(
                article_id=article.pk,
                number=article.version,
                content=_current(apps, article),
                workflow=_workflow(article),
                created_at=article.updated_at,
                reason="import",
            )
            continue
        topics = _related(topics_history, "topic_id", [r.history_id for r in records])
        parts = _part_records(apps, article.pk)
        areas = _related(
            areas_history, "riskarea_id", [p.history_id for p in parts if p.part[0] == "scorecard"]
        )
        rows, position, previous, revisions = {}, 0, None, []
        ends = [r.history_date for r in records[1:]] + [None]
        numbers = _numbers(records, article.version)
        for index, (record, end, number) in enumerate(zip(records, ends, numbers, strict=True)):
            while position < len(parts) and (end is None or parts[position].history_date < end):
                part = parts[position]
                if part.history_type == "-":
                    rows.pop(part.part, None)
                else:
                    rows[part.part] = part
                position += 1
            message = record.history_change_reason or ""
            revisions.append(
                Revision(
                    article_id=article.pk,
                    number=number,
                    content=_source(record, rows, topics.get(record.history_id, []), areas),
                    workflow=_workflow(record),
                    created_at=record.history_date,
                    user_id=record.history_user_id,
                    reason=_reason(index, message, record.status, previous),
                    message=message,
                )
            )
            previous = record.status
        Revision.objects.bulk_create(revisions)


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_revisions")]

    operations = [migrations.RunPython(revisions_from_history, migrations.RunPython.noop)]
