"""Prometheus metrics at `/metrics` (any host name): requests, Celery tasks, the outbox.

Counters live in Redis, so that every gunicorn process and every worker host adds to the same figures
and a scrape of any web process sees them all (no multiprocess directory to share between containers).
A request costs one pipelined round trip; if Redis is down the figure is lost, never the request.
The outbox's backlog and lag are read from the database at scrape time.

The endpoint answers only a bearer token equal to `HUB_METRICS_TOKEN`; without that setting, or with
another token, it is a 404 like any unknown page. The example proxy (deploy/Caddyfile) also refuses it
from outside: Prometheus scrapes the web containers directly.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache

from hub.db import connection
from hub.redis_clients import ProcessClient

logger = logging.getLogger(__name__)

REQUESTS = "hub:metrics:requests"
TASKS = "hub:metrics:tasks"
# Request duration buckets (seconds), upper bounds; +Inf is the count.
BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SEP = "\x1f"  # between label values inside a Redis hash field

# After a failure, recording pauses this long: a Redis that hangs must not add its timeout to every request.
PAUSE_AFTER_FAILURE = 5.0

_paused_until = 0.0


# No retries, short timeouts: a figure is not worth making a request wait.
_redis = ProcessClient(lambda: settings.REDIS_URL, timeout=0.5)


def _safely(write: Callable[[Any], None]) -> None:
    global _paused_until
    if time.monotonic() < _paused_until:
        return
    try:
        pipe = _redis().pipeline(transaction=False)
        write(pipe)
        pipe.execute()
    except Exception:  # Redis down, or redis-py failing under us: a figure never fails a request
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        logger.warning("metrics not recorded for %.0f s: Redis is unavailable", PAUSE_AFTER_FAILURE, exc_info=True)


def record_request(*, method: str, view: str, status: int, seconds: float) -> None:
    labels = SEP.join((method, view, str(status)))

    def write(pipe: Any) -> None:
        pipe.hincrby(REQUESTS, "count" + SEP + labels, 1)
        pipe.hincrbyfloat(REQUESTS, "sum" + SEP + labels, seconds)
        for bound in BUCKETS:
            if seconds <= bound:
                pipe.hincrby(REQUESTS, f"le{SEP}{bound}{SEP}{method}{SEP}{view}", 1)

    _safely(write)


def record_task(*, name: str, state: str, seconds: float | None) -> None:
    def write(pipe: Any) -> None:
        pipe.hincrby(TASKS, "count" + SEP + SEP.join((name, state)), 1)
        if seconds is not None:
            pipe.hincrbyfloat(TASKS, "sum" + SEP + name, seconds)

    _safely(write)


class RequestMetricsMiddleware:
    """Counts every request by method, view name (the URL pattern's, not the path) and status.

    It also answers `/metrics` itself, before the host is looked at: Prometheus scrapes each web container
    by its address (`http://web:8000/metrics`), which is no venue's host and no federation host.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/metrics":
            connection.set_schema_to_public()
            return metrics(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        method = request.method if request.method in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} else "OTHER"
        record_request(method=method, view=view, status=response.status_code, seconds=time.perf_counter() - started)
        return response


def connect_celery_signals() -> None:
    """Count task outcomes in the worker (called from hub.celery)."""
    from celery.signals import task_postrun, task_prerun

    started: dict[str, float] = {}

    @task_prerun.connect(weak=False)
    def _started(task_id: str = "", **_: Any) -> None:
        started[task_id] = time.perf_counter()

    @task_postrun.connect(weak=False)
    def _finished(task_id: str = "", task: Any = None, state: str | None = None, **_: Any) -> None:
        began = started.pop(task_id, None)
        seconds = time.perf_counter() - began if began is not None else None
        # SUCCESS, FAILURE, RETRY (a retry is scheduled), IGNORED, REJECTED
        record_task(name=getattr(task, "name", "unknown"), state=state or "UNKNOWN", seconds=seconds)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    # The token first: without it the endpoint does not exist, whatever the method.
    expected = settings.HUB_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(render(), content_type="text/plain; version=0.0.4; charset=utf-8")


def render() -> str:
    lines: list[str] = []
    try:
        requests, tasks = _read(REQUESTS), _read(TASKS)
        lines += ["# HELP hub_metrics_up 1 when the counters could be read from Redis.", "# TYPE hub_metrics_up gauge"]
        lines.append("hub_metrics_up 1")
    except redis.RedisError:
        requests, tasks = {}, {}
        lines += ["# TYPE hub_metrics_up gauge", "hub_metrics_up 0"]
    lines += _requests(requests)
    lines += _tasks(tasks)
    lines += _outbox()
    return "\n".join(lines) + "\n"


def _read(key: str) -> dict[tuple[str, ...], float]:
    raw: dict[bytes, bytes] = _redis().hgetall(key)  # type: ignore[assignment]
    return {tuple(k.decode().split(SEP)): float(v) for k, v in raw.items()}


def _labels(**values: str) -> str:
    def escaped(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{name}="{escaped(value)}"' for name, value in values.items()) + "}"


def _requests(data: dict[tuple[str, ...], float]) -> Iterable[str]:
    yield "# HELP hub_http_requests_total Requests answered, by method, view and status."
    yield "# TYPE hub_http_requests_total counter"
    totals: dict[tuple[str, str], float] = {}
    sums: dict[tuple[str, str], float] = {}
    for key, value in sorted(data.items()):
        if key[0] == "count":
            method, view, status = key[1:]
            yield f"hub_http_requests_total{_labels(method=method, view=view, status=status)} {int(value)}"
            totals[(method, view)] = totals.get((method, view), 0) + value
        elif key[0] == "sum":
            method, view, _status = key[1:]
            sums[(method, view)] = sums.get((method, view), 0.0) + value
    yield "# HELP hub_http_request_duration_seconds Time to answer, by method and view."
    yield "# TYPE hub_http_request_duration_seconds histogram"
    for method, view in sorted(totals):
        for bound in BUCKETS:
            count = data.get(("le", str(bound), method, view), 0)
            labels = _labels(method=method, view=view, le=str(bound))
            yield f"hub_http_request_duration_seconds_bucket{labels} {int(count)}"
        total, labels = int(totals[(method, view)]), _labels(method=method, view=view)
        yield f"hub_http_request_duration_seconds_bucket{_labels(method=method, view=view, le='+Inf')} {total}"
        yield f"hub_http_request_duration_seconds_sum{labels} {sums.get((method, view), 0.0)}"
        yield f"hub_http_request_duration_seconds_count{labels} {total}"


def _tasks(data: dict[tuple[str, ...], float]) -> Iterable[str]:
    yield "# HELP hub_celery_tasks_total Celery tasks finished, by task and final state."
    yield "# TYPE hub_celery_tasks_total counter"
    for key, value in sorted(data.items()):
        if key[0] == "count":
            yield f"hub_celery_tasks_total{_labels(task=key[1], state=key[2])} {int(value)}"
    yield "# HELP hub_celery_task_seconds_total Time spent running tasks, by task."
    yield "# TYPE hub_celery_task_seconds_total counter"
    for key, value in sorted(data.items()):
        if key[0] == "sum":
            yield f"hub_celery_task_seconds_total{_labels(task=key[1])} {value}"


def _outbox() -> Iterable[str]:
    from sync.relay import backlog

    try:
        state = backlog()
    except DatabaseError:
        logger.warning("outbox figures unavailable: the database did not answer", exc_info=True)
        yield "# HELP hub_database_up 1 when the outbox figures could be read from PostgreSQL."
        yield "# TYPE hub_database_up gauge"
        yield "hub_database_up 0"
        return
    yield "# HELP hub_database_up 1 when the outbox figures could be read from PostgreSQL."
    yield "# TYPE hub_database_up gauge"
    yield "hub_database_up 1"
    yield "# HELP hub_outbox_backlog Outbox events waiting for the relay."
    yield "# TYPE hub_outbox_backlog gauge"
    yield f"hub_outbox_backlog {state['backlog']}"
    yield "# HELP hub_outbox_lag_seconds Age of the oldest event waiting (0 when none waits)."
    yield "# TYPE hub_outbox_lag_seconds gauge"
    yield f"hub_outbox_lag_seconds {state['lag_seconds']}"
    yield "# HELP hub_outbox_parked Events the relay gave up on, waiting for an operator."
    yield "# TYPE hub_outbox_parked gauge"
    yield f"hub_outbox_parked {state['parked']}"
