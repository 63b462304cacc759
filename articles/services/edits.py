"""The engine under every edit of an entry's working copy: text normalised once, the writes
an edit needs planned before anything is written (``plan_edit``), then written, the entry with
its topics first, then its parts, and recorded as one revision (``write_edit``).
``article_create``/``article_update`` (``articles.services.content``) and restore and discard
(``articles.services.versions``) use it."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.documents import ENTRY_FIELDS, TEXT_FIELDS, working_copy
from articles.models import (
    Article,
    ArticleTranslation,
    Revision,
    RevisionReason,
    RiskCategory,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
)
from articles.models.revisions import workflow_state
from articles.rendering import render_markdown

MULTILINE = {"summary", "body"}


# The fields an editor changes on the entry's page: its own (``ENTRY_FIELDS``) and the two
# workflow dates an editor may set; the status changes through the workflow.
FIELDS = (*ENTRY_FIELDS, "published_at", "revisit_after")


KEEP = object()  # "leave the scorecard as it is"


def normalise(text: str | None, *, multiline: bool = False) -> str:
    """Text as stored: line endings ``\\n`` (browsers send ``\\r\\n``), no trailing whitespace
    at the end, none on blank lines; a single-line text has no surrounding whitespace."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        return " ".join(text.split("\n")).strip()
    return "\n".join(line if line.strip() else "" for line in text.split("\n")).rstrip()


def _texts(texts: dict) -> dict[str, str]:
    return {name: normalise(texts.get(name), multiline=name in MULTILINE) for name in TEXT_FIELDS}


def _as_dict(translation) -> dict[str, str]:
    return {name: getattr(translation, name) for name in TEXT_FIELDS}


def field_value(name: str, value):
    """A field's value as stored: an id for what it refers to, text normalised."""
    if name in ("vendor", "image"):
        return getattr(value, "pk", value)
    if name == "image_caption":
        # language -> caption; an empty caption is no caption.
        return {k: normalise(v) for k, v in sorted((value or {}).items()) if normalise(v)}
    if isinstance(value, str):
        return normalise(value)
    return value


def article_touch(*, article: Article, user, reason: str, message: str = "") -> Revision:
    """Record a change of ``article`` (already changed in memory, its parts already written):
    a raised version number and update time, and the revision of that version."""
    _raise_version(article)
    return revision_write(article=article, user=user, reason=reason, message=message)


def _raise_version(article: Article) -> None:
    article.version += 1
    article.updated_at = timezone.now()
    article.save()


def revision_write(*, article: Article, user, reason: str, message: str = "") -> Revision:
    """The revision of the entry's current version: its whole source as the working copy
    gives it, and its workflow fields. Call it once per change, after every part is written."""
    source = working_copy(Article.objects.with_page_data().get(pk=article.pk))
    return Revision.objects.create(
        article=article,
        number=article.version,
        content=source,
        workflow=workflow_state(article),
        user=user if getattr(user, "pk", None) else None,
        reason=reason,
        message=message,
    )


def revisions_import(articles) -> int:
    """One revision per entry of a bulk load (reason ``import``): each entry's whole source
    as loaded, in a few queries for the batch. Returns how many were written."""
    loaded = Article.objects.with_page_data().filter(pk__in=[a.pk for a in articles])
    return len(
        Revision.objects.bulk_create(
            Revision(
                article=article,
                number=article.version,
                content=working_copy(article),
                workflow=workflow_state(article),
                reason=RevisionReason.IMPORT,
            )
            for article in loaded
        )
    )


@dataclass
class Plan:
    """The writes an update needs, worked out before anything is written."""

    fields: dict
    topics: list[int] | None
    translations: dict
    signals: dict
    scorecard: object
    ratings: dict | None

    def changes(self) -> list[str]:
        changes = [Article._meta.get_field(name).verbose_name for name in self.fields]
        if self.topics is not None:
            changes.append("topics")
        changes += [f"translation ({language})" for language in self.translations]
        changes += [f"signal ({language})" for language in self.signals]
        if self.scorecard is not KEEP:
            changes.append("scorecard")
        if self.ratings:
            changes.append("scorecard ratings")
        return changes


def plan_edit(article, *, fields, topics, translations, signals, scorecard) -> Plan:
    """The writes that would make ``article`` as wanted (nothing is written here)."""
    current_fields = {
        name: field_value(name, getattr(article, Article._meta.get_field(name).attname))
        for name in FIELDS
    }
    fields = {
        name: field_value(name, value)
        for name, value in (fields or {}).items()
        if field_value(name, value) != current_fields[name]
    }
    if topics is not None:
        topics = sorted({getattr(t, "pk", t) for t in topics})
        if topics == sorted(article.topics.values_list("pk", flat=True)):
            topics = None
    present = {t.language: t for t in article.translations.all()}
    wanted = {}
    for language, texts in (translations or {}).items():
        current = present.get(language)
        if texts is not None:
            texts = _texts({**(_as_dict(current) if current else {}), **texts})
        if texts is None and current is None:
            continue
        if current is None or texts is None or _texts(_as_dict(current)) != texts:
            wanted[language] = texts
    bullets: dict[str, list[str]] = {}
    for bullet in article.signal_bullets.all():
        bullets.setdefault(bullet.language, []).append(normalise(bullet.text))
    wanted_signals = {}
    for language, texts in (signals or {}).items():
        texts = [normalise(text) for text in texts if normalise(text)]
        if texts != bullets.get(language, []):
            wanted_signals[language] = texts
    card, ratings = _plan_scorecard(article, scorecard)
    return Plan(fields, topics, wanted, wanted_signals, card, ratings)


def _plan_scorecard(article, scorecard):
    """(scorecard change or KEEP, ratings to write or None) for the wanted ``scorecard``: None
    removes it; a dict gives ``framework``, ``risk_areas`` and ``ratings`` (category ->
    (pre-mitigation, post-mitigation or None), ids or objects)."""
    if scorecard is KEEP:
        return KEEP, None
    current = Scorecard.objects.filter(article=article).first()
    if scorecard is None:
        return (KEEP, None) if current is None else (None, None)
    framework = getattr(scorecard["framework"], "pk", scorecard["framework"])
    areas = sorted({getattr(a, "pk", a) for a in scorecard.get("risk_areas", ())})
    ratings = {
        getattr(category, "pk", category): (
            getattr(pre, "pk", pre),
            getattr(post, "pk", post) if post is not None else None,
        )
        for category, (pre, post) in scorecard.get("ratings", {}).items()
    }
    _check_framework(framework, ratings)
    change = {"framework": framework, "risk_areas": areas}
    if (
        current is not None
        and current.framework_id == framework
        and sorted(current.risk_areas.values_list("pk", flat=True)) == areas
    ):
        change = KEEP
    existing = {
        r.category_id: (r.pre_mitigation_id, r.post_mitigation_id)
        for r in article.scorecard_ratings.all()
    }
    return change, (ratings if ratings != existing else None)


def _check_framework(framework: int, ratings: dict) -> None:
    categories = set(RiskCategory.objects.filter(framework=framework).values_list("pk", flat=True))
    levels = set(RiskLevel.objects.filter(framework=framework).values_list("pk", flat=True))
    for category, (pre, post) in ratings.items():
        if category not in categories or pre not in levels or (post and post not in levels):
            raise ValidationError("Each rating must use the scorecard framework's own scale.")


def write_edit(
    article: Article, plan: Plan, *, user, reason: str = RevisionReason.EDIT, message: str = ""
) -> None:
    """Write ``plan``: the entry with its topics first, then its parts, then its revision."""
    if plan.topics is not None:
        article.topics.set(plan.topics)
    for name, value in plan.fields.items():
        setattr(article, Article._meta.get_field(name).attname, value)
    _raise_version(article)

    present = {t.language: t for t in article.translations.all()}
    for language, texts in plan.translations.items():
        if texts is None:
            present[language].delete()
            continue
        translation = present.get(language) or ArticleTranslation(
            article=article, language=language
        )
        for name, value in texts.items():
            setattr(translation, name, value)
        translation.body_html = render_markdown(translation.body)
        translation.save()

    for language, texts in plan.signals.items():
        _write_signals(article, language, texts)

    scorecard = Scorecard.objects.filter(article=article).first()
    if plan.scorecard is None or plan.ratings is not None:
        wanted = {} if plan.scorecard is None else plan.ratings
        for rating in article.scorecard_ratings.all():
            if rating.category_id not in wanted:
                rating.delete()
    if plan.scorecard is None:
        scorecard.delete()
    elif plan.scorecard is not KEEP:
        scorecard = scorecard or Scorecard(article=article)
        scorecard.framework_id = plan.scorecard["framework"]
        scorecard.save()
        scorecard.risk_areas.set(plan.scorecard["risk_areas"])
    if plan.ratings:
        current = {r.category_id: r for r in article.scorecard_ratings.all()}
        for category, (pre, post) in plan.ratings.items():
            rating = current.get(category) or ScorecardRating(article=article, category_id=category)
            if (rating.pre_mitigation_id, rating.post_mitigation_id) != (pre, post):
                rating.pre_mitigation_id, rating.post_mitigation_id = pre, post
                rating.save()
    revision_write(article=article, user=user, reason=reason, message=message)


def _write_signals(article, language, texts):
    """Make the language's bullets ``texts`` in order, reusing rows in place (positions only
    move down, so the unique position never collides)."""
    rows = list(article.signal_bullets.filter(language=language).order_by("position"))
    kept, extra = rows[: len(texts)], rows[len(texts) :]
    for row in extra:
        row.delete()
    for position, text in enumerate(texts):
        if position < len(kept):
            row = kept[position]
            if (row.position, row.text) == (position, text):
                continue
            row.position, row.text = position, text
        else:
            row = SignalBullet(article=article, language=language, position=position, text=text)
        row.save()
