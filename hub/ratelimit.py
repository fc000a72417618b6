"""Counting attempts in fixed windows, in Redis (the cache's database), atomically across every process.

`hit()` adds one to a counter that lives `window` seconds from its first hit and says whether the caller is
still within `limit`. Keys do not depend on the active venue schema (unlike the Django cache's): a login
refused on one host is refused on all. If Redis fails, limits fail open: they protect the hub, they must
never take it down.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)
PREFIX = "hub:limit:"

_client: redis.Redis | None = None


def _redis() -> redis.Redis:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(
            settings.CACHES["default"]["LOCATION"],
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
            retry=Retry(NoBackoff(), 0),
        )
    return _client


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends (0 when allowed)


def key(kind: str, value: str) -> str:
    """A counter's key; `value` (an e-mail address, a token…) is hashed, never stored."""
    return PREFIX + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def hit(counter: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt; allowed while the window holds at most `limit` of them (limit 0: no limit)."""
    if limit <= 0:
        return Verdict(True, 0, 0)
    try:
        pipe = _redis().pipeline(transaction=True)
        pipe.set(counter, 0, ex=window, nx=True)  # the window starts with the first hit (INCR keeps the TTL)
        pipe.incr(counter)
        pipe.ttl(counter)
        _, count, ttl = pipe.execute()
    except redis.RedisError:
        logger.warning("rate limit %s not counted: Redis is unavailable", counter.split(":")[2], exc_info=True)
        return Verdict(True, 0, 0)
    allowed = int(count) <= limit
    return Verdict(allowed, int(count), 0 if allowed else max(int(ttl), 1))


def peek(counter: str, *, limit: int) -> Verdict:
    """Whether the counter is over `limit`, without counting."""
    if limit <= 0:
        return Verdict(True, 0, 0)
    try:
        pipe = _redis().pipeline(transaction=True)
        pipe.get(counter)
        pipe.ttl(counter)
        count, ttl = pipe.execute()
    except redis.RedisError:
        return Verdict(True, 0, 0)
    count = int(count or 0)
    return Verdict(count < limit, count, 0 if count < limit else max(int(ttl), 1))


def forget(counter: str) -> None:
    try:
        _redis().delete(counter)
    except redis.RedisError:
        logger.warning("rate limit not reset: Redis is unavailable", exc_info=True)
