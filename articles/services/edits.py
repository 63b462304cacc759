"""The engine under every edit of an entry's working copy: text normalised once, the writes
an edit needs planned before anything is written (``plan_edit``), then written with one
version in the history, the entry with its topics first, then its parts (``write_edit``).
``article_create``/``article_update`` (``articles.services.content``) and restore and discard
(``articles.services.versions``) use it."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTranslation,
    RiskCategory,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
)
from articles.rendering import render_markdown

TEXT_FIELDS = ("title", "summary", "audience", "body")


MULTILINE = {"summary", "body"}


# The entry's own fields an editor changes; the workflow state changes through the workflow.
FIELDS = (
    "vendor",
    "slug",
    "kind",
    "source_url",
    "source_authors",
    "published_at",
    "revisit_after",
)


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
    if name == "vendor":
        return getattr(value, "pk", value)
    if name in ("slug", "source_url", "source_authors"):
        return normalise(value)
    return value


def article_touch(*, article: Article, user, reason: str = "") -> None:
    """Record a change of ``article`` (already changed in memory): a new version in the history
    by ``user``, a raised version number and update time."""
    article.version += 1
    article.updated_at = timezone.now()
    _save_as(article, user, reason)


def _save_as(instance, user, reason: str = ""):
    instance._history_user = user
    instance._change_reason = reason or None
    instance.save()


def _delete_as(instance, user, reason: str, tracked: set | None):
    if tracked is not None and (type(instance), instance.pk) not in tracked:
        return  # written without history (a bulk import): keep it, its past is unknown
    instance._history_user = user
    instance._change_reason = reason or None
    instance.delete()


def _set_related(instance, name: str, ids: list[int]) -> None:
    """Set a many-to-many field without a history record of its own: the next save of
    ``instance`` records it with its other fields."""
    instance.skip_history_when_saving = True
    try:
        getattr(instance, name).set(ids)
    finally:
        del instance.skip_history_when_saving


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


def write_edit(article: Article, plan: Plan, *, user, reason: str, tracked: set | None = None):
    """Write ``plan``: the entry with its topics first (one version), then its parts."""
    if plan.topics is not None:
        _set_related(article, "topics", plan.topics)
    for name, value in plan.fields.items():
        setattr(article, Article._meta.get_field(name).attname, value)
    article_touch(article=article, user=user, reason=reason)

    present = {t.language: t for t in article.translations.all()}
    for language, texts in plan.translations.items():
        if texts is None:
            _delete_as(present[language], user, reason, tracked)
            continue
        translation = present.get(language) or ArticleTranslation(
            article=article, language=language
        )
        for name, value in texts.items():
            setattr(translation, name, value)
        translation.body_html = render_markdown(translation.body)
        _save_as(translation, user, reason)

    for language, texts in plan.signals.items():
        _write_signals(article, language, texts, user=user, reason=reason, tracked=tracked)

    scorecard = Scorecard.objects.filter(article=article).first()
    if plan.scorecard is None or plan.ratings is not None:
        wanted = {} if plan.scorecard is None else plan.ratings
        for rating in article.scorecard_ratings.all():
            if rating.category_id not in wanted:
                _delete_as(rating, user, reason, tracked)
    if plan.scorecard is None:
        _delete_as(scorecard, user, reason, tracked)
    elif plan.scorecard is not KEEP:
        scorecard = scorecard or Scorecard(article=article)
        scorecard.framework_id = plan.scorecard["framework"]
        if scorecard._state.adding:
            scorecard.skip_history_when_saving = True
            scorecard.save()
            del scorecard.skip_history_when_saving
        _set_related(scorecard, "risk_areas", plan.scorecard["risk_areas"])
        _save_as(scorecard, user, reason)
    if plan.ratings:
        current = {r.category_id: r for r in article.scorecard_ratings.all()}
        for category, (pre, post) in plan.ratings.items():
            rating = current.get(category) or ScorecardRating(article=article, category_id=category)
            if (rating.pre_mitigation_id, rating.post_mitigation_id) != (pre, post):
                rating.pre_mitigation_id, rating.post_mitigation_id = pre, post
                _save_as(rating, user, reason)


def _write_signals(article, language, texts, *, user, reason, tracked):
    """Make the language's bullets ``texts`` in order, reusing rows in place (positions only
    move down, so the unique position never collides)."""
    rows = list(article.signal_bullets.filter(language=language).order_by("position"))
    kept, extra = rows[: len(texts)], rows[len(texts) :]
    for row in extra:
        _delete_as(row, user, reason, tracked)
    taken = {row.position for row in extra if row.pk is not None}  # kept without history
    for position, text in enumerate(texts):
        if position < len(kept):
            row = kept[position]
            if (row.position, row.text) == (position, text):
                continue
            row.position, row.text = position, text
        else:
            free = position
            while free in taken:
                free += 1
            taken.add(free)
            row = SignalBullet(article=article, language=language, position=free, text=text)
        _save_as(row, user, reason)
