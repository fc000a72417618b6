"""Counting attempts in fixed windows, in Redis (the cache's database), atomically across every process.

`hit()` adds one to a counter that lives `window` seconds from its first hit and says whether the caller is
still within `limit`. Keys do not depend on the active venue schema (unlike the Django cache's): a login
refused on one host is refused on all. If Redis fails, limits fail open (they protect the hub, they must
never take it down) and Redis is left alone for a few seconds, so that an outage costs no request a timeout.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

import redis
from django.conf import settings

from hub.redis_clients import ProcessClient

logger = logging.getLogger(__name__)
PREFIX = "hub:limit:"
PAUSE_AFTER_FAILURE = 5.0

_paused_until = 0.0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends (0 when allowed)


OPEN = Verdict(True, 0, 0)


# No retries, short timeouts: a limit is not worth making a request wait.
_redis = ProcessClient(lambda: settings.CACHES["default"]["LOCATION"], timeout=2)


def _unavailable(what: str) -> Verdict:
    global _paused_until
    _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
    logger.warning(
        "limits not enforced for %.0f s (%s): Redis is unavailable", PAUSE_AFTER_FAILURE, what, exc_info=True
    )
    return OPEN


def key(kind: str, *values: str) -> str:
    """A counter's key; the values (an e-mail address, an address…) are hashed, never stored."""
    joined = "\x1f".join(value.strip().lower() for value in values)
    return PREFIX + kind + ":" + hashlib.sha256(joined.encode()).hexdigest()[:32]


def address_group(address: str) -> str:
    """Whom an address stands for: itself (IPv4), or its /64 network (IPv6: one host holds many addresses)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def hit(counter: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt; allowed while the window holds at most `limit` of them (limit 0: no limit)."""
    if limit <= 0 or time.monotonic() < _paused_until:
        return OPEN
    try:
        client = _redis()
        pipe = client.pipeline(transaction=True)
        pipe.set(counter, 0, ex=window, nx=True)  # the window starts with the first hit (INCR keeps the TTL)
        pipe.incr(counter)
        pipe.ttl(counter)
        _, count, ttl = pipe.execute()
        if int(ttl) < 0:  # a counter without an end would lock forever: give it one
            client.expire(counter, window)
            ttl = window
    except (redis.RedisError, ValueError):
        return _unavailable("count")
    allowed = int(count) <= limit
    return Verdict(allowed, int(count), 0 if allowed else max(int(ttl), 1))


def peek(counter: str, *, limit: int) -> Verdict:
    """Whether the counter has reached `limit`, without counting."""
    if limit <= 0 or time.monotonic() < _paused_until:
        return OPEN
    try:
        pipe = _redis().pipeline(transaction=True)
        pipe.get(counter)
        pipe.ttl(counter)
        count, ttl = pipe.execute()
    except (redis.RedisError, ValueError):
        return _unavailable("read")
    count = int(count or 0)
    return Verdict(count < limit, count, 0 if count < limit else max(int(ttl), 1))


def give_back(counter: str) -> None:
    """Undo one hit (an attempt that turned out to be legitimate)."""
    if time.monotonic() < _paused_until:
        return
    try:
        _redis().decr(counter)
    except (redis.RedisError, ValueError):
        _unavailable("give back")


def forget(counter: str) -> None:
    if time.monotonic() < _paused_until:
        return
    try:
        _redis().delete(counter)
    except (redis.RedisError, ValueError):
        _unavailable("reset")


def forget_all(pattern: str) -> int:
    """Delete every counter whose key matches `pattern` (a Redis glob); how many were deleted."""
    try:
        client = _redis()
        keys = list(client.scan_iter(match=pattern, count=500))
        return int(client.delete(*keys)) if keys else 0
    except (redis.RedisError, ValueError):
        _unavailable("reset")
        return 0
