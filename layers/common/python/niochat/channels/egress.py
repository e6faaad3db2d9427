"""The egress guard: where the provider clients may send a request.

`check(url)` accepts an http(s) URL without userinfo whose host resolves (socket.getaddrinfo) only to public
addresses, and raises EgressRefused otherwise: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16,
fe80::/10), multicast, reserved, unspecified, carrier-grade NAT (100.64/10), documentation and the other
non-global ranges, the cloud metadata addresses, and IPv6 forms that carry one of those (IPv4-mapped, 6to4,
NAT64). A host that does not resolve is refused too ("host not found").

One allowance, for local development only: PROVIDER_ALLOW_LOOPBACK=1 (niochat.settings) permits loopback
(127.0.0.0/8, ::1) and nothing else: never a private, link-local or metadata address. It is off unless set;
AWS never sets it, the local stack (infra/local) does (its fake providers and a developer's provider run on
loopback).

`connect_addresses(host, port)` is the same check at connection time (niochat.channels.http connects only to
the addresses it returns), so a name that resolves to a public address for `check` and to an internal one a
moment later (DNS rebinding) is still refused.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from niochat.channels.base import PROVIDER_ADDRESS_REFUSED, ProviderError
from niochat.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance metadata and credential endpoints (AWS IMDS and ECS, AWS IMDS over IPv6, Alibaba, Oracle): inside
# ranges refused anyway; named so the log says what was aimed at.
METADATA_ADDRESSES = ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
METADATA = frozenset(ipaddress.ip_address(a) for a in METADATA_ADDRESSES)
CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
SCHEMES = {"http": 80, "https": 443}
# How the reasons of two refusals start (inboxes/models.py tells an admin which one it was).
HOST_NOT_FOUND = "host not found"
USERINFO = "the URL carries userinfo"


class EgressRefused(ProviderError):
    """The guard refused a URL. `reason` (for the log) says why; the message (for clients) is fixed."""

    def __init__(self, reason: str, message: str = PROVIDER_ADDRESS_REFUSED) -> None:
        super().__init__(message, None, None, detail=reason)
        self.reason = reason


def allow_loopback() -> bool:
    return get_settings().provider_allow_loopback


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and routes to (IPv4-mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress, loopback_allowed: bool) -> str | None:
    """Why `address` may not be connected to (a short phrase), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        address = ipaddress.IPv6Address(address.packed)  # without a scope id (fe80::1%eth0)
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = refusal(embedded, loopback_allowed)
            if inner is not None:
                return f"{inner} ({embedded} inside {address})"
            if address.ipv4_mapped is not None:
                return None  # ::ffff:a.b.c.d is a.b.c.d
    if address in METADATA:
        return "metadata address"
    if address.is_loopback:
        return None if loopback_allowed else "loopback"
    for reason, refused in (
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("carrier-grade NAT", isinstance(address, ipaddress.IPv4Address) and address in CARRIER_GRADE_NAT),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not a public address", not address.is_global),
    ):
        if refused:
            return reason
    return None


def _resolve(host: str, port: int, message: str) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):  # socket.gaierror is an OSError; a bad IDNA name a UnicodeError
        found = []
    addresses = list(dict.fromkeys(str(entry[4][0]) for entry in found))
    if not addresses:
        raise EgressRefused(f"{HOST_NOT_FOUND}: {host}", message)
    return addresses


def connect_addresses(host: str, port: int, message: str = PROVIDER_ADDRESS_REFUSED) -> list[str]:
    """The addresses `host` resolves to, every one of them allowed; EgressRefused if any is not."""
    loopback_allowed = allow_loopback()
    addresses = _resolve(host, port, message)
    for raw in addresses:
        try:
            address = ipaddress.ip_address(raw)
        except ValueError:
            raise EgressRefused(f"{host} resolves to an unreadable address {raw!r}", message) from None
        reason = refusal(address, loopback_allowed)
        if reason is not None:
            raise EgressRefused(f"{host} resolves to {raw}: {reason}", message)
    return addresses


def check(url: str, message: str = PROVIDER_ADDRESS_REFUSED) -> None:
    """Raise EgressRefused(reason) unless `url` is http(s), has no userinfo and its host resolves only to
    allowed addresses. `message` is what a client will be told (the reason goes to the log)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise EgressRefused("malformed URL", message) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise EgressRefused(f"scheme {scheme or '(none)'} is not http(s)", message)
    if "@" in parts.netloc:
        raise EgressRefused(USERINFO, message)
    if not host:
        raise EgressRefused("the URL has no host", message)
    connect_addresses(host, port or SCHEMES[scheme], message)


def server_url(value: str) -> str:
    """A server URL an admin configures (an integration's base URL), normalized, for a pydantic validator:
    ValueError (in Portuguese) unless it is http(s), without userinfo, and points at a public address."""
    value = value.strip().rstrip("/")
    try:
        parts = urlsplit(value)
        valid = parts.scheme in SCHEMES and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a malformed IPv6 host or port
        valid = False
    if not valid or any(ch.isspace() for ch in value):
        raise ValueError("Informe uma URL http(s) válida")
    try:
        check(value)
    except EgressRefused as refused:
        if refused.reason.startswith(HOST_NOT_FOUND):
            raise ValueError("Endereço do servidor não encontrado (o nome não resolve)") from None
        if refused.reason.startswith(USERINFO):
            raise ValueError("Informe a URL sem usuário e senha") from None
        raise ValueError(
            "Endereço do servidor não permitido: use um servidor público (sem endereços internos, de loopback "
            "ou de metadados)"
        ) from None
    return value
