"""Purge requests to the cache in front, by ``EDGE_PURGE_BACKEND``:

- ``varnish``: ``PURGE`` to each of ``EDGE_PURGE_URLS`` with ``xkey-purge: <keys>``, which the
  shipped VCL (deploy/varnish/) soft-purges with xkey, and ``xkey-position``: the last
  publication-log position purged (answers built before it are then not kept);
- ``fastly``: Fastly's batch purge by surrogate key, ``POST /service/<id>/purge`` with
  ``{"surrogate_keys": [...]}`` (at most 256 a request), ``Fastly-Key`` and
  ``fastly-soft-purge: 1``;
- ``http``: ``EDGE_PURGE_METHOD`` (``PURGE``) to each of ``EDGE_PURGE_URLS`` with
  ``Surrogate-Key: <keys>``, for a cache or a purger of one's own.

The standard library's client, with a timeout; any answer but 2xx is a failure.
"""

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import quote

from django.conf import settings

FASTLY_MAX_KEYS = 256
USER_AGENT = "ainews-cms-purge/1"


class PurgeFailed(Exception):
    pass


logger = logging.getLogger(__name__)


def purge(keys: list[str], *, position: int = 0) -> int:
    """Purge ``keys`` at the configured cache; returns how many requests that took."""
    backend = settings.EDGE_PURGE_BACKEND
    if backend == "fastly":
        return _fastly(keys)
    header = "xkey-purge" if backend == "varnish" else "Surrogate-Key"
    method = "PURGE" if backend == "varnish" else settings.EDGE_PURGE_METHOD
    extra = {"xkey-position": str(position)} if backend == "varnish" else _token_header()
    for url in settings.EDGE_PURGE_URLS:
        _send(method, url, headers={header: " ".join(keys), **extra})
    return len(settings.EDGE_PURGE_URLS)


def _token_header() -> dict[str, str]:
    token = settings.EDGE_PURGE_TOKEN
    return {"Authorization": f"Bearer {token}"} if token else {}


def _fastly(keys: list[str]) -> int:
    base = settings.EDGE_FASTLY_API_URL.rstrip("/")
    url = f"{base}/service/{quote(settings.EDGE_FASTLY_SERVICE_ID, safe='')}/purge"
    headers = {
        "Fastly-Key": settings.EDGE_FASTLY_API_TOKEN,
        "fastly-soft-purge": "1",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    chunks = [keys[at : at + FASTLY_MAX_KEYS] for at in range(0, len(keys), FASTLY_MAX_KEYS)]
    for chunk in chunks:
        _send("POST", url, headers=headers, body=json.dumps({"surrogate_keys": chunk}).encode())
    return len(chunks)


def _send(method: str, url: str, *, headers: dict[str, str], body: bytes | None = None) -> None:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"User-Agent": USER_AGENT, **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.EDGE_PURGE_TIMEOUT) as response:
            response.read(1024)
            # Varnish says how many objects it purged ("Purged 12 objects.").
            logger.info("%s %s: %s %s", method, url, response.status, response.reason)
    except urllib.error.HTTPError as error:
        raise PurgeFailed(f"{method} {url}: HTTP {error.code}") from None
    except (OSError, ValueError) as error:
        raise PurgeFailed(f"{method} {url}: {error}") from None
