"""Request budgets: a fixed number of requests per client per window, counted atomically.

Fixed windows counted in Django's cache with ``add`` and ``incr``, which are atomic in Redis
(``SET NX``, ``INCR``) and in the local-memory cache: concurrent requests, in one process or
many sharing ``REDIS_URL``, never let more than the rate through a window. A refused request
still counts, at constant cost (one ``INCR``), so hammering never buys anything. While Redis
is unreachable the cache counts in each process's memory (``kernel.cache``): a rate per
process, never none.

The project decides who a client is and which rate applies (``partners.throttling``); REST uses
this through a DRF throttle class, GraphQL and feeds through :func:`throttle_view`.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, rate: str) -> "Rate":
        """DRF's notation: "120/minute", "5/m", "1000/hour", "10/second", "50000/day"."""
        count, period = rate.split("/")
        return cls(requests=int(count), seconds=PERIOD_SECONDS[period.strip()[0]])


@dataclass(frozen=True)
class Budget:
    """A client's allowance: ``key`` names the client and its scope, never an address."""

    key: str
    rate: Rate


def spend(budget: Budget, *, now: float | None = None) -> int | None:
    """Count one request; None when it fits the budget, else the seconds until it resets."""
    rate = budget.rate
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = f"throttle:{budget.key}:{window}"
    timeout = rate.seconds + 1
    try:
        used = cache.incr(key)
    except ValueError:  # the window's first request: start it, unless another just did
        used = 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)
    if used <= rate.requests:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))


class Refused(Exception):
    """The request may not be served; ``response`` says why (e.g. an invalid API key)."""

    def __init__(self, response):
        super().__init__(response)
        self.response = response


def throttle_view(view, *, budget: Callable, refuse: Callable):
    """Wrap a plain Django view: ``budget(request)`` gives the client's :class:`Budget` (or
    raises :class:`Refused`); over it, ``refuse(request, retry_after)`` builds the answer in
    the view's own error shape, sent as 429 with ``Retry-After``."""

    @wraps(view)
    def throttled(request, *args, **kwargs):
        try:
            retry_after = spend(budget(request))
        except Refused as refused:
            return refused.response
        if retry_after is None:
            return view(request, *args, **kwargs)
        response = refuse(request, retry_after)
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
        return response

    return throttled
