"""N concurrent HTTP requests for one slot, against a live server: exactly one 201, the rest 409, no 500.
The control run removes the exclusion constraint and must show the race, or the test would prove nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.coworking.models import Booking, OpeningHours, Resource
from tenants.coworking.rules import is_public_holiday

from .federation_fixtures import make_cast
from .live import at_once, live_hub, request

N = 12
A = "gresilles.localhost"


def _future_slot(days: int = 4) -> tuple[str, str]:
    day = dt.datetime.now(ZoneInfo("Europe/Paris")).date() + dt.timedelta(days=days)
    while is_public_holiday(day):
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Europe/Paris"))
    return start.isoformat(), (start + dt.timedelta(hours=2)).isoformat()


@pytest.fixture
def stage(committed_db: None) -> Iterator[dict]:
    from tenants.models import Venue

    cast = make_cast(Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants"))
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        room = Resource.objects.create(name="Studio son", kind="studio", hourly_rate_resident=Decimal("15"))
        desks = Resource.objects.create(name="Open space", kind="desk", mode="pooled", capacity=3)
    yield {"token": cast.tokens["member"], "room": room.pk, "desks": desks.pk}


@contextmanager
def _without_the_exclusion_constraint() -> Iterator[None]:
    with schema_context("gresilles"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'coworking_booking_no_overlap'"
            " AND connamespace = 'gresilles'::regnamespace"
        )
        definition = cursor.fetchone()[0]
        cursor.execute("ALTER TABLE coworking_booking DROP CONSTRAINT coworking_booking_no_overlap")
        try:
            yield
        finally:
            cursor.execute("DELETE FROM coworking_booking")
            cursor.execute("ALTER TABLE coworking_booking ADD CONSTRAINT coworking_booking_no_overlap " + definition)


def _storm(stage: dict, resource: str) -> Counter[int]:
    start, end = _future_slot()
    body = {"resource": stage[resource], "start": start, "end": end}
    auth = {"Authorization": "Bearer " + stage["token"]}
    with live_hub() as port:
        statuses = at_once(N, lambda i: request(port, A, "POST", "/api/v1/bookings/", body, auth)[0])
    return Counter(statuses)


def test_concurrent_requests_for_one_slot_give_one_booking(stage: dict) -> None:
    statuses = _storm(stage, "room")
    assert statuses == Counter({201: 1, 409: N - 1}), statuses
    with schema_context("gresilles"):
        assert Booking.objects.count() == 1


def test_control_without_the_constraint_the_race_double_books(stage: dict) -> None:
    with _without_the_exclusion_constraint():
        statuses = _storm(stage, "room")
        with schema_context("gresilles"):
            doubles = Booking.objects.count()
    assert statuses[201] > 1 and doubles > 1, statuses  # nothing else stands in the way


def test_concurrent_bookings_of_different_rooms_the_same_day_all_succeed(stage: dict) -> None:
    with schema_context("gresilles"):
        rooms = [Resource.objects.create(name="Salle %d" % i, kind="meeting_room").pk for i in range(N)]
    start, end = _future_slot()
    auth = {"Authorization": "Bearer " + stage["token"]}
    with live_hub() as port:
        statuses = at_once(
            N,
            lambda i: request(
                port, A, "POST", "/api/v1/bookings/", {"resource": rooms[i], "start": start, "end": end}, auth
            )[0],
        )
    assert statuses == [201] * N  # nothing they share (the venue's outbox, its figures of the day) serialises them
    with schema_context("gresilles"):
        assert Booking.objects.count() == N


def test_concurrent_requests_for_pooled_seats_never_overbook(stage: dict) -> None:
    statuses = _storm(stage, "desks")
    assert statuses == Counter({201: 3, 409: N - 3}), statuses
    with schema_context("gresilles"):
        assert sum(Booking.objects.values_list("seats", flat=True)) == 3
