"""Forwarded headers count only when they come from a proxy we run.

`TrustedProxyMiddleware` runs first. When the peer (REMOTE_ADDR) is one of `HUB_TRUSTED_PROXIES`, the
client's address is read from X-Forwarded-For, right to left, skipping our own proxies, and becomes
REMOTE_ADDR (what the audit log, throttles and lockouts see); the proxy's address is kept in
`HUB_PROXY_ADDR`, and DRF is told to use REMOTE_ADDR only (NUM_PROXIES = 0). From any other peer,
X-Forwarded-For/-Proto/-Host and Forwarded are removed before anything reads them: a client cannot claim
another address, or HTTPS (SECURE_PROXY_SSL_HEADER). gunicorn gets the same list (FORWARDED_ALLOW_IPS)
for the scheme it reports.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED")


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"HUB_TRUSTED_PROXIES: {exc}") from exc


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        parsed = ipaddress.ip_address(value)
    except ValueError:
        return None
    # ::ffff:172.18.0.1 (gunicorn bound to [::]) is the IPv4 address it wraps
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def trusted(address: str, networks: Iterable[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The first address, from the right, that is not one of our proxies (the peer when none is given)."""
    if not trusted(peer, networks):
        return peer
    for hop in reversed([hop for hop in forwarded_for.split(",") if hop.strip()]):
        parsed = _address(hop)
        if parsed is None:
            return peer  # garbage in the chain: believe only what we saw
        if not any(parsed in network for network in networks):
            return str(parsed)
    return peer


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        networks = _networks(tuple(settings.HUB_TRUSTED_PROXIES))
        peer = request.META.get("REMOTE_ADDR", "")
        if trusted(peer, networks):
            request.META["HUB_PROXY_ADDR"] = peer
            request.META["REMOTE_ADDR"] = client_address(peer, request.META.get("HTTP_X_FORWARDED_FOR", ""), networks)
        else:
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
