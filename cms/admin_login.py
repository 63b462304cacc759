"""Admin sign-in: failed attempts are logged and limited, without letting anyone lock the real
user out.

Three counts live in Django's cache (shared between processes when ``REDIS_URL`` is set):

- per username **and** client: after ``MAX_FAILURES_PER_PAIR`` failures that client may not
  try that username for ``FIRST_DELAY_SECONDS``, and each further lockout within a day lasts
  twice as long as the one before (up to a day). A guesser locks out only itself: the real user
  signs in from their own address meanwhile.
- per client, whatever the username (``MAX_FAILURES_PER_CLIENT`` in ``CLIENT_WINDOW_SECONDS``):
  one client trying many usernames.
- per username, whatever the client (``MAX_FAILURES_PER_USERNAME`` in
  ``USERNAME_WINDOW_SECONDS``): a ceiling, far above one client's limit, against guessing spread
  over many addresses. Reaching it refuses the username everywhere until the window ends.

While a count is over its limit, sign-in is refused without checking the password, so guessing
cannot go on. The client is known by its fingerprint (``kernel.clients``, which honours
``NUM_PROXIES``), never its address; the password is never logged.
"""

import hashlib
import logging
import math
from dataclasses import dataclass

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from kernel.clients import client_fingerprint

logger = logging.getLogger(__name__)

MAX_FAILURES_PER_PAIR = 5
FIRST_DELAY_SECONDS = 60
MAX_DELAY_SECONDS = 24 * 60 * 60
# How long a pair's failures, and its lockouts (for the growing delay), are remembered.
PAIR_WINDOW_SECONDS = 60 * 60
LOCKOUTS_WINDOW_SECONDS = 24 * 60 * 60
MAX_FAILURES_PER_CLIENT = 20
CLIENT_WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USERNAME = 50
USERNAME_WINDOW_SECONDS = 60 * 60


@dataclass(frozen=True)
class _Keys:
    client: str
    username: str
    pair: str  # failures of this username from this client
    pair_lockouts: str  # how many times the pair was locked out
    pair_locked_until: str  # the end of the pair's lockout (a timestamp)


def _keys(request, username: str) -> _Keys:
    client = client_fingerprint(request, purpose="admin-login")
    user = hashlib.sha256(username.casefold().encode()).hexdigest()
    return _Keys(
        client=f"admin-login:client:{client}",
        username=f"admin-login:user:{user}",
        pair=f"admin-login:pair:{client}:{user}",
        pair_lockouts=f"admin-login:pair-lockouts:{client}:{user}",
        pair_locked_until=f"admin-login:pair-locked-until:{client}:{user}",
    )


def _client_label(request) -> str:
    """Enough of the fingerprint to follow one client through the log."""
    return client_fingerprint(request, purpose="admin-login")[:12]


def _count(key: str, window_seconds: int) -> int:
    """Add one to the count at ``key``, which ends ``window_seconds`` after its first one."""
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return 1


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def login_refusal(request, username: str) -> str | None:
    """Why sign-in is refused for ``username`` from this client now, or None."""
    keys = _keys(request, username)
    counts = cache.get_many([keys.client, keys.username, keys.pair_locked_until])
    locked_for = counts.get(keys.pair_locked_until, 0) - timezone.now().timestamp()
    if locked_for > 0:
        return f"Too many failed sign-in attempts. Try again in {_minutes(locked_for)}."
    for key, limit, window in (
        (keys.client, MAX_FAILURES_PER_CLIENT, CLIENT_WINDOW_SECONDS),
        (keys.username, MAX_FAILURES_PER_USERNAME, USERNAME_WINDOW_SECONDS),
    ):
        if counts.get(key, 0) >= limit:
            return f"Too many failed sign-in attempts. Try again within {_minutes(window)}."
    return None


def login_failure_record(request, username: str) -> None:
    keys = _keys(request, username)
    _count(keys.client, CLIENT_WINDOW_SECONDS)
    _count(keys.username, USERNAME_WINDOW_SECONDS)
    if _count(keys.pair, PAIR_WINDOW_SECONDS) >= MAX_FAILURES_PER_PAIR:
        lockouts = _count(keys.pair_lockouts, LOCKOUTS_WINDOW_SECONDS)
        delay = min(FIRST_DELAY_SECONDS * 2 ** (lockouts - 1), MAX_DELAY_SECONDS)
        until = timezone.now().timestamp() + delay
        cache.set(keys.pair_locked_until, until, timeout=delay)
        cache.delete(keys.pair)
        logger.warning(
            "Admin sign-in for username %r from client %s locked for %d s (lockout %d).",
            username[:150],
            _client_label(request),
            delay,
            lockouts,
        )
    logger.warning(
        "Admin sign-in failed for username %r from client %s.",
        username[:150],
        _client_label(request),
    )


def login_success_record(request, username: str) -> None:
    """A right password clears the pair's failures and lockouts; the client's count and the
    username's ceiling run on (other clients may be guessing)."""
    keys = _keys(request, username)
    cache.delete_many([keys.pair, keys.pair_lockouts])


class LimitedAdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if self.request is None or not username or not self.cleaned_data.get("password"):
            return super().clean()
        refusal = login_refusal(self.request, username)
        if refusal:
            logger.warning(
                "Admin sign-in refused for username %r from client %s: too many failures.",
                username[:150],
                _client_label(self.request),
            )
            raise ValidationError(refusal, code="too_many_attempts")
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failure_record(self.request, username)
            raise
        login_success_record(self.request, username)
        return cleaned
