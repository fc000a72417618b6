"""Password guessing is stopped at the door: after too many failed sign-ins an account is locked for a
while, whatever address the attempts come from, and so is an address, whatever accounts it tries.

The counters live in Redis (hub.ratelimit), shared by every process and every host, so one admin cannot be
used to guess what another refuses. The address is REMOTE_ADDR, which hub.proxies sets from a trusted
proxy's X-Forwarded-For only: a client cannot spread its attempts over invented addresses. A successful
sign-in clears its account's counter. While locked, even the right password is refused.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from hub import ratelimit

from .audit import client_ip

LOCKED_FOR = "hub_login_locked_for"  # request attribute: seconds, for the sign-in form's message


def _counters(username: str, address: str | None) -> list[tuple[str, int]]:
    counters = [(ratelimit.key("login-account", username), settings.HUB_LOGIN_FAILURES_PER_ACCOUNT)]
    if address:
        counters.append((ratelimit.key("login-address", address), settings.HUB_LOGIN_FAILURES_PER_ADDRESS))
    return counters


def locked_for(username: str, address: str | None) -> int:
    """Seconds before `username` may try again from `address`; 0 when it may now."""
    verdicts = [ratelimit.peek(counter, limit=limit) for counter, limit in _counters(username, address)]
    return max((verdict.retry_after for verdict in verdicts if not verdict.allowed), default=0)


def record_failure(username: str, address: str | None) -> None:
    for counter, limit in _counters(username, address):
        ratelimit.hit(counter, limit=limit, window=settings.HUB_LOGIN_LOCKOUT_SECONDS)


def record_success(username: str) -> None:
    ratelimit.forget(ratelimit.key("login-account", username))


class LockoutBackend(ModelBackend):
    """Django's password check, refused outright (no other backend asked) while the account or the
    address is locked out."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        name = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if name is None or password is None:
            return None
        wait = locked_for(str(name), client_ip(request))
        if wait:
            if request is not None:
                setattr(request, LOCKED_FOR, wait)
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
