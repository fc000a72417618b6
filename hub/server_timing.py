"""Opt-in `Server-Timing` header: how long the request took inside Django and how much of it was SQL.

    Server-Timing: db;dur=3.41;desc="7 queries", app;dur=12.80

`app` is the time from this middleware (third in the stack, before the venue lookup) to the response; `db`
is the time spent executing SQL on the default connection meanwhile (wrapped with
`connection.execute_wrapper`), counted in `desc`. The load benchmark (bench/load.py) reads it to set each
endpoint's time against its SQL time. Off unless `HUB_SERVER_TIMING` is on: it tells any caller how busy the
database is, so production leaves it off (the middleware then removes itself from the stack at start-up).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse


class _SqlClock:
    """An execute wrapper that adds up the time of every statement it runs, failed ones included."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def header_value(*, app_seconds: float, db_seconds: float, queries: int) -> str:
    return 'db;dur=%.2f;desc="%d queries", app;dur=%.2f' % (db_seconds * 1000, queries, app_seconds * 1000)


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        if not settings.HUB_SERVER_TIMING:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clock = _SqlClock()
        started = time.perf_counter()
        with connection.execute_wrapper(clock):
            response = self.get_response(request)
        response["Server-Timing"] = header_value(
            app_seconds=time.perf_counter() - started, db_seconds=clock.seconds, queries=clock.queries
        )
        return response
