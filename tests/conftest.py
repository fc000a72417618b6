"""Shared fixtures. One set of venue schemas is created per session and reused by every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from federation.models import User
from federation.tokens import create_api_token
from hub import ratelimit
from hub.db import connection
from sync import outbox
from tenants.models import Venue
from tenants.services import create_venue

from .factories import UserFactory

# slug, name, city, domain
TEST_VENUES = [
    ("gresilles", "Plateforme des Grésilles", "Dijon", "gresilles.localhost"),
    ("battants", "52 Battants", "Besançon", "battants.localhost"),
]
TEST_SLUGS = {slug for slug, *_ in TEST_VENUES}
# Tables that outlive a committed test: the venue registry and what migrations wrote.
KEEP_TABLES = {"django_migrations", "django_content_type", "auth_permission", "tenants_venue", "tenants_domain"}


def _ensure_test_venues() -> None:
    for slug, name, city, domain in TEST_VENUES:
        create_venue(slug=slug, name=name, city=city, domain=domain)


def _on_a_test_database() -> bool:
    return str(connection.settings_dict["NAME"]).startswith("test_")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from django.test.utils import setup_databases, teardown_databases

    created = None
    with django_db_blocker.unblock():
        if not _on_a_test_database():
            # pytest-django creates databases for tests with its own markers or fixtures only: when just
            # `committed_db` tests are selected it created none, and they must never touch the real one.
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})  # type: ignore[arg-type]
        _ensure_test_venues()
    yield
    if created is not None:
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # the cache database only (and the rate limits' counters); the broker lives in another one
    ratelimit._paused_until = 0.0  # a test that took Redis away must not leave the limits open for the next
    outbox._paused_until = 0.0  # nor pause the relay's nudges
    yield
    connection.set_schema_to_public()
    ratelimit._paused_until = 0.0
    outbox._paused_until = 0.0


@pytest.fixture
def venue_a(db: None) -> Venue:
    return Venue.objects.get(schema_name="gresilles")


@pytest.fixture
def venue_b(db: None) -> Venue:
    return Venue.objects.get(schema_name="battants")


def reset_database() -> None:
    """Empty every table a committed test may have written, in public and in every venue schema,
    and drop venues the test created. Django's flush cannot do this: it sees only `public`, and would
    truncate the venue registry itself."""
    assert _on_a_test_database(), "refusing to empty a database that is not a test database"
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for venue in Venue.objects.exclude(schema_name__in=TEST_SLUGS):
            venue.delete(force_drop=True)
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema = ANY(%s)",
            [["public", *TEST_SLUGS]],
        )
        tables = ['"%s"."%s"' % row for row in cursor.fetchall() if row[1] not in KEEP_TABLES]
        if tables:
            cursor.execute("TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join(tables))
    _ensure_test_venues()
    cache.clear()


@pytest.fixture
def committed_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access without a wrapping transaction, for tests where another thread (a Celery worker,
    a live server) must see the rows. Everything written is removed afterwards."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            reset_database()


@pytest.fixture
def celery_worker(committed_db: None) -> Iterator[Any]:
    """A real Celery worker (solo pool, in a thread) on the real Redis broker."""
    from hub.celery import app

    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def client_for(host: str, user: User | None = None) -> APIClient:
    """An API client speaking to `host`, authenticated by a fresh personal token when `user` is given."""
    client = APIClient(HTTP_HOST=host)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION="Bearer " + create_api_token(user=user).secret)
    return client


@pytest.fixture
def member(db: None) -> User:
    return UserFactory.create(email="member@members.example")


def in_venue(venue: Venue) -> Any:
    return schema_context(venue.schema_name)


from .events_fixtures import programme  # noqa: E402, F401
from .federation_fixtures import cast  # noqa: E402, F401  (the cast of roles, shared by the federation tests)
from .gallery_fixtures import gallery  # noqa: E402, F401
from .graphql_fixtures import network  # noqa: E402, F401
from .reporting_fixtures import stage  # noqa: E402, F401
