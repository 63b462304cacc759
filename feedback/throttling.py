"""One submission budget per client, shared by every API (REST and GraphQL).

Fixed windows counted in Django's cache (shared between processes when ``REDIS_URL`` is set),
keyed by the client fingerprint, never by an address. The rate is the "feedback" throttle rate
in ``settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def feedback_rate() -> tuple[int, int]:
    """(submissions allowed, per this many seconds), e.g. "5/minute" is (5, 60)."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["feedback"]
    count, period = rate.split("/")
    return int(count), PERIOD_SECONDS[period.strip()[0]]


def spend_submission(fingerprint: str) -> int | None:
    """Count one submission; None when it fits the budget, else seconds until it resets."""
    allowed, period = feedback_rate()
    now = time.time()
    window = int(now // period)
    key = f"feedback:throttle:{fingerprint}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        used = 1
    if used <= allowed:
        return None
    return max(1, math.ceil((window + 1) * period - now))
