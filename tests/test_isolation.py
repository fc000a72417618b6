"""Isolation beyond routing: cache keys per venue, schema restored after errors, admins per host."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django_tenants.utils import schema_context

from federation.models import User
from hub.db import connection
from tenants.models import Venue

from .factories import TEST_PASSWORD, UserFactory


def test_cache_keys_are_per_venue(venue_a: Venue, venue_b: Venue) -> None:
    with schema_context(venue_a.schema_name):
        cache.set("opening-hours", "A's hours")
    with schema_context(venue_b.schema_name):
        assert cache.get("opening-hours") is None
        cache.set("opening-hours", "B's hours")
    with schema_context(venue_a.schema_name):
        assert cache.get("opening-hours") == "A's hours"
    assert cache.get("opening-hours") is None  # public


def test_an_error_inside_a_nested_atomic_that_switched_venue_restores_the_schema(venue_a: Venue) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: SIM117  (outer transaction, then a nested one)
        with schema_context(venue_a.schema_name), transaction.atomic():
            assert connection.schema_name == venue_a.schema_name
            raise RuntimeError("boom")
    assert connection.schema_name == "public"
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert "gresilles" not in cursor.fetchone()[0]


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory.create(email="root@coursive.example", is_superuser=True, is_staff=True)


def _logged_in(host: str, email: str) -> Client:
    client = Client(HTTP_HOST=host)
    assert client.login(email=email, password=TEST_PASSWORD)
    return client


def test_federation_admin_is_on_the_federation_host(superuser: object) -> None:
    client = _logged_in("localhost", "root@coursive.example")
    response = client.get("/admin/tenants/venue/")
    assert response.status_code == 200
    assert b"52 Battants" in response.content


def test_venue_admin_shows_only_that_venues_data(superuser: object, venue_a: Venue, venue_b: Venue) -> None:
    from .factories import ResourceFactory

    with schema_context(venue_a.schema_name):
        ResourceFactory.create(name="Studio son")
    with schema_context(venue_b.schema_name):
        ResourceFactory.create(name="Espace coworking")

    page = _logged_in("gresilles.localhost", "root@coursive.example").get("/admin/coworking/resource/")
    assert page.status_code == 200
    assert b"Studio son" in page.content and b"Espace coworking" not in page.content


def test_venue_admin_is_closed_to_people_without_rights(venue_a: Venue) -> None:
    UserFactory.create(email="someone@members.example", is_staff=True)  # federation staff, not an admin
    client = _logged_in("gresilles.localhost", "someone@members.example")
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
