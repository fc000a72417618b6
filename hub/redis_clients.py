"""A Redis client per process for the small stores that fail open (metrics, rate limits): made on first use,
once, even when threads race for it. A second client, dropped, would close its connection pool when
collected, under the thread still using it (a 500 under load, found by bench/load.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


class ProcessClient:
    """`client()` gives the process's one client to the URL `url()` names, with `timeout` seconds to connect
    and answer and no retries (these stores would rather lose a figure than keep a request waiting).
    `client.current` may be set, or reset to None, by tests."""

    def __init__(self, url: Callable[[], str], *, timeout: float) -> None:
        self._url, self._timeout = url, timeout
        self._lock = threading.Lock()
        self.current: redis.Redis | None = None

    def __call__(self) -> redis.Redis:
        client = self.current
        if client is None:
            with self._lock:
                if self.current is None:
                    self.current = redis.Redis.from_url(
                        self._url(),
                        socket_timeout=self._timeout,
                        socket_connect_timeout=self._timeout,
                        retry=Retry(NoBackoff(), 0),
                    )
                client = self.current
        return client
