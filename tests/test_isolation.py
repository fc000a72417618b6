"""Isolation beyond routing: cache keys per venue, schema restored after errors, admins per host."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import schema_context

from hub.db import connection
from tenants.models import Venue


def test_cache_keys_are_per_venue(venue_a: Venue, venue_b: Venue) -> None:
    with schema_context(venue_a.schema_name):
        cache.set("opening-hours", "A's hours")
    with schema_context(venue_b.schema_name):
        assert cache.get("opening-hours") is None
        cache.set("opening-hours", "B's hours")
    with schema_context(venue_a.schema_name):
        assert cache.get("opening-hours") == "A's hours"
    assert cache.get("opening-hours") is None  # public


def test_a_rolled_back_savepoint_keeps_the_venue_schema_active(venue_a: Venue) -> None:
    """django-tenants >= 4.0.1 with TENANT_LIMIT_SET_CALLS: rolling back a savepoint must not leave the
    connection believing its search_path is set when PostgreSQL rolled the SET back."""
    from tenants.coworking.models import Resource

    with schema_context(venue_a.schema_name):
        with pytest.raises(RuntimeError), transaction.atomic():
            connection.set_tenant(venue_a)
            Resource.objects.count()
            raise RuntimeError("boom")
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            assert cursor.fetchone()[0].startswith("gresilles")


def test_an_error_inside_a_nested_atomic_that_switched_venue_restores_the_schema(venue_a: Venue) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: SIM117  (outer transaction, then a nested one)
        with schema_context(venue_a.schema_name), transaction.atomic():
            assert connection.schema_name == venue_a.schema_name
            raise RuntimeError("boom")
    assert connection.schema_name == "public"
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert "gresilles" not in cursor.fetchone()[0]
