"""Writes to reader feedback. REST, GraphQL, the admin and the purge command call these."""

import hashlib
import logging
import re
import unicodedata
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Note
from articles.selectors import SLUG_PATTERN, is_public
from articles.services.notes import note_create
from feedback.models import Feedback
from feedback.throttling import spend_submission
from kernel.languages import UnsupportedLanguage, default_language, validate_language

logger = logging.getLogger(__name__)

MESSAGE_KINDS = {Feedback.Kind.TOPIC_REQUEST, Feedback.Kind.CORRECTION, Feedback.Kind.GENERAL}
VOTE_KINDS = {Feedback.Kind.HELPFUL_YES, Feedback.Kind.HELPFUL_NO}
# Invisible characters that reorder or hide text (bidirectional overrides, zero-width space).
HIDDEN_CHARACTERS = set("\u200b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


class FeedbackInvalid(Exception):
    """The submission was refused; ``errors`` maps each input field to what is wrong with it."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(m)}" for field, m in errors.items()))


class FeedbackThrottled(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Too many submissions; try again in {retry_after} seconds.")


def normalise_message(text: str) -> str:
    """Plain text: control and hidden characters removed, runs of spaces collapsed, at most
    one blank line between paragraphs, no leading or trailing whitespace."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch
        for ch in text
        if ch == "\n"
        or ch == "\t"
        or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in HIDDEN_CHARACTERS)
    )
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def dedupe_key(*, fingerprint: str, kind: str, article_id, message: str, bucket: int) -> str:
    content = f"{fingerprint}|{kind}|{article_id or ''}|{message.casefold()}|{bucket}"
    return hashlib.sha256(content.encode()).hexdigest()


def feedback_submit(
    *,
    kind: str,
    message: str,
    article_slug: str | None,
    language: str | None,
    client_fingerprint: str,
    honeypot: str = "",
) -> Feedback:
    """Validate, throttle and store one reader submission; returns what was accepted.

    A repeat of the same submission by the same client within the duplicate window returns
    the stored one instead of storing it again. A filled ``honeypot`` gets the same answer as a
    real submission, but nothing is stored. Raises FeedbackThrottled or FeedbackInvalid.
    """
    retry_after = spend_submission(client_fingerprint)
    if retry_after is not None:
        logger.info("Feedback refused: too many submissions from one client.")
        raise FeedbackThrottled(retry_after)

    errors: dict[str, list[str]] = {}
    kind = (kind or "").strip()
    if not kind:
        errors["kind"] = ["This field is required."]
    elif kind not in Feedback.Kind.values:
        errors["kind"] = [f"Unknown kind {kind!r}; use one of: {', '.join(Feedback.Kind.values)}."]

    message = normalise_message(message or "")
    limits = settings.FEEDBACK
    if len(message) > limits["MESSAGE_MAX_LENGTH"]:
        errors["message"] = [
            f"Keep it to {limits['MESSAGE_MAX_LENGTH']} characters (this one has {len(message)})."
        ]
    elif kind in MESSAGE_KINDS and len(message) < limits["MESSAGE_MIN_LENGTH"]:
        errors["message"] = [f"Write at least {limits['MESSAGE_MIN_LENGTH']} characters."]

    article = None
    article_slug = (article_slug or "").strip()
    if article_slug:
        # Checked before the look-up: a NUL or an unpaired surrogate cannot even be queried.
        if re.match(SLUG_PATTERN, article_slug):
            article = Article.objects.filter(live__slug=article_slug).first()
        if article is None or not is_public(article_id=article.pk):
            errors["article"] = [f"No public entry has the slug {article_slug!r}."]
    elif kind in VOTE_KINDS:
        errors["article"] = ["A helpful vote needs the slug of the entry it is about."]

    try:
        language = validate_language(language) if language else default_language()
    except UnsupportedLanguage as error:
        errors["language"] = [str(error)]

    if errors:
        logger.info("Feedback refused: invalid %s.", ", ".join(errors))
        raise FeedbackInvalid(errors)

    fields = {"kind": kind, "message": message, "article": article, "language": language}
    if honeypot.strip():
        logger.info("Feedback discarded: honeypot filled.")
        return _decoy_once(fields, fingerprint=client_fingerprint)
    return _store_once(fields, fingerprint=client_fingerprint)


def _duplicate_window(fields: dict, *, fingerprint: str):
    """(now, window seconds, key of this bucket, key of the previous bucket)."""
    window = max(1, settings.FEEDBACK["DUPLICATE_WINDOW_SECONDS"])
    now = timezone.now()
    bucket = int(now.timestamp() // window)
    article_id = fields["article"].pk if fields["article"] else None
    current, previous = (
        dedupe_key(
            fingerprint=fingerprint,
            kind=fields["kind"],
            article_id=article_id,
            message=fields["message"],
            bucket=b,
        )
        for b in (bucket, bucket - 1)
    )
    return now, window, current, previous


def _decoy_once(fields: dict, *, fingerprint: str) -> Feedback:
    """An unsaved receipt for a filled honeypot that behaves like a stored one: a repeat
    within the duplicate window gets the first answer again, as a real repeat does."""
    now, window, current, previous = _duplicate_window(fields, fingerprint=fingerprint)
    cutoff = now - timedelta(seconds=window)
    for key in (current, previous):
        receipt = cache.get(f"feedback:decoy:{key}")
        if receipt is not None and receipt["created_at"] >= cutoff:
            break
    else:
        receipt = {
            "public_id": uuid.uuid4(),
            "created_at": now,
            "message": fields["message"],
            "language": fields["language"],
        }
        if not cache.add(f"feedback:decoy:{current}", receipt, timeout=2 * window):
            receipt = cache.get(f"feedback:decoy:{current}", receipt)  # a concurrent repeat
    return Feedback(**{**fields, **receipt})


def _store_once(fields: dict, *, fingerprint: str) -> Feedback:
    """Store unless the same client sent the same thing within the duplicate window.

    Keys are bucketed by the window; the unique constraint on the key makes concurrent
    repeats in one bucket store one row, and the look-up covers a repeat just after a bucket
    edge (documented in docs/feedback.md).
    """
    now, window, current, previous = _duplicate_window(fields, fingerprint=fingerprint)
    earlier = Feedback.objects.filter(
        dedupe_key__in=[current, previous],
        created_at__gte=now - timedelta(seconds=window),
    ).first()
    if earlier is not None:
        logger.info("Feedback %s repeated; stored once.", earlier.public_id)
        return earlier
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                **fields, client_hash=fingerprint, dedupe_key=current
            )
    except IntegrityError:
        feedback = Feedback.objects.filter(dedupe_key=current).first()
        if feedback is None:
            raise
        logger.info("Feedback %s repeated concurrently; stored once.", feedback.public_id)
        return feedback
    logger.info("Feedback %s stored (%s).", feedback.public_id, feedback.kind)
    return feedback


def feedback_set_status(*, queryset, status: str) -> int:
    """Move the given feedback to ``status`` (reviewed, actioned, spam); returns how many."""
    if status not in Feedback.Status.values:
        raise ValueError(f"Unknown status {status!r}.")
    return queryset.update(status=status)


@transaction.atomic
def feedback_write_note(*, feedback: Feedback, kind: str, texts: dict[str, str], user) -> Note:
    """Write a note on the entry ``feedback`` is about (it goes live when the entry's changes
    are published) and mark the feedback actioned, linked to the note."""
    if feedback.article_id is None:
        raise ValidationError("This feedback is not about an entry: there is nothing to note.")
    note = note_create(article=feedback.article, kind=kind, texts=texts, user=user)
    Feedback.objects.filter(pk=feedback.pk).update(status=Feedback.Status.ACTIONED, note=note)
    feedback.status, feedback.note = Feedback.Status.ACTIONED, note
    return note


def feedback_purge(*, older_than: datetime, anonymise: bool = False, dry_run: bool = False) -> int:
    """Delete feedback created before ``older_than``, or with ``anonymise`` keep the rows for
    counts but blank their message and client hash. Returns how many rows are affected."""
    old = Feedback.objects.older_than(older_than)
    if anonymise:
        old = old.exclude(message="", client_hash="", dedupe_key="")
    count = old.count()
    if dry_run or not count:
        return count
    if anonymise:
        old.update(message="", client_hash="", dedupe_key="")
    else:
        old.delete()
    return count
