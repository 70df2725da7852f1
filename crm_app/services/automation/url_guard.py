"""Which addresses a webhook may call: public web addresses only (a guard against SSRF).

A rule may not point its webhook at the server's own network: loopback (127/8, ::1),
private ranges (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the
cloud metadata address, fe80::/10), 0.0.0.0, multicast and other non-global addresses.
The check is made when the rule is saved (on the address and, when the name resolves, on
every address it resolves to) and again when the job sends, after resolving the name; the
send then connects to the very address it checked and follows no redirects.

An installation whose webhooks do target its own network sets
``RAPPORT_WEBHOOK_ALLOW_PRIVATE=1``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

from ..i18n import N_

ENV = "RAPPORT_WEBHOOK_ALLOW_PRIVATE"
NOT_PUBLIC = N_(
    "The address must be a public web address (not a local or private network address)."
)


class UnsafeAddress(ValueError):
    """The webhook's address is, or resolves to, a non-public network address."""


def allow_private() -> bool:
    """True when the installation allows webhooks to local and private addresses."""
    return os.environ.get(ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def resolve(host: str, port: int) -> list[str]:
    """Every IP address ``host`` resolves to (raises OSError when it does not resolve)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    """True for a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        raise UnsafeAddress("the address has no host")
    return host, parts.port or (443 if parts.scheme == "https" else 80)


def literal_refused(url: str) -> bool:
    """True when the address names a non-public IP itself (no name lookup needed)."""
    if allow_private():
        return False
    try:
        host, _ = _host_port(url)
    except (UnsafeAddress, ValueError):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return not is_public(host)


def checked_addresses(url: str) -> list[str]:
    """Resolve the address's host; raise UnsafeAddress when any result is not public.

    Returns the addresses to connect to (all of them allowed). Raises OSError when the
    name does not resolve.
    """
    host, port = _host_port(url)
    addresses = resolve(host, port)
    if not addresses:
        raise OSError(f"{host} does not resolve")
    if not allow_private():
        bad = [a for a in addresses if not is_public(a)]
        if bad:
            raise UnsafeAddress(f"{host} is not a public address ({bad[0]})")
    return addresses


def refused_at_save(url: str) -> bool:
    """True when a rule may not be saved with this address.

    A name that does not resolve now is accepted (the send checks again).
    """
    if literal_refused(url):
        return True
    try:
        checked_addresses(url)
    except UnsafeAddress:
        return True
    except (OSError, UnicodeError, ValueError):
        return False
    return False
