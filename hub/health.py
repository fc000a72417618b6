"""`/health/` on every host: database, Redis and Celery workers, as JSON (200 when all are up, else 503)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hub.http import current_venue

CELERY_PING_TIMEOUT = 1.0


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_redis() -> dict[str, Any]:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {}


def check_cache() -> dict[str, Any]:
    from django.core.cache import cache

    cache.set("health-probe", "ok", 5)
    if cache.get("health-probe") != "ok":
        raise RuntimeError("cache did not keep a value")
    return {}


def check_celery() -> dict[str, Any]:
    from hub.celery import app

    replies = app.control.ping(timeout=CELERY_PING_TIMEOUT, limit=1) or []
    if not replies:
        raise RuntimeError("no worker answered")
    return {"workers": len(replies)}


class CheckFailed(RuntimeError):
    """A check that failed with figures worth showing (they stay in the report)."""

    def __init__(self, message: str, detail: dict[str, Any]):
        super().__init__(message)
        self.detail = detail


def check_outbox() -> dict[str, Any]:
    """The relay keeps up: events waiting, the oldest one's age, events given up on."""
    from sync.relay import backlog

    state = backlog()
    if float(state["lag_seconds"]) > settings.HUB_OUTBOX_LAG_ALERT_SECONDS:
        raise CheckFailed("the outbox relay is %s s behind" % state["lag_seconds"], state)
    return state


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "redis": check_redis,
    "cache": check_cache,
    "celery": check_celery,
    "outbox": check_outbox,
}


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, **detail}
        except Exception as exc:  # a health check reports every failure instead of raising
            results[name] = {"ok": False, "error": exc.__class__.__name__, **getattr(exc, "detail", {})}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(result["ok"] for result in results.values()), results


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    healthy, checks = run_checks()
    venue = current_venue(request)
    body = {
        "status": "ok" if healthy else "unavailable",
        "venue": venue.schema_name if venue else None,
        "checks": checks,
    }
    return JsonResponse(body, status=200 if healthy else 503)
