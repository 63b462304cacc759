"""Writes to an entry's notes (corrections, clarifications, updates).

A note is written into the working copy and goes live when the entry's changes are published
(``live_write`` dates it); a live note never changes again, so these refuse to touch one.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles.choices import NoteKind
from articles.models import Article, Note, RevisionReason
from articles.models.notes import NOTE_TEXT_MAX_LENGTH
from articles.permissions import may_edit_content, may_translate
from articles.services.edits import article_touch, normalise
from kernel.languages import default_language, supported_languages


def _valid_texts(texts: dict[str, str]) -> dict[str, str]:
    """The note's texts as stored: known languages only, the default one present."""
    unknown = sorted(set(texts) - set(supported_languages()))
    if unknown:
        raise ValidationError(
            f"Notes are written in {', '.join(supported_languages())}, not {', '.join(unknown)}."
        )
    cleaned = {
        language: normalise(text, multiline=True)
        for language, text in sorted(texts.items())
        if normalise(text, multiline=True)
    }
    if default_language() not in cleaned:
        raise ValidationError(f"A note needs its text in {default_language()!r}.")
    too_long = [language for language, text in cleaned.items() if len(text) > NOTE_TEXT_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            f"A note's text is at most {NOTE_TEXT_MAX_LENGTH} characters "
            f"({', '.join(too_long)} is longer)."
        )
    return cleaned


def _valid_kind(kind: str) -> NoteKind:
    if kind not in NoteKind.values:
        raise ValidationError(f"A note is one of {', '.join(NoteKind.values)}, not {kind!r}.")
    return NoteKind(kind)


def _valid_amends(article: Article, amends: Note | None) -> Note | None:
    if amends is not None and (amends.article_id != article.pk or not amends.is_live):
        raise ValidationError("A note can only amend a live note of the same entry.")
    return amends


def _refuse_live(note: Note) -> None:
    if note.is_live:
        raise ValidationError(
            "This note is live and cannot change: write a new note that amends it."
        )


def _locked(note: Note) -> Note:
    return Note.objects.select_for_update().select_related("article").get(pk=note.pk)


@transaction.atomic
def note_create(
    *, article: Article, kind: str, texts: dict[str, str], user, amends: Note | None = None
) -> Note:
    """Add a note to the working copy of ``article``; it goes live with the entry's next
    publication (for a live entry: when its changes are published)."""
    if not may_edit_content(user, article):
        raise PermissionDenied("You may not change this entry.")
    note = Note.objects.create(
        article=article,
        kind=_valid_kind(kind),
        text=_valid_texts(texts),
        amends=_valid_amends(article, amends),
        written_by=user,
    )
    article = Article.objects.select_for_update().get(pk=article.pk)
    message = f"Added a note ({note.kind})"
    article_touch(article=article, user=user, reason=RevisionReason.NOTE, message=message)
    return note


@transaction.atomic
def note_update(
    *, note: Note, user, kind: str | None = None, texts: dict[str, str] | None = None
) -> Note:
    """Change a note that is not live yet (translators may change its texts only)."""
    note = _locked(note)
    content_change = kind is not None and kind != note.kind
    if not (may_edit_content(user, note.article) or (may_translate(user) and not content_change)):
        raise PermissionDenied("You may not change this note.")
    _refuse_live(note)
    if kind is not None:
        note.kind = _valid_kind(kind)
    if texts is not None:
        note.text = _valid_texts(texts)
    note.save()
    article_touch(
        article=note.article, user=user, reason=RevisionReason.NOTE, message="Changed a note"
    )
    return note


@transaction.atomic
def note_delete(*, note: Note, user) -> None:
    """Remove a note that is not live yet."""
    note = _locked(note)
    if not may_edit_content(user, note.article):
        raise PermissionDenied("You may not change this entry.")
    _refuse_live(note)
    article = note.article
    note.delete()
    article_touch(
        article=article,
        user=user,
        reason=RevisionReason.NOTE,
        message="Removed a note not published yet",
    )
