"""Django's Redis cache, done in this process's memory while Redis cannot be reached.

Everything the project keeps in its cache can be rebuilt or counted again: stored responses
are built again from the database, budgets (request throttles, feedback submissions, admin
sign-in failures) are counted per process instead of across processes, never not at all. So
an outage of Redis costs sharing, never an answer: an operation that cannot reach Redis is
done on a local-memory cache (bounded by ``OPTIONS["MAX_ENTRIES"]``, as LocMemCache is), the
outage is logged when this process first sees it and again when it ends. After a failure the
process leaves Redis alone for ``OPTIONS["RETRY_AFTER"]`` seconds (default 1), so a Redis that
hangs rather than refuses costs one request a second its timeout, not every operation; the first
operation after that tries Redis again, so the cache is shared again within a second of its
return.

Every key gets a time to live, ``timeout=None`` included (``LONGEST_TIMEOUT``), so Redis can
be bounded with ``maxmemory-policy volatile-lru``: it then evicts cache keys only, never the
task queue's jobs, which have none.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What "keep it" means for a cache key: a month, after which it is built or counted again.
LONGEST_TIMEOUT = 30 * 24 * 3600
# Options of the local-memory cache, not of the connection to Redis.
LOCAL_OPTIONS = ("MAX_ENTRIES", "CULL_FREQUENCY")
RETRY_AFTER = 1.0

_unreachable: set[str] = set()  # the Redis locations this process last found unreachable
_left_alone_until: dict[str, float] = {}  # location -> monotonic time to try it again
_unreachable_lock = threading.Lock()


class FailoverRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self._retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER))
        local = {name: options.pop(name) for name in LOCAL_OPTIONS if name in options}
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server
        self._local = LocMemCache(f"redis-failover:{server}", {**params, "OPTIONS": local})

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        timeout = super().get_backend_timeout(timeout)
        return LONGEST_TIMEOUT if timeout is None else timeout

    def _either(self, operation: str, *args, **kwargs):
        """``operation`` on Redis, else on the local-memory cache."""
        if time.monotonic() < _left_alone_until.get(self._location, 0.0):
            return getattr(self._local, operation)(*args, **kwargs)
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            _left_alone_until[self._location] = time.monotonic() + self._retry_after
            self._note(reachable=False, error=error)
            return getattr(self._local, operation)(*args, **kwargs)
        self._note(reachable=True)
        return result

    def _note(self, *, reachable: bool, error: RedisError | None = None) -> None:
        """Log when this process finds Redis unreachable, and when it finds it back."""
        if (self._location in _unreachable) != reachable:
            return
        with _unreachable_lock:
            if reachable and self._location in _unreachable:
                _unreachable.discard(self._location)
                logger.warning("Redis is reachable again: the cache is shared again.")
            elif not reachable and self._location not in _unreachable:
                _unreachable.add(self._location)
                logger.error(
                    "Redis is unreachable (%s): caching and counting budgets in each "
                    "process's memory until it is back.",
                    error,
                )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._either("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._either("delete", key, version)

    def get_many(self, keys, version=None):
        return self._either("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._either("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._either("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._either("delete_many", keys, version)

    def clear(self):
        return self._either("clear")
