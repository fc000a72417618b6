"""Celery on a real worker and broker: venue tasks run in their venue's schema or refuse; /health/."""

from __future__ import annotations

from typing import Any

import pytest
from celery.exceptions import TimeoutError as CeleryTimeout
from django.test import Client, override_settings
from django_tenants.utils import schema_context

from hub.celery import VenueRequired, VenueTask, app
from hub.db import connection
from tenants.coworking.models import Resource
from tenants.models import Venue

from .factories import ResourceFactory


@app.task(base=VenueTask, name="tests.venue_snapshot")
def venue_snapshot() -> dict[str, Any]:
    """What a venue task sees: the active schema and the venue's resources."""
    return {"schema": connection.schema_name, "resources": sorted(Resource.objects.values_list("name", flat=True))}


def _venue(slug: str) -> Venue:
    return Venue.objects.get(schema_name=slug)


def test_a_venue_task_runs_in_that_venues_schema_on_a_real_worker(celery_worker: Any) -> None:
    with schema_context("gresilles"):
        ResourceFactory.create(name="Studio son")
    with schema_context("battants"):
        ResourceFactory.create(name="Espace coworking")

    explicit = venue_snapshot.apply_for_venue("battants").get(timeout=20)
    with schema_context("gresilles"):
        implicit = venue_snapshot.delay().get(timeout=20)  # the schema active when sent travels along

    assert explicit == {"schema": "battants", "resources": ["Espace coworking"]}
    assert implicit == {"schema": "gresilles", "resources": ["Studio son"]}
    assert connection.schema_name == "public"


def test_a_venue_task_without_a_venue_raises_instead_of_running_in_public(celery_worker: Any) -> None:
    assert connection.schema_name == "public"
    with pytest.raises(VenueRequired, match="needs a venue"):
        venue_snapshot.delay().get(timeout=20)


def test_a_venue_task_for_a_missing_venue_raises(celery_worker: Any) -> None:
    with pytest.raises(VenueRequired, match="does not exist"):
        venue_snapshot.apply_for_venue("atlantis").get(timeout=20)


def test_a_venue_task_without_a_venue_raises_when_run_eagerly_too(db: None) -> None:
    with pytest.raises(VenueRequired):
        venue_snapshot.apply().get()


@pytest.mark.parametrize("host", ["localhost", "gresilles.localhost", "battants.localhost"])
def test_health_is_green_on_every_host_with_a_worker(celery_worker: Any, host: str) -> None:
    response = Client(HTTP_HOST=host).get("/health/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "redis": True,
        "cache": True,
        "celery": True,
        "outbox": True,
    }
    assert body["checks"]["celery"]["workers"] >= 1
    assert {"backlog", "lag_seconds", "parked"} <= set(body["checks"]["outbox"])
    assert body["venue"] == (None if host == "localhost" else host.split(".")[0])


def test_health_is_503_when_no_worker_answers(db: None) -> None:
    response = Client(HTTP_HOST="gresilles.localhost").get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["celery"] == {"ok": False, "error": "RuntimeError", "ms": body["checks"]["celery"]["ms"]}
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]


def test_nothing_runs_a_venue_task_when_no_worker_listens(db: None) -> None:
    """Control for the worker tests above: without a worker the same call does not complete."""
    result = venue_snapshot.apply_for_venue("gresilles")
    with pytest.raises(CeleryTimeout):
        result.get(timeout=1)
    app.control.purge()  # leave no message for the next worker


UNREACHABLE = "redis://127.0.0.1:9/0"  # the discard port: nothing listens


@override_settings(
    REDIS_URL=UNREACHABLE,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    },
)
@pytest.mark.parametrize("host", ["localhost", "gresilles.localhost"])
def test_health_is_503_not_500_when_redis_is_unreachable(db: None, host: str) -> None:
    response = Client(HTTP_HOST=host).get("/health/")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert (checks["database"]["ok"], checks["redis"]["ok"], checks["cache"]["ok"]) == (True, False, False)
