"""Writes to the working copy of entries: creating and editing an entry with its parts.

Every write of an entry's content goes through ``article_create`` or ``article_update`` (the
admin and the loaders), or through ``plan_edit``/``write_edit`` for restore and discard
(``articles.services.versions``). They normalise text once, refuse what the user's
role does not allow, and write nothing at all when nothing changes; a change raises the
entry's version, records one version in the history (the entry with its topics first, then
its parts) and renders the Markdown.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTranslation,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
)
from articles.permissions import allowed, may_edit_content, may_translate
from articles.rendering import render_markdown
from articles.workflow import UNPUBLISHED_STATES

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


class StaleEdit(ValidationError):
    """Someone saved the entry after the editor opened it."""


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


def _field_value(name: str, value):
    if name == "vendor":
        return getattr(value, "pk", value)
    if name in ("slug", "source_url", "source_authors"):
        return normalise(value)
    return value


@dataclass
class Edit:
    """What an update changed, in words (empty: nothing was written)."""

    article: Article
    changes: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.changes)


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def article_lock_for_edit(*, article_id: int, expected_version: int | None) -> Article:
    """Lock the entry's row for the rest of the transaction; refuse a form opened before the
    latest change (optimistic concurrency: the later save of a stale form loses, visibly)."""
    current = Article.objects.select_for_update().get(pk=article_id)
    if current.version != expected_version:
        latest = current.history.select_related("history_user").first()
        who = latest.history_user if latest and latest.history_user else "someone else"
        when = latest.history_date.strftime("%H:%M:%S UTC") if latest else "just now"
        raise StaleEdit(
            f"This entry was changed by {who} at {when}, after you opened it (it is now at "
            f"version {current.version}). Your changes were not saved: reload the page to see "
            "theirs, then make your edits again."
        )
    return current


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


def _check_rights(user, article: Article, *, content: bool, texts: bool, publication: bool):
    if content and not may_edit_content(user, article):
        raise PermissionDenied("You may not change this entry.")
    if texts and not (may_edit_content(user, article) or may_translate(user)):
        raise PermissionDenied("You may not change this entry's translations.")
    if publication:
        if not allowed(user, "articles.publish_article"):
            raise PermissionDenied("Only a publisher sets the publication time.")
        if article.status not in UNPUBLISHED_STATES:
            raise ValidationError(
                "The publication time of a published entry does not change by editing: "
                "unpublish it and publish it again, so the change is in the publish log."
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
        name: _field_value(name, getattr(article, Article._meta.get_field(name).attname))
        for name in FIELDS
    }
    fields = {
        name: _field_value(name, value)
        for name, value in (fields or {}).items()
        if _field_value(name, value) != current_fields[name]
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


@transaction.atomic
def article_update(
    *,
    article: Article,
    user,
    fields: dict | None = None,
    topics=None,
    translations: dict | None = None,
    signals: dict | None = None,
    scorecard=KEEP,
    reason: str = "",
) -> Edit:
    """Change the working copy of ``article``: only what is given is considered.

    ``fields``: the entry's own fields (``FIELDS``); ``topics``: all its topics;
    ``translations``: language -> texts (any of title, summary, audience, body) or None to
    remove;
    ``signals``: language -> the bullets in order (an empty list removes them);
    ``scorecard``: see ``_plan_scorecard``. Writers and publishers change everything, a
    translator the translations; the publication time changes only before publishing.
    Editing a live entry changes its working copy only; publishing the changes is a workflow
    step of its own.
    """
    article = _locked(article)
    plan = plan_edit(
        article,
        fields=fields,
        topics=topics,
        translations=translations,
        signals=signals,
        scorecard=scorecard,
    )
    edit = Edit(article, plan.changes())
    if not edit:
        return edit
    content = bool(
        set(plan.fields) - {"published_at"}
        or plan.topics is not None
        or plan.signals
        or plan.scorecard is not KEEP
        or plan.ratings
    )
    _check_rights(
        user,
        article,
        content=content,
        texts=bool(plan.translations),
        publication="published_at" in plan.fields,
    )
    write_edit(article, plan, user=user, reason=reason)
    return edit


@transaction.atomic
def article_create(
    *,
    user,
    vendor,
    slug: str,
    kind: str,
    source_url: str = "",
    source_authors: str = "",
    published_at: datetime | None = None,
    revisit_after: date | None = None,
    topics=(),
    translations: dict | None = None,
    signals: dict | None = None,
    scorecard=KEEP,
) -> Article:
    """A new draft entry with its parts (arguments as for ``article_update``)."""
    if not allowed(user, "articles.add_article"):
        raise PermissionDenied("You may not add entries.")
    if published_at is not None and not allowed(user, "articles.publish_article"):
        raise PermissionDenied("Only a publisher sets the publication time.")
    article = Article(
        vendor_id=_field_value("vendor", vendor),
        slug=normalise(slug),
        kind=kind,
        source_url=normalise(source_url),
        source_authors=normalise(source_authors),
        published_at=published_at,
        revisit_after=revisit_after,
        version=0,
    )
    article.skip_history_when_saving = True
    article.save()
    del article.skip_history_when_saving
    plan = plan_edit(
        article,
        fields={},
        topics=topics,
        translations=translations,
        signals=signals,
        scorecard=scorecard,
    )
    plan.topics = plan.topics or []
    write_edit(article, plan, user=user, reason="")
    return article


def article_mark_revisited(*, article: Article, user, next_revisit: date | None = None) -> Article:
    """The desk followed up on the entry: clear its revisit date, or move it to ``next_revisit``."""
    edit = article_update(article=article, user=user, fields={"revisit_after": next_revisit})
    return edit.article


def scorecard_create(
    *, article: Article, framework: RiskFramework, ratings: dict, risk_areas=(), user=None
) -> Scorecard:
    """The article's scorecard; ``ratings`` maps a category name to (pre-mitigation,
    post-mitigation or None) level names of ``framework``."""
    levels = {level.name: level.pk for level in framework.levels.all()}
    categories = {category.name: category.pk for category in framework.categories.all()}
    article_update(
        article=article,
        user=user,
        scorecard={
            "framework": framework,
            "risk_areas": risk_areas,
            "ratings": {
                categories[category]: (levels[pre], levels[post] if post else None)
                for category, (pre, post) in ratings.items()
            },
        },
    )
    return Scorecard.objects.get(article=article)
