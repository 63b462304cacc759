"""The editorial workflow's writes: status transitions, and the steps between an entry's
working copy and its live version (publish, publish changes, discard, unpublish, archive,
delete). Each runs in one transaction with the live version and the publication log."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import (
    Article,
    LiveEntry,
    Note,
    PublicationEvent,
    PublishEvent,
    RevisionReason,
)
from articles.permissions import may_delete
from articles.publishing import live_remove, live_write, working_and_live
from articles.releases import pending_release_of, source_problems
from articles.services.edits import article_touch
from articles.services.versions import article_apply_source
from articles.workflow import STEPS, UNPUBLISHED_STATES, Action


def article_publish_problems(*, article: Article) -> list[str]:
    """What stops ``article`` from being published, in words an editor can act on (the
    checks of a release's pinned revisions, made of the working copy)."""
    source = {
        "vendor": article.vendor_id,
        "source_url": article.source_url,
        "translations": dict.fromkeys(article.translations.values_list("language", flat=True)),
        "image": article.image_id,
        "slug": article.slug,
    }
    taken = LiveEntry.objects.filter(slug=article.slug).exclude(pk=article.pk)
    return source_problems(source, slugs_taken=set(taken.values_list("slug", flat=True)))


def _locked(article: Article) -> Article:
    """The entry, locked; refused while a scheduled release holds it (what goes live at
    its time was reviewed as it is: unschedule the release to change its entries)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    release = pending_release_of(article.pk)
    if release is not None and release.is_waiting:
        raise ValidationError(
            f"This entry goes live with the release {release.title!r} scheduled for "
            f"{release.published_at:%Y-%m-%d %H:%M} UTC: unschedule the release to change it."
        )
    return article


def _log_step(article: Article, action: Action, user, from_status: str) -> None:
    PublishEvent.objects.create(
        article=article,
        article_slug=article.slug,
        action=action,
        from_status=from_status,
        to_status=article.status,
        published_at=article.published_at,
        user=user,
    )


def _refuse_problems(article: Article) -> None:
    problems = article_publish_problems(article=article)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def _take(*, article: Article, action: Action, user, published_at=None) -> Article:
    """Move ``article`` along one transition of the workflow, and log who did it."""
    transition = STEPS[action]
    transition.refuse_unless_allowed(user, article)
    article = _locked(article)
    transition.refuse_unless_open(article)
    if transition.target == Article.Status.PUBLISHED:
        _refuse_problems(article)
        article.published_at = published_at or article.published_at or timezone.now()
    elif action in (Action.UNPUBLISH, Action.ARCHIVE) and article.is_scheduled:
        article.published_at = None  # a cancelled schedule: publishing again starts afresh
    from_status = article.status
    article.status = transition.target
    article.changes_submitted_at = None
    if transition.target == Article.Status.PUBLISHED:
        live_write(
            article=article,
            user=user,
            published_at=article.published_at,
            record=lambda: article_touch(
                article=article, user=user, reason=RevisionReason.PUBLISH, message=action.label
            ),
        )
    else:
        article_touch(
            article=article, user=user, reason=RevisionReason.WORKFLOW, message=action.label
        )
        if from_status == Article.Status.PUBLISHED:
            live_remove(article=article, user=user)
    _log_step(article, action, user, from_status)
    return article


def article_submit_for_review(*, article: Article, user) -> Article:
    return _take(article=article, action=Action.SUBMIT_FOR_REVIEW, user=user)


def article_return_to_draft(*, article: Article, user) -> Article:
    return _take(article=article, action=Action.RETURN_TO_DRAFT, user=user)


def article_publish(*, article: Article, user, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` (a future time schedules the entry; no job is needed): the
    working copy becomes the live version.

    Without ``at`` the entry keeps a publication time it already has (a scheduled time, or
    the original time of an entry published before).
    """
    return _take(article=article, action=Action.PUBLISH, user=user, published_at=at)


def article_unpublish(*, article: Article, user) -> Article:
    """Take the entry off every public surface (or cancel its schedule); it goes back to draft
    with its working copy."""
    return _take(article=article, action=Action.UNPUBLISH, user=user)


def article_archive(*, article: Article, user) -> Article:
    return _take(article=article, action=Action.ARCHIVE, user=user)


def article_reopen(*, article: Article, user) -> Article:
    """Bring an archived entry back as a draft."""
    return _take(article=article, action=Action.REOPEN, user=user)


def article_has_unpublished_changes(*, article: Article) -> bool:
    """The working copy of a live entry differs from what the public sees."""
    sources = working_and_live([article.pk]).get(article.pk)
    return sources is not None and sources[0] != sources[1]


def _require_changes(article: Article) -> None:
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError("Only a published entry has changes waiting to go live.")
    if not article_has_unpublished_changes(article=article):
        raise ValidationError("The working copy is the same as the live version.")


@transaction.atomic
def article_submit_changes(*, article: Article, user) -> Article:
    """Ask a publisher to publish the working copy's changes to a live entry (writers and
    translators)."""
    STEPS[Action.SUBMIT_CHANGES].refuse_unless_allowed(user, article)
    article = _locked(article)
    _require_changes(article)
    article.changes_submitted_at = timezone.now()
    Article.objects.filter(pk=article.pk).update(changes_submitted_at=article.changes_submitted_at)
    _log_step(article, Action.SUBMIT_CHANGES, user, article.status)
    return article


@transaction.atomic
def article_publish_changes(*, article: Article, user, significant: bool = False) -> Article:
    """Make the working copy of a live entry its new live version, with the same checks as
    publishing; the publication time stays.

    Every change moves the entry's update time (mirrors see it); only a ``significant`` one,
    or one that brings a note, moves the public modification time readers are shown.
    """
    STEPS[Action.PUBLISH_CHANGES].refuse_unless_allowed(user, article)
    article = _locked(article)
    _require_changes(article)
    _refuse_problems(article)
    live_write(
        article=article,
        user=user,
        published_at=article.published_at,
        significant=significant,
        record=lambda: article_touch(
            article=article,
            user=user,
            reason=RevisionReason.PUBLISH,
            message=STEPS[Action.PUBLISH_CHANGES].done,
        ),
    )
    Article.objects.filter(pk=article.pk).update(changes_submitted_at=None)
    article.changes_submitted_at = None
    _log_step(article, Action.PUBLISH_CHANGES, user, article.status)
    return article


@transaction.atomic
def article_discard_changes(*, article: Article, user) -> Article:
    """Bring the working copy of a live entry back to its live content (notes not live yet
    are removed)."""
    STEPS[Action.DISCARD_CHANGES].refuse_unless_allowed(user, article)
    article = _locked(article)
    _require_changes(article)
    notes, _ = Note.objects.filter(article=article, published_at__isnull=True).delete()
    version = article.version
    reason, message = RevisionReason.DISCARD, "Discarded the changes not yet published"
    _working, live = working_and_live([article.pk])[article.pk]
    article = article_apply_source(
        article=article, source=live, user=user, reason=reason, message=message
    )
    if notes and article.version == version:  # only notes were waiting: still one revision
        article_touch(article=article, user=user, reason=reason, message=message)
    Article.objects.filter(pk=article.pk).update(changes_submitted_at=None)
    _log_step(article, Action.DISCARD_CHANGES, user, article.status)
    return article


@transaction.atomic
def article_delete(*, article: Article, user) -> None:
    """Delete the entry; mirrors are told if the public had seen it. Deleting an entry that is
    live or scheduled takes the publish right (see ``may_delete``)."""
    article = _locked(article)
    release = pending_release_of(article.pk)
    if release is not None:
        raise ValidationError(
            f"This entry is in the release {release.title!r}: remove it from the release first."
        )
    if not may_delete(user, article):
        raise PermissionDenied(
            "You may not delete this entry."
            if article.status in UNPUBLISHED_STATES
            else "You may not delete this entry: only a publisher deletes an entry that was "
            "published (live, scheduled or archived)."
        )
    live_remove(article=article, user=user, event=PublicationEvent.DELETED)
    article.delete()
