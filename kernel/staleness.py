"""Values a process reads from the database and reuses for ``PUBLIC_HEAD_STALENESS_MS``: the
versions public answers are validated and cached by (the publication log's head, the
persisted documents' state), read once per bound rather than once per request.

A reused value is at most the bound old: a read that began then saw every commit before it.
It is read afresh, and not kept, inside a transaction (which may have written what it reads),
inside ``http_cache.bypassed()`` (a release preview), with the bound 0, and once
``expired(value)`` says so. One value per database alias, so a request
reading a replica is answered by that replica's version, never another database's.
"""

import threading
from collections.abc import Callable
from time import monotonic

from django.conf import settings
from django.db import connections

from kernel.http_cache import is_bypassed


class Reused[T]:
    def __init__(self, read: Callable[..., T], *, expired: Callable[[T], bool] | None = None):
        """``read(connection)`` reads the value; ``expired(value)``, if given, says when a
        reused value may no longer be served whatever its age."""
        self.read = read
        self.expired = expired
        self.values: dict[str, tuple[T, float]] = {}
        self.lock = threading.Lock()

    def get(self, alias: str) -> T:
        connection = connections[alias]
        bound = settings.PUBLIC_HEAD_STALENESS_MS / 1000
        if bound <= 0 or connection.in_atomic_block or is_bypassed():
            return self.read(connection)
        started = monotonic()
        with self.lock:
            kept = self.values.get(alias)
        if kept is not None:
            value, read_at = kept
            if started - read_at < bound and not (self.expired and self.expired(value)):
                return value
        value = self.read(connection)
        with self.lock:
            self.values[alias] = (value, started)
        return value

    def forget(self) -> None:
        """Read afresh on the next request (after this process changed what is read)."""
        with self.lock:
            self.values.clear()
