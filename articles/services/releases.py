"""Releases: entries that go live together, each exactly as its pinned revision, or not at all.

Writers and Translators make releases and add, update and remove items; Publishers also
review items, publish (now or at a time), unschedule, override conflicts and revert.
Publishing writes every item's live version, log rows, counts and outbox rows in one
transaction: a failure anywhere leaves nothing live and nothing sent, and the release keeps
the reason (``Release.failure``). Its log rows carry the release id; a ``release.published``
row follows them (its webhook is sent after the items' own).
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.models import (
    REMOVALS,
    Article,
    LiveEntry,
    Note,
    PublicationEvent,
    PublicationLog,
    Release,
    ReleaseAction,
    ReleaseItem,
    Revision,
    RevisionReason,
)
from articles.permissions import may_publish, may_review, may_submit_changes
from articles.publishing import (
    live_remove,
    live_schedule,
    live_unwithdraw,
    live_withdraw,
    live_write,
    log_append,
    log_batch,
)
from articles.releases import action_problem, current_revisions, live_revisions, release_reports
from articles.scheduled_changes import live_unschedule
from articles.services.edits import article_touch
from articles.services.scheduling import FIXED
from articles.services.workflow import _log_step
from articles.workflow import Action

# The workflow step each action is logged as in the entry's publish log.
STEP = {
    ReleaseAction.PUBLISH: Action.PUBLISH,
    ReleaseAction.PUBLISH_CHANGES: Action.PUBLISH_CHANGES,
    ReleaseAction.UNPUBLISH: Action.UNPUBLISH,
    ReleaseAction.ARCHIVE: Action.ARCHIVE,
}
TARGET = {
    ReleaseAction.PUBLISH: Article.Status.PUBLISHED,
    ReleaseAction.PUBLISH_CHANGES: Article.Status.PUBLISHED,
    ReleaseAction.UNPUBLISH: Article.Status.DRAFT,
    ReleaseAction.ARCHIVE: Article.Status.ARCHIVED,
}


def _refuse_unless(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(f"You may not {what}.")


def _locked_release(release: Release) -> Release:
    return Release.objects.select_for_update().get(pk=release.pk)


def _refuse_unless_open(release: Release) -> None:
    if not release.is_open:
        raise ValidationError(
            "This release is no longer open: unschedule it to change it."
            if release.is_waiting
            else "This release was published: revert it to undo it."
        )


def _pin(article: Article, user) -> Revision:
    """The revision of the working copy as it is now."""
    revision = current_revisions([article.pk]).get(article.pk)
    if revision is not None:
        return Revision.objects.get(pk=revision)
    return article_touch(article=article, user=user, reason=RevisionReason.EDIT)


def release_create(*, title: str, user, reverts: Release | None = None) -> Release:
    _refuse_unless(may_submit_changes(user), "make a release")
    title = title.strip()
    if not title:
        raise ValidationError({"title": "A release needs a title."})
    return Release.objects.create(
        title=title[:200], reverts=reverts, created_by=user if getattr(user, "pk", None) else None
    )


@transaction.atomic
def release_rename(*, release: Release, user, title: str) -> Release:
    """Change the title of an open release."""
    _refuse_unless(may_submit_changes(user), "change this release")
    release = _locked_release(release)
    _refuse_unless_open(release)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "A release needs a title."})
    release.title = title[:200]
    release.save(update_fields=["title"])
    return release


def _default_action(article: Article, live: int | None) -> str:
    if live is None and article.status != Article.Status.PUBLISHED:
        return ReleaseAction.PUBLISH
    return ReleaseAction.PUBLISH_CHANGES


@transaction.atomic
def release_item_add(
    *, release: Release, article: Article, user, action: str | None = None
) -> ReleaseItem:
    """Pin the entry's working copy in ``release``, with ``action`` (by default: publish an
    entry that is not live, else publish its changes). An entry sits in at most one release
    still to go live; a release holds at most ``RELEASE_MAX_ITEMS``."""
    _refuse_unless(may_submit_changes(user, article), "add entries to a release")
    release = _locked_release(release)
    _refuse_unless_open(release)
    article = Article.objects.select_for_update().get(pk=article.pk)
    other = (
        Release.objects.pending()
        .filter(items__article=article)
        .exclude(pk=release.pk)
        .values_list("title", flat=True)
        .first()
    )
    if other is not None:
        raise ValidationError(f"This entry is already in the release {other!r}.")
    if release.items.filter(article=article).exists():
        raise ValidationError("This entry is already in this release.")
    if release.items.count() >= settings.RELEASE_MAX_ITEMS:
        raise ValidationError(
            f"A release holds at most {settings.RELEASE_MAX_ITEMS} entries; "
            "make a second release for the rest."
        )
    live = live_revisions([article.pk]).get(article.pk)
    action = action or _default_action(article, live)
    if action not in ReleaseAction.values:
        raise ValidationError({"action": f"Unknown action {action!r}."})
    problem = action_problem(action, article, live)
    if problem:
        raise ValidationError(problem)
    revision = _pin(article, user)
    if action == ReleaseAction.PUBLISH_CHANGES and revision.pk == live:
        raise ValidationError(
            "The working copy is the same as the live version: edit the entry first."
        )
    return ReleaseItem.objects.create(
        release=release,
        article=article,
        action=action,
        revision=revision,
        base_id=live,
        added_by=user if getattr(user, "pk", None) else None,
    )


@transaction.atomic
def release_item_remove(*, item: ReleaseItem, user) -> None:
    _refuse_unless(may_submit_changes(user, item.article), "change this release")
    _refuse_unless_open(_locked_release(item.release))
    item.delete()


@transaction.atomic
def release_item_update(*, item: ReleaseItem, user) -> ReleaseItem:
    """Pin the entry's working copy and live revision as they are now ("update to the current
    revision", and "rebase" on what is live): the item needs review again."""
    _refuse_unless(may_submit_changes(user, item.article), "change this release")
    _refuse_unless_open(_locked_release(item.release))
    article = Article.objects.select_for_update().get(pk=item.article_id)
    item.revision = _pin(article, user)
    item.base_id = live_revisions([article.pk]).get(article.pk)
    item.reviewed_at = item.reviewed_by = None
    item.save()
    return item


@transaction.atomic
def release_item_review(*, item: ReleaseItem, user) -> ReleaseItem:
    """Mark the pinned revision reviewed: it may go live as it is."""
    _refuse_unless(may_review(user, item.article), "review entries of a release")
    _refuse_unless_open(_locked_release(item.release))
    item.reviewed_at = timezone.now()
    item.reviewed_by = user if getattr(user, "pk", None) else None
    item.save(update_fields=["reviewed_at", "reviewed_by"])
    return item


def _items(release: Release) -> list[ReleaseItem]:
    return list(release.items.select_related("article", "revision").order_by("article_id"))


def _check(release: Release, items: list[ReleaseItem], *, override: bool, at) -> None:
    """Every reason not to publish ``items`` now (or at ``at``), all at once."""
    if not items:
        raise ValidationError("This release holds no entries.")
    errors = []
    live_entries = {
        pk: (source, public_from)
        for pk, source, public_from in LiveEntry.objects.filter(
            pk__in=[item.article_id for item in items]
        ).values_list("pk", "source", "published_at")
    }
    now = timezone.now()
    for report in release_reports(items):
        slug = report.item.revision.content.get("slug", report.item.article_id)
        errors += [f"{slug}: {problem}" for problem in report.problems]
        if report.item.reviewed_at is None:
            errors.append(f"{slug}: not reviewed yet.")
        if report.conflicting and not override:
            errors.append(
                f"{slug}: conflicts: the live entry changed since it was pinned "
                "(rebase it, or publish with override)."
            )
        if at is None or report.item.action == ReleaseAction.PUBLISH:
            continue
        live, public_from = live_entries.get(report.item.article_id, ({}, None))
        if public_from is not None and public_from > now:
            errors.append(
                f"{slug}: not public yet: a scheduled release cannot change it or take it off "
                "(publish the release now: it takes effect at the entry's time)."
            )
        if report.item.action == ReleaseAction.PUBLISH_CHANGES:
            pinned = report.item.revision.content
            changed = [name for key, name in FIXED.items() if pinned[key] != live.get(key)]
            if changed:
                errors.append(f"{slug}: a scheduled release cannot change {' or '.join(changed)}.")
    if errors:
        raise ValidationError(errors)


def _apply(release: Release, items: list[ReleaseItem], *, user, at: datetime | None) -> None:
    """Write every item's live version and log rows (the caller's transaction)."""
    live = live_revisions([item.article_id for item in items])
    # A revert puts an entry taken off while still scheduled back at its time, not now.
    restored = (
        dict(
            ReleaseItem.objects.filter(release_id=release.reverts_id).values_list(
                "article_id", "previous_published_at"
            )
        )
        if release.reverts_id
        else {}
    )
    for item in items:
        article = item.article
        item.previous_id = live.get(article.pk)
        item.previous_status = article.status
        item.previous_published_at = article.published_at
        action = ReleaseAction(item.action)
        if action in REMOVALS and at is not None:
            live_withdraw(article=article, user=user, at=at, release_id=release.pk)
        elif action in REMOVALS:
            live_remove(article=article, user=user, release_id=release.pk)
            if article.is_scheduled:
                article.published_at = None
        elif action == ReleaseAction.PUBLISH:
            article.published_at = (
                at or article.published_at or restored.get(article.pk) or timezone.now()
            )
            live_write(
                article=article,
                user=user,
                published_at=article.published_at,
                revision=item.revision,
                release_id=release.pk,
            )
        elif at is not None:
            live_schedule(
                article=article, user=user, revision=item.revision, at=at, release_id=release.pk
            )
        else:
            live_write(
                article=article,
                user=user,
                published_at=article.published_at,
                revision=item.revision,
                release_id=release.pk,
            )
        from_status = article.status
        article.status = TARGET[action]
        article.changes_submitted_at = None
        Article.objects.filter(pk=article.pk).update(
            status=article.status, published_at=article.published_at, changes_submitted_at=None
        )
        _log_step(article, STEP[action], user, from_status)
    ReleaseItem.objects.bulk_update(items, ["previous", "previous_status", "previous_published_at"])
    log_append(
        [
            PublicationLog(
                event=PublicationEvent.RELEASE_PUBLISHED,
                slug="",
                effective_at=at,
                user=user if getattr(user, "pk", None) else None,
                release_id=release.pk,
            )
        ]
    )


def _refuse_past(at: datetime | None) -> None:
    if at is not None and at <= timezone.now():
        raise ValidationError("Choose a time in the future; to publish now, publish.")


def release_publish(
    *, release: Release, user, at: datetime | None = None, override: bool = False
) -> Release:
    """Publish every item of ``release`` now, or schedule them all for ``at``, or nothing.

    Refused (``ValidationError``, every reason listed) while an item is not reviewed, cannot
    be published, or conflicts with what is live (unless ``override``). Any failure while
    writing (a database error included) rolls everything back; the release keeps why.
    """
    _refuse_unless(may_publish(user), "publish a release")
    _refuse_past(at)
    try:
        with transaction.atomic():
            locked = _locked_release(release)
            _refuse_unless_open(locked)
            list(  # the entries, in a fixed order: concurrent publications wait, never deadlock
                Article.objects.select_for_update()
                .filter(release_items__release=locked)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            items = _items(locked)
            _check(locked, items, override=override, at=at)
            with log_batch():
                _apply(locked, items, user=user, at=at)
            locked.status = Release.Status.SCHEDULED if at else Release.Status.PUBLISHED
            locked.published_at = (  # the time its log rows took effect
                PublicationLog.objects.filter(release_id=locked.pk)
                .order_by("-position")
                .values_list("effective_at", flat=True)
                .first()
            )
            locked.published_by = user if getattr(user, "pk", None) else None
            locked.failure, locked.failed_at = "", None
            locked.save()
    except (ValidationError, DatabaseError) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        Release.objects.filter(pk=release.pk, status=Release.Status.OPEN).update(
            failure=reason, failed_at=timezone.now()
        )
        release.failure = reason
        if isinstance(error, ValidationError):
            raise
        raise ValidationError(f"Nothing was published: {reason}") from error
    return locked


@transaction.atomic
def release_unschedule(*, release: Release, user) -> Release:
    """Take a scheduled release back before its time: nothing of it was seen, so it leaves
    no trace on any public surface; it is open again, its items as they were."""
    _refuse_unless(may_publish(user), "unschedule a release")
    release = _locked_release(release)
    if not release.is_waiting:
        raise ValidationError("Only a release scheduled for a time to come can be unscheduled.")
    for item in _items(release):
        article = item.article
        if item.action == ReleaseAction.PUBLISH:
            live_remove(article=article, user=user)
            # The notes it was to bring wait again (``live_write`` dated them its time).
            Note.objects.filter(article=article, published_at=release.published_at).update(
                published_at=None
            )
            Article.objects.filter(pk=article.pk).update(
                status=item.previous_status or Article.Status.DRAFT,
                published_at=item.previous_published_at,
            )
        elif item.action in REMOVALS:
            live_unwithdraw(article_id=article.pk)
            Article.objects.filter(pk=article.pk).update(
                status=item.previous_status, published_at=item.previous_published_at
            )
        else:
            live_unschedule(article_id=article.pk)
    PublicationLog.objects.filter(release_id=release.pk, effective_at__gt=timezone.now()).delete()
    release.status, release.published_at, release.published_by = Release.Status.OPEN, None, None
    release.save()
    return release


@transaction.atomic
def release_revert(*, release: Release, user) -> Release:
    """A new open release that puts back what was live before ``release``: entries it
    published are unpublished, changes it published are replaced by the revision live
    before, entries it took off come back. It is reviewed and published like any other."""
    _refuse_unless(may_publish(user), "revert a release")
    release = _locked_release(release)
    if not release.is_live:
        raise ValidationError("Only a release that went live can be reverted.")
    pending = (
        ReleaseItem.objects.filter(
            article__in=release.items.values("article"),
            release__in=Release.objects.pending(),
        )
        .select_related("release", "revision")
        .order_by("pk")
    )
    if pending:
        raise ValidationError(
            [
                f"{item.revision.content.get('slug')}: the entry is in the release "
                f"{item.release.title!r}: remove it from there to revert this one."
                for item in pending
            ]
        )
    revert = release_create(title=f"Revert: {release.title}"[:200], user=user, reverts=release)
    items = []
    for item in _items(release):
        if item.action == ReleaseAction.PUBLISH:
            action, revision, base = (
                ReleaseAction.ARCHIVE
                if item.previous_status == Article.Status.ARCHIVED
                else ReleaseAction.UNPUBLISH,
                item.revision_id,
                item.revision_id,
            )
        elif item.action == ReleaseAction.PUBLISH_CHANGES:
            action, revision, base = (
                ReleaseAction.PUBLISH_CHANGES,
                item.previous_id,
                item.revision_id,
            )
        else:
            action, revision, base = ReleaseAction.PUBLISH, item.previous_id, None
        if revision is None:
            continue
        items.append(
            ReleaseItem(
                release=revert,
                article_id=item.article_id,
                action=action,
                revision_id=revision,
                base_id=base,
                added_by=user if getattr(user, "pk", None) else None,
            )
        )
    ReleaseItem.objects.bulk_create(items)
    return revert


@transaction.atomic
def release_delete(*, release: Release, user) -> None:
    """Delete an open release (its entries stay as they are)."""
    _refuse_unless(
        may_publish(user) or release.created_by_id == getattr(user, "pk", None),
        "delete this release",
    )
    release = _locked_release(release)
    _refuse_unless_open(release)
    release.delete()


def release_stage(*, release: Release) -> None:
    """Put every item of ``release`` live now, as publishing it would, with no check and no
    permission asked: for a preview, inside a transaction the caller rolls back. A
    scheduled release is taken back first, so what shows is what goes live at its time."""
    release = Release.objects.get(pk=release.pk)
    if release.is_waiting:
        release = release_unschedule(release=release, user=None)
    if not release.is_open:
        return
    with log_batch():
        _apply(release, _items(release), user=None, at=None)
