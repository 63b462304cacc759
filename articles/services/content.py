"""Writes to the working copy of entries, and to the frameworks they are rated under."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

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
from articles.permissions import may_edit_content


class StaleEdit(ValidationError):
    """Someone saved the entry after the editor opened it."""


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def article_lock_for_edit(*, article_id: int, expected_version: int | None) -> Article:
    """Lock the entry's row for the rest of the transaction; refuse a form opened before the
    latest save (optimistic concurrency: the later save of a stale form loses, visibly)."""
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


def article_mark_revisited(*, article: Article, user, next_revisit: date | None = None) -> Article:
    """The desk followed up on the entry: clear its revisit date, or move it to ``next_revisit``."""
    if not may_edit_content(user, article):
        raise PermissionDenied("You may not change this entry.")
    with transaction.atomic():
        article = _locked(article)
        article.revisit_after = next_revisit
        article._history_user = user
        article.save()
    return article


RESTORED_FIELDS = ["vendor_id", "slug", "kind", "source_url", "source_authors", "revisit_after"]


def _save_as(instance, user, reason: str):
    instance._history_user = user
    instance._change_reason = reason
    instance.save()


def _delete_as(instance, user, reason: str, *, tracked: set | None):
    if tracked is not None and (type(instance), instance.pk) not in tracked:
        return  # written without history (a bulk import): keep it, its past is unknown
    instance._history_user = user
    instance._change_reason = reason
    instance.delete()


def _apply_content(article: Article, snapshot, *, fields: dict, user, reason: str, tracked):
    """Make the working copy's fields and parts equal to ``fields`` and ``snapshot``; parts
    not in the snapshot are deleted unless ``tracked`` is given and does not hold them."""
    for name, value in fields.items():
        setattr(article, name, value)
    _save_as(article, user, reason)

    current = {t.language: t for t in article.translations.all()}
    for language, translation in current.items():
        if language not in snapshot.translations:
            _delete_as(translation, user, reason, tracked=tracked)
    for language, texts in snapshot.translations.items():
        translation = current.get(language) or ArticleTranslation(
            article=article, language=language
        )
        if translation.pk is None or any(
            getattr(translation, name) != value for name, value in texts.items()
        ):
            for name, value in texts.items():
                setattr(translation, name, value)
            _save_as(translation, user, reason)

    current = {(s.language, s.position): s for s in article.signal_bullets.all()}
    for key, bullet in current.items():
        if key not in snapshot.signals:
            _delete_as(bullet, user, reason, tracked=tracked)
    for (language, position), text in snapshot.signals.items():
        bullet = current.get((language, position)) or SignalBullet(
            article=article, language=language, position=position
        )
        if bullet.pk is None or bullet.text != text:
            bullet.text = text
            _save_as(bullet, user, reason)

    current = {r.category_id: r for r in article.scorecard_ratings.all()}
    for category_id, rating in current.items():
        if category_id not in snapshot.ratings:
            _delete_as(rating, user, reason, tracked=tracked)
    scorecard = Scorecard.objects.filter(article=article).first()
    if snapshot.scorecard_framework_id is None:
        if scorecard is not None:
            _delete_as(scorecard, user, reason, tracked=tracked)
    elif scorecard is None or scorecard.framework_id != snapshot.scorecard_framework_id:
        scorecard = scorecard or Scorecard(article=article)
        scorecard.framework_id = snapshot.scorecard_framework_id
        _save_as(scorecard, user, reason)
    for category_id, (pre, post) in snapshot.ratings.items():
        rating = current.get(category_id) or ScorecardRating(
            article=article, category_id=category_id
        )
        if (rating.pre_mitigation_id, rating.post_mitigation_id) != (pre, post):
            rating.pre_mitigation_id, rating.post_mitigation_id = pre, post
            _save_as(rating, user, reason)
    return scorecard


@transaction.atomic
def article_restore(*, article: Article, history_id: int, user) -> Article:
    """Bring back the content of an earlier version into the working copy: the article's
    fields, translations, signals, scorecard and ratings as they were. The restore is itself a
    new version; like any edit of a live entry it is public only once its changes are
    published.

    The workflow state (status, publication time) is left alone: restoring never publishes or
    unpublishes anything; use the workflow steps for that.
    """
    from articles.history import article_version, parts_with_history

    if not may_edit_content(user, article):
        raise PermissionDenied("You may not change this entry.")
    version = article_version(article, history_id)
    if version is None:
        raise ValidationError("That version does not belong to this entry.")
    record, snapshot = version.record, version.snapshot
    reason = f"Restored the version of {record.history_date:%Y-%m-%d %H:%M:%S} UTC"
    if Article.objects.filter(slug=record.slug).exclude(pk=article.pk).exists():
        raise ValidationError(f"Another entry now uses the slug {record.slug!r}.")
    article = _locked(article)
    _apply_content(
        article,
        snapshot,
        fields={name: getattr(record, name) for name in RESTORED_FIELDS},
        user=user,
        reason=reason,
        tracked=parts_with_history(article.pk),
    )
    return article


@transaction.atomic
def article_apply_source(*, article: Article, source: dict, user, reason: str) -> Article:
    """Make the working copy equal to a published source (see ``articles.documents``)."""
    from articles.history import Snapshot

    article = _locked(article)
    card = source["scorecard"]
    snapshot = Snapshot(
        translations=source["translations"],
        signals={
            (language, position): text
            for language, texts in source["signals"].items()
            for position, text in enumerate(texts)
        },
        scorecard_framework_id=card["framework"] if card else None,
        ratings={c: (pre, post) for c, pre, post in (card["ratings"] if card else [])},
    )
    fields = {
        "slug": source["slug"],
        "vendor_id": source["vendor"],
        "kind": source["kind"],
        "source_url": source["source_url"],
        "source_authors": source["source_authors"],
    }
    scorecard = _apply_content(
        article, snapshot, fields=fields, user=user, reason=reason, tracked=None
    )
    article.topics.set(source["topics"])
    if scorecard is not None and card:
        scorecard.risk_areas.set(card["risk_areas"])
    return article


@transaction.atomic
def risk_framework_create(
    *,
    name: str,
    slug: str,
    scale: list[str],
    categories: list[str],
    deploy_at_or_below: str,
    develop_at_or_below: str,
    vendor=None,
    url: str = "",
) -> RiskFramework:
    """A safety framework with its ordered scale (lowest first), its categories and its
    deploy/develop thresholds, named by level."""
    framework = RiskFramework.objects.create(name=name, slug=slug, vendor=vendor, url=url)
    levels = {
        level: RiskLevel.objects.create(framework=framework, rank=rank, name=level)
        for rank, level in enumerate(scale)
    }
    RiskCategory.objects.bulk_create(
        RiskCategory(framework=framework, name=category, position=position)
        for position, category in enumerate(categories)
    )
    framework.deploy_threshold = levels[deploy_at_or_below]
    framework.develop_threshold = levels[develop_at_or_below]
    framework.save()
    return framework


@transaction.atomic
def scorecard_create(
    *, article: Article, framework: RiskFramework, ratings: dict, risk_areas=()
) -> Scorecard:
    """The article's scorecard; ``ratings`` maps a category name to (pre-mitigation,
    post-mitigation or None) level names of ``framework``."""
    scorecard = Scorecard.objects.create(article=article, framework=framework)
    scorecard.risk_areas.set(risk_areas)
    levels = {level.name: level for level in framework.levels.all()}
    categories = {category.name: category for category in framework.categories.all()}
    for category, (pre, post) in ratings.items():
        ScorecardRating.objects.create(
            article=article,
            category=categories[category],
            pre_mitigation=levels[pre],
            post_mitigation=levels[post] if post else None,
        )
    return scorecard
