"""Bringing back earlier content into the working copy: a version from the history
(restore), or the live version's source (discarding unpublished changes)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.models import Article
from articles.permissions import may_edit_content
from articles.services.content import Edit
from articles.services.edits import plan_edit, write_edit


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


RESTORED_FIELDS = ["vendor", "slug", "kind", "source_url", "source_authors", "revisit_after"]


def _replace_all(article, snapshot, *, fields, user, reason, tracked=None) -> Edit:
    """Make the working copy equal to ``fields`` and ``snapshot`` (a ``history.Snapshot``);
    with ``tracked``, parts written without history are kept."""
    languages = {t.language for t in article.translations.all()}
    signal_languages = {b.language for b in article.signal_bullets.all()}
    signals: dict[str, list[str]] = {language: [] for language in signal_languages}
    for (language, _position), text in sorted(snapshot.signals.items()):
        signals.setdefault(language, []).append(text)
    scorecard = None
    if snapshot.scorecard_framework_id is not None:
        scorecard = {
            "framework": snapshot.scorecard_framework_id,
            "risk_areas": snapshot.risk_areas,
            "ratings": snapshot.ratings,
        }
    plan = plan_edit(
        article,
        fields=fields,
        topics=snapshot.topics,
        translations={language: None for language in languages} | snapshot.translations,
        signals=signals,
        scorecard=scorecard,
    )
    edit = Edit(article, plan.changes())
    if edit:
        write_edit(article, plan, user=user, reason=reason, tracked=tracked)
    return edit


@transaction.atomic
def article_restore(*, article: Article, history_id: int, user) -> Article:
    """Bring back the content of an earlier version into the working copy: the article's
    fields, topics, translations, signals, scorecard with its risk areas and ratings as they
    were. The restore is itself a new version; like any edit of a live entry it is public only
    once its changes are published.

    The workflow state (status, publication time) is left alone: restoring never publishes or
    unpublishes anything; use the workflow steps for that.
    """
    from articles.history import article_version, parts_with_history

    if not may_edit_content(user, article):
        raise PermissionDenied("You may not change this entry.")
    version = article_version(article, history_id)
    if version is None:
        raise ValidationError("That version does not belong to this entry.")
    record = version.record
    if Article.objects.filter(slug=record.slug).exclude(pk=article.pk).exists():
        raise ValidationError(f"Another entry now uses the slug {record.slug!r}.")
    article = _locked(article)
    _replace_all(
        article,
        version.snapshot,
        fields={
            name: getattr(record, Article._meta.get_field(name).attname) for name in RESTORED_FIELDS
        },
        user=user,
        reason=f"Restored the version of {record.history_date:%Y-%m-%d %H:%M:%S} UTC",
        tracked=parts_with_history(article.pk),
    )
    return article


@transaction.atomic
def article_apply_source(*, article: Article, source: dict, user, reason: str) -> Article:
    """Make the working copy equal to a published source (see ``articles.documents``)."""
    from articles.history import SOURCE_FIELDS, snapshot_from_source

    article = _locked(article)
    _replace_all(
        article,
        snapshot_from_source(source),
        fields={name: source[name] for name in SOURCE_FIELDS},
        user=user,
        reason=reason,
    )
    return article
