"""The bookings REST API on a venue host: statuses, bodies, idempotency, visibility."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from tenants.coworking.models import Booking, OpeningHours, Resource

from .federation_fixtures import Cast
from .test_booking_race import _future_slot

A, B = "gresilles.localhost", "battants.localhost"


@pytest.fixture
def room_id(cast: Cast) -> int:
    for slug in ("gresilles", "battants"):
        with schema_context(slug):
            OpeningHours.objects.bulk_create(
                OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
            )
    with schema_context("gresilles"):
        return Resource.objects.create(name="Studio son", kind="studio", hourly_rate_resident=Decimal("15")).pk


def _body(room_id: int, days: int = 4, **extra: Any) -> dict[str, Any]:
    start, end = _future_slot(days)
    return {"resource": room_id, "start": start, "end": end} | extra


def test_create_then_conflict_with_the_interval(cast: Cast, room_id: int) -> None:
    client = cast.client("member", A)
    created = client.post("/api/v1/bookings/", _body(room_id), format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["price_excl_vat"], created.json()["price_incl_vat"]) == ("30.00", "36.00")
    taken = client.post("/api/v1/bookings/", _body(room_id), format="json")
    assert taken.status_code == 409
    assert taken.json()["code"] == "conflict"
    conflict = [dt.datetime.fromisoformat(moment) for moment in taken.json()["errors"]["conflict"]]
    booked = created.json()
    assert conflict == [dt.datetime.fromisoformat(booked["start"]), dt.datetime.fromisoformat(booked["end"])]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "not a date"}, "start"),
        ({"end": "2027-13-45T99:00"}, "end"),
        ({"resource": "x"}, "resource"),
        ({"resource": 10**12}, "resource"),
        ({"seats": 0}, "seats"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_malformed_requests_get_422_and_write_nothing(
    cast: Cast, room_id: int, change: dict[str, Any], field: str
) -> None:
    response = cast.client("member", A).post("/api/v1/bookings/", _body(room_id) | change, format="json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    with schema_context("gresilles"):
        assert not Booking.objects.exists()


def test_a_huge_range_is_refused_with_a_clear_message(cast: Cast, room_id: int) -> None:
    start, _end = _future_slot()
    response = cast.client("member", A).post(
        "/api/v1/bookings/", {"resource": room_id, "start": start, "end": "9999-12-31T23:00:00+00:00"}, format="json"
    )
    assert response.status_code == 422 and "end" in response.json()["errors"]


def test_another_venues_resource_id_is_not_found_here(cast: Cast, room_id: int) -> None:
    response = cast.client("member", B).post("/api/v1/bookings/", _body(room_id), format="json")
    assert response.status_code in (403, 404)  # B knows no such resource (and the member has no pass there)
    with schema_context("battants"):
        assert not Booking.objects.exists()


def test_the_idempotency_key_header_replays_and_refuses_another_body(cast: Cast, room_id: int) -> None:
    client = cast.client("member", A)
    first = client.post("/api/v1/bookings/", _body(room_id), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    again = client.post("/api/v1/bookings/", _body(room_id), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    other = client.post("/api/v1/bookings/", _body(room_id, days=5), format="json", HTTP_IDEMPOTENCY_KEY="abc")
    too_long = client.post("/api/v1/bookings/", _body(room_id, days=6), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert (first.status_code, again.status_code, other.status_code, too_long.status_code) == (201, 200, 422, 422)
    assert again.json()["id"] == first.json()["id"]
    with schema_context("gresilles"):
        assert Booking.objects.count() == 1


def test_members_see_and_cancel_their_own_staff_see_all(cast: Cast, room_id: int) -> None:
    booked = cast.client("member", A).post("/api/v1/bookings/", _body(room_id), format="json").json()
    assert [b["id"] for b in cast.client("member", A).get("/api/v1/bookings/").json()["results"]] == [booked["id"]]
    assert cast.client("staff_a", A).get("/api/v1/bookings/").json()["count"] == 1
    assert cast.client("staff_b", A).get("/api/v1/bookings/").json()["count"] == 0  # not staff here
    assert cast.client("staff_b", B).post(f"/api/v1/bookings/{booked['id']}/cancel/").status_code == 404
    assert cast.client("staff_b", A).post(f"/api/v1/bookings/{booked['id']}/cancel/").status_code == 404
    cancelled = cast.client("staff_a", A).post(f"/api/v1/bookings/{booked['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cast.client("member", A).post(f"/api/v1/bookings/{booked['id']}/cancel/").status_code == 409


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("staff_a", 403), ("admin", 403), ("partner", 403), ("member", 201)]
)
def test_only_members_of_an_organisation_book(cast: Cast, room_id: int, role: str, status: int) -> None:
    assert cast.client(role, A).post("/api/v1/bookings/", _body(room_id), format="json").status_code == status


def test_times_are_shown_in_the_venues_zone_and_stored_in_utc(cast: Cast, room_id: int) -> None:
    from django.core.cache import cache
    from django.utils import timezone

    from tenants.models import Venue

    booked = cast.client("member", A).post("/api/v1/bookings/", _body(room_id), format="json")
    assert booked.status_code == 201 and booked.json()["start"][-6:] in ("+01:00", "+02:00")  # Paris
    Venue.objects.filter(pk=cast.venue_a.pk).update(timezone="America/Cayenne")  # as if in French Guiana
    cache.clear()  # the host → venue cache holds the old row

    listed = cast.client("member", A).get("/api/v1/bookings/").json()["results"]

    assert [row["start"][-6:] for row in listed] == ["-03:00"]
    assert dt.datetime.fromisoformat(listed[0]["start"]) == dt.datetime.fromisoformat(booked.json()["start"])
    with schema_context("gresilles"):
        stored = Booking.objects.get().during.lower
    assert stored.utcoffset() == dt.timedelta(0)
    assert timezone.get_current_timezone_name() != "America/Cayenne"  # nothing leaks out of the request
