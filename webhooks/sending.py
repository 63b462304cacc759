"""One signed HTTP POST of a webhook: to the checked address, with a timeout, no redirects
followed, and a capped response excerpt. The standard library's client: no other dependency."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from standardwebhooks import Webhook

from webhooks.targets import Target, TargetRefused, target_resolve

USER_AGENT = "ainews-cms-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    duration_ms: int
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""


def signature(*, secrets: list[str], webhook_id: str, timestamp: datetime, body: str) -> str:
    """The ``webhook-signature`` header: one ``v1,`` signature per secret, space-separated."""
    return " ".join(Webhook(secret).sign(webhook_id, timestamp, body) for secret in secrets)


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; TLS names and verifies the URL's host."""

    def __init__(self, address, port, *, server_name, timeout):
        super().__init__(address, port, timeout=timeout, context=_tls())
        self.server_name = server_name

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = _tls().wrap_socket(sock, server_hostname=self.server_name)


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(target.url)
    if parts.scheme == "https":
        return _PinnedHTTPSConnection(
            parts.hostname, parts.port, server_name=target.server_name, timeout=timeout
        )
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def post(
    *, url: str, body: str, headers: dict[str, str], content_type: str = "application/json"
) -> Outcome:
    """POST ``body`` to ``url``; 2xx is a success, anything else (a redirect too) a failure."""
    started = time.monotonic()

    def failure(error: str) -> Outcome:
        duration = round((time.monotonic() - started) * 1000)
        return Outcome(succeeded=False, duration_ms=duration, error=error[:300])

    try:
        target = target_resolve(url)
    except TargetRefused as refused:
        return failure(f"Refused: {refused}")
    timeout = settings.WEBHOOK_TIMEOUT
    parts = urlsplit(target.url)
    connection = _connection(target, timeout)
    try:
        connection.putrequest(
            "POST",
            parts.path + (f"?{parts.query}" if parts.query else ""),
            skip_host=True,
            skip_accept_encoding=True,
        )
        sent = {
            **headers,
            "Host": target.host,
            "Content-Type": content_type,
            "Content-Length": str(len(data := body.encode())),
            "User-Agent": USER_AGENT,
        }
        for name, value in sent.items():
            connection.putheader(name, value)
        connection.endheaders(data)
        response = connection.getresponse()
        excerpt = response.read(settings.WEBHOOK_RESPONSE_EXCERPT_BYTES)
    except TimeoutError:
        return failure(f"No answer within {timeout:g} s.")
    except (OSError, http.client.HTTPException) as error:
        return failure(f"Connection failed: {error or type(error).__name__}")
    finally:
        connection.close()
    return Outcome(
        succeeded=200 <= response.status < 300,
        duration_ms=round((time.monotonic() - started) * 1000),
        status_code=response.status,
        excerpt=excerpt.decode("utf-8", errors="replace"),
    )
