"""Writes to the working copy of entries: creating and editing an entry with its parts.

Every write of an entry's content goes through ``article_create`` or ``article_update`` (the
admin and the loaders), or, for restore and discard, through the engine they share
(``articles.services.edits``). They refuse what the user's role does not allow and write
nothing at all when nothing changes; a change raises the entry's version, records one revision
(``articles.models.Revision``) and renders the Markdown.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.models import (
    Article,
    RevisionReason,
    RiskFramework,
    Scorecard,
)
from articles.permissions import allowed, may_edit_content, may_translate
from articles.services.edits import (
    FIELDS,
    KEEP,
    field_value,
    plan_edit,
    write_edit,
)
from articles.workflow import UNPUBLISHED_STATES
from kernel.languages import default_language


class StaleEdit(ValidationError):
    """Someone saved the entry after the editor opened it."""


@dataclass
class Edit:
    """What an update changed, in words (empty: nothing was written)."""

    article: Article
    changes: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.changes)


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def article_lock_for_edit(*, article_id: int, expected_revision: int | None) -> Article:
    """Lock the entry's row for the rest of the transaction; refuse a form opened on another
    revision than the latest (optimistic concurrency: the later save of a stale form loses,
    visibly). The entry's ``version`` is the number of its latest revision."""
    from articles.revisions import revision_latest  # it reads text as the services write it

    current = Article.objects.select_for_update().get(pk=article_id)
    if current.version != expected_revision:
        latest = revision_latest(article_id=article_id)
        who = latest.user if latest and latest.user else "someone else"
        when = latest.created_at.strftime("%H:%M:%S UTC") if latest else "just now"
        raise StaleEdit(
            f"This entry was changed by {who} at {when}, after you opened it (it is now at "
            f"version {current.version}). Your changes were not saved: reload the page to see "
            "theirs, then make your edits again."
        )
    return current


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


def _main_caption_changed(article: Article, fields: dict) -> bool:
    """Whether an edit changes the image's caption in the default language: like the main
    text, that is the entry's content; its other languages are translations."""
    if "image_caption" not in fields:
        return False
    language = default_language()
    current = field_value("image_caption", article.image_caption)
    return fields["image_caption"].get(language) != current.get(language)


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
    reason: str = RevisionReason.EDIT,
    message: str = "",
) -> Edit:
    """Change the working copy of ``article``: only what is given is considered.

    ``fields``: the entry's own fields (``FIELDS``); ``topics``: all its topics;
    ``translations``: language -> texts (any of title, summary, audience, body) or None to
    remove;
    ``signals``: language -> the bullets in order (an empty list removes them);
    ``scorecard``: see ``_plan_scorecard``. Writers and publishers change everything, a
    translator the translations (and the image's caption in the languages other than the
    default); the publication time changes only before publishing.
    Editing a live entry changes its working copy only; publishing the changes is a workflow
    step of its own. The change is one revision, for ``reason`` (a ``RevisionReason``) with
    an optional ``message``.
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
        set(plan.fields) - {"published_at", "image_caption"}
        or _main_caption_changed(article, plan.fields)
        or plan.topics is not None
        or plan.signals
        or plan.scorecard is not KEEP
        or plan.ratings
        # The entry's main text: removing it is an editor's decision, not a translation.
        or (default_language() in plan.translations and not plan.translations[default_language()])
    )
    _check_rights(
        user,
        article,
        content=content,
        texts=bool(plan.translations) or "image_caption" in plan.fields,
        publication="published_at" in plan.fields,
    )
    write_edit(article, plan, user=user, reason=reason, message=message)
    return edit


@transaction.atomic
def article_create(
    *,
    user,
    topics=(),
    translations: dict | None = None,
    signals: dict | None = None,
    scorecard=KEEP,
    reason: str = RevisionReason.CREATE,
    **fields,
) -> Article:
    """A new draft entry with its parts (arguments as for ``article_update``; ``fields`` are
    the entry's own, ``FIELDS``), and its first revision (a bulk load gives
    ``reason=RevisionReason.IMPORT``)."""
    if not allowed(user, "articles.add_article"):
        raise PermissionDenied("You may not add entries.")
    if fields.get("published_at") is not None and not allowed(user, "articles.publish_article"):
        raise PermissionDenied("Only a publisher sets the publication time.")
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"article_create() got unknown fields: {', '.join(sorted(unknown))}")
    article = Article(version=0)
    for name, value in fields.items():
        setattr(article, Article._meta.get_field(name).attname, field_value(name, value))
    article.save()
    plan = plan_edit(
        article,
        fields={},
        topics=topics,
        translations=translations,
        signals=signals,
        scorecard=scorecard,
    )
    plan.topics = plan.topics or []
    write_edit(article, plan, user=user, reason=reason)
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
