"""Who is calling, without ever keeping their address.

Throttling and abuse control key on a fingerprint: an HMAC of the client address under the
secret key and today's date. It cannot be reversed, and it changes every day (UTC), so stored
fingerprints cannot link a reader's activity across days.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils import timezone


def client_address(request) -> str:
    """The caller's address; behind ``NUM_PROXIES`` trusted proxies, from X-Forwarded-For."""
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def client_fingerprint(request, *, purpose: str = "") -> str:
    """A salted, daily-rotating, irreversible hash of the client address (64 hex characters)."""
    day = timezone.now().date().isoformat()
    message = f"{purpose}|{day}|{client_address(request)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
