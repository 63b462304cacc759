"""Admin sign-in: failed attempts are logged and limited per client and per username.

Counts live in Django's cache (shared between processes when ``REDIS_URL`` is set). The client
is known by its fingerprint (``cms.clients``), never its address; the password is never logged.
While either count is over its limit, sign-in is refused without checking the password, so
guessing cannot go on, and the count starts again ``LOCKOUT_SECONDS`` after the first failure.
"""

import hashlib
import logging

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from cms.clients import client_fingerprint

logger = logging.getLogger(__name__)

MAX_FAILURES_PER_CLIENT = 20
MAX_FAILURES_PER_USERNAME = 5
LOCKOUT_SECONDS = 15 * 60


def _counters(request, username: str) -> list[tuple[str, int]]:
    client = client_fingerprint(request, purpose="admin-login")
    user = hashlib.sha256(username.casefold().encode()).hexdigest()
    return [
        (f"admin-login:client:{client}", MAX_FAILURES_PER_CLIENT),
        (f"admin-login:user:{user}", MAX_FAILURES_PER_USERNAME),
    ]


def _client_label(request) -> str:
    """Enough of the fingerprint to follow one client through the log."""
    return client_fingerprint(request, purpose="admin-login")[:12]


def login_locked(request, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _counters(request, username))


def login_failure_record(request, username: str) -> None:
    for key, _limit in _counters(request, username):
        if not cache.add(key, 1, timeout=LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=LOCKOUT_SECONDS)
    logger.warning(
        "Admin sign-in failed for username %r from client %s.",
        username[:150],
        _client_label(request),
    )


def login_success_record(request, username: str) -> None:
    """A right password clears the username's count (not the client's)."""
    cache.delete(_counters(request, username)[1][0])


class LimitedAdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": "Too many failed sign-in attempts. Try again in "
        f"{LOCKOUT_SECONDS // 60} minutes.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if self.request is None or not username or not self.cleaned_data.get("password"):
            return super().clean()
        if login_locked(self.request, username):
            logger.warning(
                "Admin sign-in refused for username %r from client %s: too many failures.",
                username[:150],
                _client_label(self.request),
            )
            raise ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failure_record(self.request, username)
            raise
        login_success_record(self.request, username)
        return cleaned
