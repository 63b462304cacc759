"""Public reads on a streaming replica, everything else on the primary.

Every database alias besides ``default`` is a replica (``DATABASE_REPLICA_URLS``). The choice
is made per request, not per URL: a request to a public view with one of the methods it reads
with (GET or HEAD, marked with :func:`replica_reads`; GraphQL also POST) reads from one replica
for the whole request (:class:`PublicReadsMiddleware`), so the publication log's head that keys
its ETag and its data come from the same database. Every write, every other request (the admin,
other POSTs) and whatever runs under :func:`on_primary` (previews, mutations) reads from the
primary; migrations run on the primary only. A request that reaches its view under
:func:`on_primary` (a release preview) is never moved to a replica.

Whether a replica may serve is decided by a probe per process, at most once every
``DATABASE_REPLICA_PROBE_SECONDS`` (by the first request after that, never by every request):
``DATABASE_REPLICA_LAG_PROBE`` measures how many seconds the replica's publication log is
behind the primary's. A replica further behind than ``DATABASE_REPLICA_MAX_LAG``, or that
cannot be reached, is left out until a probe finds it caught up; with none left, public reads
go to the primary. Each change is logged once per process.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS

# The alias this request reads from; None: the primary.
_reading_from: ContextVar[str | None] = ContextVar("reading_from", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in connections if alias != PRIMARY]


@contextmanager
def on_primary():
    """Reads in this block from the primary: what must see the latest writes (an editor's
    preview, a mutation). Also a decorator: ``@on_primary()``."""
    token = _reading_from.set(PRIMARY)
    try:
        yield
    finally:
        _reading_from.reset(token)


class ReplicaRouter:
    """Reads where the request reads from (see the module's docstring); the rest on the
    primary."""

    def db_for_read(self, model, **hints):
        return _reading_from.get() or PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


READ_METHODS = ("GET", "HEAD")


def replica_reads(view):
    """Mark a public view: asked with GET or HEAD, it reads from a replica. (A view class
    says so with ``replica_read_methods``.)"""
    view.replica_read_methods = READ_METHODS
    return view


def _replica_read_methods(view) -> tuple[str, ...]:
    return getattr(view, "replica_read_methods", None) or getattr(
        getattr(view, "view_class", None), "replica_read_methods", ()
    )


class PublicReadsMiddleware:
    """Runs a request to a view marked with :func:`replica_reads` on a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading_from.set(None)
        try:
            return self.get_response(request)
        finally:
            _reading_from.reset(token)

    def process_view(self, request, view, args, kwargs):
        # A request a middleware put on the primary (a release preview) stays there.
        if _reading_from.get() == PRIMARY:
            return None
        if request.method in _replica_read_methods(view):
            _reading_from.set(health.pick())
        return None


class ReplicaHealth:
    """Which replicas may serve, as this process's last probe found them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._probed_at: float | None = None
        self._serving: dict[str, bool] = {}
        self.lag: dict[str, float | None] = {}  # seconds behind; None: unreachable

    def pick(self) -> str:
        """A replica that may serve, at random (spreading the reads), else the primary."""
        replicas = replica_aliases()
        if not replicas:
            return PRIMARY
        self.probe_when_due()
        serving = [alias for alias in replicas if self._serving.get(alias)]
        return random.choice(serving) if serving else PRIMARY

    def probe_when_due(self) -> None:
        now = time.monotonic()
        due = self._probed_at is None or now - self._probed_at >= (
            settings.DATABASE_REPLICA_PROBE_SECONDS
        )
        if due and self._lock.acquire(blocking=False):  # one probe at a time per process
            try:
                self._probed_at = now
                self.probe()
            finally:
                self._lock.release()

    def probe(self) -> None:
        measure: Callable[..., float] = import_string(settings.DATABASE_REPLICA_LAG_PROBE)
        for alias in replica_aliases():
            try:
                lag = measure(replica=alias, primary=PRIMARY)
            except DatabaseError as error:
                connections[alias].close()  # connect afresh next time
                self._note(alias, None, error)
            else:
                self._note(alias, lag)

    def _note(self, alias: str, lag: float | None, error: Exception | None = None) -> None:
        """Keep what the probe found; log when a replica stops or starts serving."""
        self.lag[alias] = lag
        limit = settings.DATABASE_REPLICA_MAX_LAG
        serving = lag is not None and lag <= limit
        was_serving = self._serving.get(alias, True)
        self._serving[alias] = serving
        if serving and not was_serving:
            logger.warning(
                "Replica %s is back (%.1f s behind): public reads on it again.", alias, lag
            )
        elif not serving and was_serving:
            if lag is None:
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                why = f"unreachable ({first_line})"
            else:
                why = f"{lag:.1f} s behind the primary (over {limit:g} s)"
            logger.error("Replica %s is %s: its public reads go to the primary.", alias, why)

    def forget(self) -> None:
        """Probe again at the next request, as a fresh process would."""
        self._probed_at = None
        self._serving.clear()
        self.lag.clear()


health = ReplicaHealth()
