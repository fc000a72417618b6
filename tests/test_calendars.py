"""iCalendar feeds: parsed back by a real parser, with VTIMEZONE, secret URLs and no names in public feeds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from icalendar import Calendar

from federation.tokens import create_api_token, revoke_api_token
from tenants.coworking.models import OpeningHours, Resource
from tenants.coworking.services import book_resource, cancel_booking

from .federation_fixtures import Cast
from .test_coworking import NOW, at

A = "gresilles.localhost"


@pytest.fixture
def booked(cast: Cast) -> tuple[Cast, Resource]:
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(0), closes=dt.time(23)) for d in range(7)
        )
        room = Resource.objects.create(
            name="Studio son", kind="studio", advance_days=365, hourly_rate_resident=Decimal("15")
        )
        for day in ("2027-03-27", "2027-03-30"):  # either side of the switch to summer time
            book_resource(
                venue=cast.venue_a,
                resource_id=room.pk,
                member=cast.people["member"],
                start=at(day, "10:00"),
                end=at(day, "12:00"),
                now=NOW,
            )
        cancelled = book_resource(
            venue=cast.venue_a,
            resource_id=room.pk,
            member=cast.people["member"],
            start=at("2027-04-01", "10:00"),
            end=at("2027-04-01", "11:00"),
            now=NOW,
        ).booking
        cancel_booking(booking=cancelled, now=NOW)
    return cast, room


def _feed(path: str) -> Calendar:
    response = Client(HTTP_HOST=A).get(path)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_a_members_feed_parses_back_with_its_timezone_and_local_times(booked: tuple[Cast, Resource]) -> None:
    cast, _room = booked
    secret = create_api_token(user=cast.people["member"], scopes=["calendar"]).secret

    calendar = _feed(f"/calendar/me/{secret}.ics")

    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    starts = [e.decoded("dtstart") for e in events]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [9, 8, 8]  # 10:00 in winter, then in summer
    assert all(s.tzinfo is not None and str(s.tzinfo) == "Europe/Paris" for s in starts)
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert str(events[0]["summary"]).startswith("Studio son")


def test_a_resource_feed_shows_busy_times_and_no_names(booked: tuple[Cast, Resource]) -> None:
    cast, room = booked
    secret = create_api_token(user=cast.people["staff_b"], scopes=["calendar"]).secret

    calendar = _feed(f"/calendar/resources/{room.pk}/{secret}.ics")

    events = calendar.walk("VEVENT")
    assert len(events) == 2 and {str(e["summary"]) for e in events} == {"Réservé"}
    assert "member@label.example" not in calendar.to_ical().decode()


def test_feed_secrets_are_calendar_tokens_only_and_revocable(booked: tuple[Cast, Resource]) -> None:
    cast, _room = booked
    api_token = create_api_token(user=cast.people["member"]).secret  # read + write, no calendar scope
    calendar_token = create_api_token(user=cast.people["member"], scopes=["calendar"])
    client = Client(HTTP_HOST=A)
    assert client.get(f"/calendar/me/{api_token}.ics").status_code == 404
    assert client.get("/calendar/me/hub_nothing_here.ics").status_code == 404
    assert (
        Client(HTTP_HOST=A, HTTP_AUTHORIZATION="Bearer " + calendar_token.secret).get("/api/v1/me/").status_code == 403
    )  # a feed secret opens no API
    revoke_api_token(token=calendar_token.token)
    assert client.get(f"/calendar/me/{calendar_token.secret}.ics").status_code == 404
