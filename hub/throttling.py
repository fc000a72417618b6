"""Writes are rate-limited per client (the person behind an API token or a session, or the partner) and per
address (IPv6 by /64), over a minute: making more tokens does not buy more writes.

REST writes (POST, PUT, PATCH, DELETE) go through `WriteThrottle` (a DRF throttle, after authentication
and permissions), GraphQL mutations through `wait_before_write()` in the GraphQL view. Reads are not
limited here (GraphQL's cost limits bound each query). The address is REMOTE_ADDR, which hub.proxies sets
from trusted proxies only. Counters live in Redis (hub.ratelimit): exact under concurrency, shared by
every process, failing open without Redis. A limit of 0 turns that limit off.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from hub import ratelimit

WINDOW = 60


def wait_before_write(request: HttpRequest, *, client: str | None) -> int:
    """Count one write; the seconds to wait when it is over a limit, else 0."""
    counters = []
    if client:
        counters.append((ratelimit.key("writes-client", client), settings.HUB_WRITES_PER_MINUTE_PER_CLIENT))
    address = request.META.get("REMOTE_ADDR")
    if address:
        group = ratelimit.address_group(address)
        counters.append((ratelimit.key("writes-address", group), settings.HUB_WRITES_PER_MINUTE_PER_ADDRESS))
    verdicts = [ratelimit.hit(counter, limit=limit, window=WINDOW) for counter, limit in counters]
    return max((verdict.retry_after for verdict in verdicts if not verdict.allowed), default=0)


def client_of(token: Any, person: Any) -> str | None:
    """Whom a write is counted against: the person (whichever of their tokens or sessions), else the partner
    behind a partner token, else nobody (the address only)."""
    if getattr(token, "user_id", None) is not None:
        return f"person:{token.user_id}"
    if getattr(token, "partner_id", None) is not None:
        return f"partner:{token.partner_id}"
    if person is not None and getattr(person, "is_authenticated", False):
        return f"person:{person.pk}"
    return None


class WriteThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        self._wait = wait_before_write(request._request, client=client_of(request.auth, request.user))
        return self._wait == 0

    def wait(self) -> float | None:
        return getattr(self, "_wait", None) or None
