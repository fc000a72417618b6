"""Password guessing is stopped at the door. Failed sign-ins are counted, over a window, three ways:

- an account from one address: past HUB_LOGIN_FAILURES_PER_ACCOUNT (5), that address may not sign in to
  that account until the window ends;
- an account from anywhere: past HUB_LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE (50), nobody may (guessing spread
  over many addresses); high enough that locking someone out from elsewhere takes a sustained attack,
  which the audit log shows, and `manage.py unlock_sign_in` undoes;
- an address, whatever the accounts: past HUB_LOGIN_FAILURES_PER_ADDRESS (20).

Each attempt is counted before the password is checked, so concurrent guesses get exactly the allowed
number of checks; a successful sign-in gives its attempt back and clears its account's counts. While locked,
even the right password is refused, and locked attempts are not counted (they use nobody's allowance).
Counters live in Redis (hub.ratelimit), shared by every process and host; the address is REMOTE_ADDR, which
hub.proxies sets from a trusted proxy's X-Forwarded-For only (IPv6 counted by /64).
"""

from __future__ import annotations

import hashlib
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import ngettext

from hub import ratelimit

from .audit import client_ip

LOCKED_FOR = "hub_login_locked_for"  # request attribute: seconds, for the sign-in form's message


def account_prefix(username: str) -> str:
    return ratelimit.key("login", username)


def _counters(username: str, address: str | None) -> list[tuple[str, int]]:
    account = account_prefix(username)
    place = ratelimit.address_group(address) if address else "-"
    counters = [
        (account + ":from:" + hashlib.sha256(place.encode()).hexdigest()[:16], settings.HUB_LOGIN_FAILURES_PER_ACCOUNT),
        (account + ":anywhere", settings.HUB_LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE),
    ]
    if address:
        counters.append((ratelimit.key("login-address", place), settings.HUB_LOGIN_FAILURES_PER_ADDRESS))
    return counters


def locked_for(username: str, address: str | None) -> int:
    """Seconds before `username` may try again from `address`; 0 when it may now."""
    verdicts = [ratelimit.peek(counter, limit=limit) for counter, limit in _counters(username, address)]
    return max((verdict.retry_after for verdict in verdicts if not verdict.allowed), default=0)


def locked_message(seconds: int) -> str:
    """What a locked-out person is told: how long to wait, in whole minutes."""
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Too many failed sign-ins: try again in %(minutes)d minute.",
        "Too many failed sign-ins: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def address_counter(kind: str, address: str | None) -> str:
    return ratelimit.key(kind, ratelimit.address_group(address or "-"))


def address_locked_for(kind: str, address: str | None) -> int:
    """Seconds before `address` may try `kind` of sign-in again (0: now), failures counted by `failed_from`."""
    verdict = ratelimit.peek(address_counter(kind, address), limit=settings.HUB_LOGIN_FAILURES_PER_ADDRESS)
    return verdict.retry_after


def failed_from(kind: str, address: str | None) -> None:
    limit, window = settings.HUB_LOGIN_FAILURES_PER_ADDRESS, settings.HUB_LOGIN_LOCKOUT_SECONDS
    ratelimit.hit(address_counter(kind, address), limit=limit, window=window)


def unlock(username: str) -> int:
    """Clear every count of `username`'s account (from every address); how many counters were cleared."""
    return ratelimit.forget_all(account_prefix(username) + ":*")


class LockoutBackend(ModelBackend):
    """Django's password check, counted, and refused outright (no other backend asked) while locked."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        name = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if name is None or password is None:
            return None
        counters = _counters(str(name), client_ip(request))
        wait = locked_for(str(name), client_ip(request))
        if not wait:  # count this attempt first: concurrent guesses cannot all slip under the limit
            window = settings.HUB_LOGIN_LOCKOUT_SECONDS
            verdicts = [ratelimit.hit(counter, limit=limit, window=window) for counter, limit in counters]
            wait = max((verdict.retry_after for verdict in verdicts if not verdict.allowed), default=0)
        if wait:
            if request is not None:
                setattr(request, LOCKED_FOR, wait)
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            for counter, _limit in counters[:2]:
                ratelimit.forget(counter)
            if len(counters) > 2:
                ratelimit.give_back(counters[2][0])
        return user

    async def aauthenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        # ModelBackend's own async path would skip the counting
        return await sync_to_async(self.authenticate)(request, username=username, password=password, **kwargs)
