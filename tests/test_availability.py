"""Free slots, check-in, and the no-show release (on a real worker, for every venue)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from hub.errors import Conflict
from tenants.coworking.availability import availability
from tenants.coworking.models import Booking, Closure, OpeningHours, Resource
from tenants.coworking.services import book_resource, check_in, release_no_shows
from tenants.coworking.tasks import release_no_shows_everywhere

from .federation_fixtures import Cast, make_cast
from .test_booking_race import _future_slot
from .test_coworking import NOW, at

PARIS = ZoneInfo("Europe/Paris")


def _slots(found: dict, resource: Resource, day: str) -> list[tuple[str, str, int]]:
    return [
        (s.start.astimezone(PARIS).strftime("%H:%M"), s.end.astimezone(PARIS).strftime("%H:%M"), s.seats_left)
        for s in found[resource.pk][dt.date.fromisoformat(day)]
    ]


@pytest.fixture
def venue_a_open(cast: Cast) -> Any:
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            [OpeningHours(weekday=d, opens=dt.time(9), closes=dt.time(18)) for d in range(5)]
            + [OpeningHours(weekday=6, opens=dt.time(0), closes=dt.time(6))]
        )
        yield cast


def test_free_slots_skip_bookings_and_their_buffer(venue_a_open: Cast) -> None:
    room = Resource.objects.create(name="Tilleul", kind="meeting_room", buffer_minutes=15, advance_days=365)
    book_resource(
        venue=venue_a_open.venue_a,
        resource_id=room.pk,
        member=venue_a_open.people["member"],
        start=at("2027-03-03", "10:00"),
        end=at("2027-03-03", "11:00"),
        now=NOW,
    )

    found = availability([room], dt.date(2027, 3, 3), 1, PARIS, NOW)

    # 10:00–11:15 is taken (booking + buffer); a slot before 10:00 must leave its own buffer free.
    assert _slots(found, room, "2027-03-03") == [("09:00", "09:45", 1), ("11:15", "18:00", 1)]


def test_pooled_resources_report_seats_left(venue_a_open: Cast) -> None:
    desks = Resource.objects.create(name="Open space", kind="desk", mode="pooled", capacity=4, advance_days=365)
    for seats, start, end in [(3, "10:00", "12:00"), (1, "11:00", "13:00")]:
        book_resource(
            venue=venue_a_open.venue_a,
            resource_id=desks.pk,
            member=venue_a_open.people["member"],
            start=at("2027-03-03", start),
            end=at("2027-03-03", end),
            seats=seats,
            now=NOW,
        )

    assert _slots(availability([desks], dt.date(2027, 3, 3), 1, PARIS, NOW), desks, "2027-03-03") == [
        ("09:00", "10:00", 4),
        ("10:00", "11:00", 1),
        ("12:00", "13:00", 3),
        ("13:00", "18:00", 4),
    ]


def test_closures_holidays_weekends_and_a_dst_night(venue_a_open: Cast) -> None:
    room = Resource.objects.create(name="Tilleul", kind="meeting_room", advance_days=365)
    Closure.objects.create(starts_on=dt.date(2027, 3, 4), ends_on=dt.date(2027, 3, 4), reason="travaux")
    found = availability([room], dt.date(2027, 3, 3), 5, PARIS, NOW)
    assert _slots(found, room, "2027-03-04") == []  # closure
    assert _slots(found, room, "2027-03-06") == []  # Saturday: no opening hours
    assert _slots(availability([room], dt.date(2027, 5, 6), 1, PARIS, NOW), room, "2027-05-06") == []  # Ascension
    night = availability([room], dt.date(2027, 3, 28), 1, PARIS, NOW)[room.pk][dt.date(2027, 3, 28)]
    assert [(s.end - s.start) for s in night] == [dt.timedelta(hours=5)]  # 00:00–06:00 local lasts five hours


def test_availability_costs_the_same_queries_for_one_day_or_a_month(venue_a_open: Cast) -> None:
    rooms = [Resource.objects.create(name=f"Salle {i}", kind="meeting_room", advance_days=365) for i in range(5)]
    counts = []
    for days in (1, 31):
        with CaptureQueriesContext(connection) as queries:
            availability(rooms, dt.date(2027, 3, 1), days, PARIS, NOW)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3


def test_check_in_window_and_no_show_release(venue_a_open: Cast) -> None:
    room = Resource.objects.create(name="Tilleul", kind="meeting_room", advance_days=365, no_show_minutes=30)

    def make(day: str) -> Booking:
        return book_resource(
            venue=venue_a_open.venue_a,
            resource_id=room.pk,
            member=venue_a_open.people["member"],
            start=at(day, "10:00"),
            end=at(day, "12:00"),
            now=NOW,
        ).booking

    early, late = make("2027-03-03"), make("2027-03-04")
    with pytest.raises(Conflict):
        check_in(booking=early, now=at("2027-03-03", "09:40"))
    assert check_in(booking=early, now=at("2027-03-03", "09:50")).status == "checked_in"

    assert release_no_shows(now=at("2027-03-04", "10:29")) == 0
    assert release_no_shows(now=at("2027-03-04", "10:31")) == 1
    late.refresh_from_db()
    assert late.status == "no_show"
    book_resource(
        venue=venue_a_open.venue_a,
        resource_id=room.pk,
        member=venue_a_open.people["member"],
        start=at("2027-03-04", "11:00"),
        end=at("2027-03-04", "12:00"),
        now=at("2027-03-04", "10:35"),
    )


@pytest.mark.parametrize(
    "query",
    [
        "date=2027-02-30",
        "date=tomorrow",
        "days=2",
        "date=2027-03-01&days=32",
        "date=2027-03-01&days=0",
        "date=2027-03-01&kind=spaceship",
    ],
)
def test_bad_availability_queries_get_422(cast: Cast, query: str) -> None:
    response = cast.client("member", "gresilles.localhost").get("/api/v1/availability/?" + query)
    assert response.status_code == 422


def test_availability_over_rest(cast: Cast) -> None:
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(9), closes=dt.time(18)) for d in range(7)
        )
        room = Resource.objects.create(name="Studio", kind="studio", hourly_rate_resident=Decimal("1"))
    day = _future_slot()[0][:10]
    response = cast.client("member", "gresilles.localhost").get(
        f"/api/v1/resources/{room.pk}/availability/?date={day}&days=2"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/Paris" and body["resources"][0]["days"][0]["date"] == day
    assert (
        cast.client("member", "battants.localhost")
        .get(f"/api/v1/resources/{room.pk}/availability/?date={day}")
        .status_code
        == 404
    )


def test_the_no_show_release_runs_for_every_venue_on_a_real_worker(celery_worker: Any) -> None:
    from tenants.models import Venue

    cast = make_cast(Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants"))
    from federation.services import set_network_pass

    set_network_pass(allowed=True)
    past_start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    for slug in ("gresilles", "battants"):
        with schema_context(slug):
            room = Resource.objects.create(name="Salle", kind="meeting_room")
            Booking.objects.create(  # an hour in, never checked in (written directly: it began in the past)
                resource=room,
                member=cast.people["member"],
                during=(past_start, past_start + dt.timedelta(hours=3)),
                blocks=(past_start, past_start + dt.timedelta(hours=3)),
                exclusive=True,
                rate_category="resident",
                price_excl_vat=Decimal("0"),
                vat_rate=Decimal("20"),
                price_incl_vat=Decimal("0"),
            )

    assert release_no_shows_everywhere.delay().get(timeout=30) == ["battants", "gresilles"]

    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        statuses = []
        for slug in ("gresilles", "battants"):
            with schema_context(slug):
                statuses += list(Booking.objects.values_list("status", flat=True))
        if statuses == ["no_show", "no_show"]:
            break
        time.sleep(0.2)
    assert statuses == ["no_show", "no_show"]
