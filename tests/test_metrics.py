"""/metrics: Prometheus counters of requests and Celery tasks (in Redis, shared by every process) and the
outbox's backlog, behind a bearer token (a 404 otherwise), on whatever host name the scraper uses."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import Client, override_settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from hub import metrics
from reporting.tasks import extend_horizon_everywhere

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def _empty_counters() -> Iterator[None]:
    metrics._redis().delete(metrics.REQUESTS, metrics.TASKS)
    yield
    metrics._redis.current = None
    metrics._paused_until = 0.0


def _scrape(token: str | None = TOKEN, host: str = "localhost") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(HTTP_HOST=host).get("/metrics", headers=headers)


def _value(text: str, metric: str, **labels: str) -> float | None:
    for line in text.splitlines():
        name, _, rest = line.partition("{")
        if name == metric and all(f'{k}="{v}"' in rest for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
        if line.startswith(metric + " ") and not labels:
            return float(line.rsplit(" ", 1)[1])
    return None


@override_settings(HUB_METRICS_TOKEN=TOKEN)
def test_requests_are_counted_by_view_and_status_with_their_durations(db: None) -> None:
    client = Client(HTTP_HOST="localhost")
    for _ in range(3):
        client.get("/health/")
    client.get("/nowhere/")

    response = _scrape()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    health_status = next(int(s) for s in re.findall(r'view="health",status="(\d+)"', text))
    assert _value(text, "hub_http_requests_total", method="GET", view="health", status=str(health_status)) == 3
    assert _value(text, "hub_http_requests_total", method="GET", view="unmatched", status="404") == 1
    assert _value(text, "hub_http_request_duration_seconds_count", method="GET", view="health") == 3
    assert _value(text, "hub_http_request_duration_seconds_bucket", method="GET", view="health", le="+Inf") == 3
    buckets = [
        _value(text, "hub_http_request_duration_seconds_bucket", view="health", le=str(b)) for b in metrics.BUCKETS
    ]
    assert None not in buckets and buckets == sorted(b or 0 for b in buckets)  # cumulative
    assert _value(text, "hub_outbox_backlog") is not None
    assert _value(text, "hub_outbox_lag_seconds") is not None
    assert _value(text, "hub_metrics_up") == 1
    assert "/nowhere/" not in text  # views, never raw paths (unbounded labels)


@pytest.mark.parametrize("token", [None, "wrong-token", TOKEN + "x"])
@override_settings(HUB_METRICS_TOKEN=TOKEN)
def test_without_the_token_metrics_do_not_exist(db: None, token: str | None) -> None:
    assert _scrape(token).status_code == 404


@override_settings(HUB_METRICS_TOKEN=TOKEN)
def test_the_token_is_checked_before_anything_else(db: None) -> None:
    client = Client(HTTP_HOST="localhost")
    assert client.post("/metrics").status_code == 404  # not a 405 that would tell it exists
    assert client.post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404  # no scheme
    assert client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer é€"}).status_code == 404


def test_unconfigured_metrics_do_not_exist_even_with_an_empty_token(db: None) -> None:
    assert _scrape("").status_code == 404
    assert _scrape("anything").status_code == 404


@override_settings(HUB_METRICS_TOKEN=TOKEN)
def test_prometheus_scrapes_a_container_by_its_address_whatever_the_host(db: None) -> None:
    """`http://web:8000/metrics`: no venue's host, not in ALLOWED_HOSTS; the token is what counts."""
    assert _scrape(host="web:8000").status_code == 200
    assert _scrape(host="gresilles.localhost").status_code == 200
    assert _scrape(token="wrong", host="web:8000").status_code == 404
    assert _scrape(token=None, host="gresilles.localhost").status_code == 404


@override_settings(HUB_METRICS_TOKEN=TOKEN)
def test_tasks_run_by_a_real_worker_are_counted(celery_worker: Any) -> None:
    # a task nothing else sends (commits nudge the relay, so drain_outbox runs may be queued already)
    extend_horizon_everywhere.delay().get(timeout=60)

    text = _scrape().content.decode()

    name = "reporting.extend_horizon_everywhere"
    assert _value(text, "hub_celery_tasks_total", task=name, state="SUCCESS") == 1
    seconds = _value(text, "hub_celery_task_seconds_total", task=name)
    assert seconds is not None and seconds > 0


@override_settings(HUB_METRICS_TOKEN=TOKEN)
def test_with_redis_down_requests_are_served_and_the_scrape_says_so(db: None) -> None:
    metrics._redis.current = redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))

    assert Client(HTTP_HOST="localhost").get("/nowhere/").status_code == 404
    response = _scrape()

    assert response.status_code == 200
    assert _value(response.content.decode(), "hub_metrics_up") == 0
    # recording pauses after a failure, so a Redis that hangs does not slow every request down
    assert metrics._paused_until > time.monotonic()
    metrics._redis.current = None  # Redis is back; the pause still holds
    Client(HTTP_HOST="localhost").get("/nowhere/")
    metrics._paused_until = 0.0
    Client(HTTP_HOST="localhost").get("/nowhere/")
    assert _value(_scrape().content.decode(), "hub_http_requests_total", view="unmatched", status="404") == 1


def test_threads_racing_for_the_first_client_share_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the load benchmark: two gunicorn threads each made a client, the dropped one closed its pool
    when collected, and the other's request failed with "I/O operation on closed file" (a 500)."""
    import threading

    from hub import ratelimit

    make = redis.Redis.from_url

    def slowly(*args: Any, **kwargs: Any) -> Any:  # widens the window the threads race in
        time.sleep(0.02)
        return make(*args, **kwargs)

    monkeypatch.setattr(redis.Redis, "from_url", slowly)

    modules: tuple[Any, ...] = (metrics, ratelimit)
    for module in modules:
        module._redis.current = None
        start, made = threading.Barrier(16), list[Any]()

        def first(module: Any = module, start: threading.Barrier = start, made: list[Any] = made) -> None:
            start.wait()
            made.append(module._redis())

        threads = [threading.Thread(target=first) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len({id(client) for client in made}) == 1, module
    ratelimit._redis.current = None


class _ClosedUnderneath:
    """A client whose socket was closed under it: what redis-py raises then is no RedisError."""

    def pipeline(self, transaction: bool = False) -> Any:
        return self

    def hincrby(self, *args: Any) -> None:
        pass

    hincrbyfloat = hincrby

    def execute(self) -> None:
        raise ValueError("I/O operation on closed file.")


def test_any_failure_to_record_loses_the_figure_never_the_request(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_redis", lambda: _ClosedUnderneath())
    response = Client(HTTP_HOST="localhost").get("/api/v1/catalogue/")
    assert response.status_code == 200
    assert metrics._paused_until > time.monotonic()  # and recording pauses, as after any Redis failure
