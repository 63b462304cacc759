"""Writes to articles. Admin, REST and GraphQL all change content through these functions."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTranslation,
    PublishEvent,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
)
from articles.permissions import may_edit_content
from articles.workflow import TRANSITIONS, Action
from cms.languages import default_language


class StaleEdit(ValidationError):
    """Someone saved the entry after the editor opened it."""


def article_publish_problems(*, article: Article) -> list[str]:
    """What stops ``article`` from being published, in words an editor can act on."""
    problems = []
    if not article.vendor_id:
        problems.append("a vendor")
    if not article.source_url:
        problems.append("a source URL")
    if not article.translations.filter(language=default_language()).exists():
        problems.append(f"the {default_language()!r} translation")
    return [f"Publishing needs {problem}." for problem in problems]


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def _take(*, article: Article, action: Action, user, published_at=None) -> Article:
    """Move ``article`` along one transition of the workflow, and log who did it."""
    transition = TRANSITIONS[action]
    if not user.has_perm(transition.permission):
        raise PermissionDenied(f"You may not do this: {transition.button.lower()}.")
    article = _locked(article)
    if article.status != transition.source:
        raise ValidationError(
            f"{transition.button} is only possible for an entry that is "
            f"{transition.source.label.lower()}; this one is "
            f"{article.get_status_display().lower()}."
        )
    if transition.target == Article.Status.PUBLISHED:
        problems = article_publish_problems(article=article)
        if problems:
            raise ValidationError(problems)
        article.published_at = published_at or article.published_at or timezone.now()
    from_status = article.status
    article.status = transition.target
    article._history_user = user
    article.save()
    PublishEvent.objects.create(
        article=article,
        article_slug=article.slug,
        action=action,
        from_status=from_status,
        to_status=article.status,
        published_at=article.published_at,
        user=user,
    )
    return article


def article_submit_for_review(*, article: Article, user) -> Article:
    return _take(article=article, action=Action.SUBMIT_FOR_REVIEW, user=user)


def article_return_to_draft(*, article: Article, user) -> Article:
    return _take(article=article, action=Action.RETURN_TO_DRAFT, user=user)


def article_publish(*, article: Article, user, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` (a future time schedules the entry; no job is needed).

    Without ``at`` the entry keeps a publication time it already has (a scheduled time, or
    the original time of an entry published before).
    """
    return _take(article=article, action=Action.PUBLISH, user=user, published_at=at)


def article_unpublish(*, article: Article, user) -> Article:
    """Take the entry off every public surface (or cancel its schedule); it goes back to draft."""
    return _take(article=article, action=Action.UNPUBLISH, user=user)


def article_archive(*, article: Article, user) -> Article:
    return _take(article=article, action=Action.ARCHIVE, user=user)


def article_reopen(*, article: Article, user) -> Article:
    """Bring an archived entry back as a draft."""
    return _take(article=article, action=Action.REOPEN, user=user)


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


def _delete_as(instance, user, reason: str, *, tracked: set):
    if (type(instance), instance.pk) not in tracked:
        return  # written without history (a bulk import): keep it, its past is unknown
    instance._history_user = user
    instance._change_reason = reason
    instance.delete()


@transaction.atomic
def article_restore(*, article: Article, history_id: int, user) -> Article:
    """Bring back the content of an earlier version: the article's fields, translations,
    signals, scorecard and ratings as they were. The restore is itself a new version.

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
    tracked = parts_with_history(article.pk)
    reason = f"Restored the version of {record.history_date:%Y-%m-%d %H:%M:%S} UTC"
    if Article.objects.filter(slug=record.slug).exclude(pk=article.pk).exists():
        raise ValidationError(f"Another entry now uses the slug {record.slug!r}.")

    article = _locked(article)
    for name in RESTORED_FIELDS:
        setattr(article, name, getattr(record, name))
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
