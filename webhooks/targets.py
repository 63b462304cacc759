"""Where a webhook may go: https to a public address. Checked when a subscription is saved and
again at every delivery, where the request goes to the very address that was checked (a DNS
answer that changes in between cannot point a delivery at the internal network)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class TargetRefused(Exception):
    """The URL is not one a webhook may be sent to; the message says why."""


@dataclass(frozen=True)
class Target:
    url: str  # the URL with the checked address in place of the host name
    host: str  # the Host header
    server_name: str  # for TLS: SNI and certificate check


NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_HINT = (
    " For a receiver on this machine during development, set WEBHOOK_ALLOW_PRIVATE_TARGETS=1 "
    "(`make serve` does, with debug on)."
)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``address`` is a public one; an IPv6 address that carries an IPv4 one (mapped,
    or the NAT64 prefix a translator forwards to it) is judged by the IPv4 address."""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    elif address.version == 6 and address in NAT64:
        address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.is_global and not address.is_multicast


def _is_local(hostname: str) -> bool:
    """A host name that can only mean this machine or its network: where a developer's own
    receiver runs."""
    try:
        return not _is_public(ipaddress.ip_address(hostname))
    except ValueError:
        return hostname == "localhost" or hostname.endswith(".localhost")


def target_resolve(url: str) -> Target:
    """Check ``url`` and resolve its host to an address a delivery may connect to."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        hint = LOCAL_HINT if _is_local(parts.hostname or "") else ""
        raise TargetRefused(f"The target URL must use https.{hint}")
    if not parts.hostname or parts.username or parts.password:
        raise TargetRefused("The target URL needs a host name and no user or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as error:
        raise TargetRefused(f"The host {parts.hostname!r} cannot be resolved ({error}).") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    refused = [str(a) for a in addresses if not _is_public(a)]
    if refused and not allow_private:
        raise TargetRefused(
            f"The host {parts.hostname!r} resolves to a private, loopback or link-local "
            f"address ({', '.join(refused)}); webhooks go to public addresses only."
        )
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{port}"
    path = parts.path or "/"
    return Target(
        url=f"{parts.scheme}://{netloc}{path}" + (f"?{parts.query}" if parts.query else ""),
        host=parts.netloc.rpartition("@")[2],
        server_name=parts.hostname,
    )
