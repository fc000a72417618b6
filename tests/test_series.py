"""Recurring bookings: local times across DST, exceptions, all-or-nothing or a per-occurrence report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_tenants.utils import schema_context

from tenants.coworking.models import Booking, OpeningHours, Resource
from tenants.coworking.series import SeriesRefused, book_series
from tenants.coworking.services import book_resource

from .federation_fixtures import Cast
from .test_booking_race import _future_slot
from .test_coworking import NOW, PARIS, at


@pytest.fixture
def room(cast: Cast) -> Any:
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        yield Resource.objects.create(name="Salle Érable", kind="meeting_room", advance_days=365)


def _series(cast: Cast, room: Resource, **kwargs: Any) -> Any:
    defaults: dict[str, Any] = {
        "start": at("2027-03-17", "10:00"),
        "end": at("2027-03-17", "11:00"),
        "frequency": "weekly",
        "count": 4,
    }
    return book_series(
        venue=cast.venue_a, resource_id=room.pk, member=cast.people["member"], now=NOW, **(defaults | kwargs)
    )


def test_weekly_occurrences_keep_their_local_time_across_dst(cast: Cast, room: Resource) -> None:
    result = _series(cast, room, skip={dt.date(2027, 3, 31)})
    local = [
        (
            o.start.astimezone(PARIS).date().isoformat(),
            o.start.astimezone(PARIS).strftime("%H:%M"),
            o.start.astimezone(dt.UTC).hour,
        )
        for o in result.occurrences
    ]
    assert local == [("2027-03-17", "10:00", 9), ("2027-03-24", "10:00", 9), ("2027-04-07", "10:00", 8)]
    assert Booking.objects.filter(series=result.series).count() == 3


def test_all_or_nothing_writes_nothing_and_reports_the_occurrence_that_failed(cast: Cast, room: Resource) -> None:
    book_resource(
        venue=cast.venue_a,
        resource_id=room.pk,
        member=cast.people["member"],
        start=at("2027-03-31", "10:30"),
        end=at("2027-03-31", "11:30"),
        now=NOW,
    )
    with pytest.raises(SeriesRefused) as caught:
        _series(cast, room)
    assert [o.code for o in caught.value.occurrences] == ["", "", "conflict", ""]
    assert Booking.objects.count() == 1


def test_without_all_or_nothing_the_rest_is_booked_and_the_conflict_reported(cast: Cast, room: Resource) -> None:
    book_resource(
        venue=cast.venue_a,
        resource_id=room.pk,
        member=cast.people["member"],
        start=at("2027-03-31", "10:30"),
        end=at("2027-03-31", "11:30"),
        now=NOW,
    )
    result = _series(cast, room, all_or_nothing=False)
    assert [o.code for o in result.failed] == ["conflict"]
    assert Booking.objects.filter(series=result.series).count() == 3


def test_monthly_on_the_31st_reports_the_months_without_one(cast: Cast, room: Resource) -> None:
    result = _series(
        cast,
        room,
        start=at("2027-03-31", "10:00"),
        end=at("2027-03-31", "11:00"),
        frequency="monthly",
        count=3,
        all_or_nothing=False,
    )
    assert [(o.start.date().isoformat(), o.code) for o in result.occurrences] == [
        ("2027-03-31", ""),
        ("2027-04-01", "invalid"),
        ("2027-05-31", ""),
    ]


def test_series_over_rest(cast: Cast, room: Resource) -> None:
    start, end = _future_slot(days=3)
    body = {"resource": room.pk, "start": start, "end": end, "frequency": "weekly", "count": 3}
    created = cast.client("member", "gresilles.localhost").post("/api/v1/bookings/series/", body, format="json")
    assert created.status_code == 201, created.content
    assert len(created.json()["occurrences"]) == 3
    refused = cast.client("member", "gresilles.localhost").post("/api/v1/bookings/series/", body, format="json")
    assert refused.status_code == 409
    assert [o["code"] for o in refused.json()["occurrences"]] == ["conflict"] * 3
    too_many = cast.client("member", "gresilles.localhost").post(
        "/api/v1/bookings/series/", body | {"count": 53}, format="json"
    )
    assert too_many.status_code == 422 and "count" in too_many.json()["errors"]
