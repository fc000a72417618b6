"""Regression tests for what the coworking review found: each failed before its fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from federation import services as federation
from tenants.coworking.models import OpeningHours, Plan, Resource
from tenants.coworking.plans import subscribe
from tenants.coworking.services import QuotaExceeded, book_resource, cancel_booking

from .federation_fixtures import Cast
from .test_coworking import NOW, at

A = "gresilles.localhost"


@pytest.fixture
def open_a(cast: Cast) -> Any:
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        yield cast


def _book(cast: Cast, resource: Resource, day: str, start: str, end: str, role: str = "member", **kw: Any) -> Any:
    return book_resource(
        venue=cast.venue_a,
        resource_id=resource.pk,
        member=cast.people[role],
        start=at(day, start),
        end=at(day, end),
        now=NOW,
        **kw,
    ).booking


def test_the_network_quota_counts_whatever_the_rate_category(open_a: Cast) -> None:
    cast = open_a
    room = Resource.objects.create(name="Salle", kind="meeting_room", advance_days=365)
    guest = federation.apply_for_membership(
        applicant=cast.people["staff_b"], home_venue=cast.venue_b, name="Invitée", sector="web"
    )
    federation.change_organisation_status(organisation=guest, status="active", actor=None)
    federation.set_network_pass(allowed=True, rate_category="public", monthly_hours=1)
    first = _book(cast, room, "2027-03-03", "10:00", "11:00", role="staff_b")
    assert (first.network, first.rate_category) == (True, "public")
    with pytest.raises(QuotaExceeded):
        _book(cast, room, "2027-03-04", "10:00", "11:00", role="staff_b")
    assert _book(cast, room, "2027-03-04", "10:00", "12:00").network is False  # home members: no quota


@pytest.mark.parametrize(("hours_before", "credits_after"), [(48, 2), (2, 1)])
def test_a_day_credit_comes_back_when_the_cancellation_is_free(
    open_a: Cast, hours_before: int, credits_after: int
) -> None:
    cast = open_a
    desk = Resource.objects.create(name="Poste", kind="desk", advance_days=365, hourly_rate_resident=Decimal("2"))
    card = subscribe(
        organisation=cast.organisation,
        starts_on=dt.date(2027, 3, 1),
        plan=Plan.objects.create(
            name="Carte", kind="ten_day_card", price_excl_vat=Decimal("20"), day_credits=2, covers_kinds=["desk"]
        ),
    )
    booking = _book(cast, desk, "2027-03-10", "09:00", "12:00")
    card.refresh_from_db()
    assert card.day_credits_left == 1
    cancel_booking(booking=booking, now=booking.during.lower - dt.timedelta(hours=hours_before))
    card.refresh_from_db()
    assert card.day_credits_left == credits_after


def test_pooled_seats_count_the_peak_not_the_sum(open_a: Cast) -> None:
    cast = open_a
    desks = Resource.objects.create(name="Open space", kind="desk", mode="pooled", capacity=2, advance_days=365)
    _book(cast, desks, "2027-03-03", "09:00", "10:00")
    _book(cast, desks, "2027-03-03", "10:00", "11:00")
    _book(cast, desks, "2027-03-03", "09:00", "11:00")  # one seat in use at any moment: one more fits


@pytest.mark.parametrize(
    "path", ["/api/v1/availability/?date=9999-12-31&days=2", "/api/v1/availability/?date=0001-01-01"]
)
def test_far_availability_dates_are_422_not_500(cast: Cast, path: str) -> None:
    assert cast.client("member", A).get(path).status_code == 422


def test_a_series_running_past_the_calendar_is_422_not_500(open_a: Cast) -> None:
    room = Resource.objects.create(name="Salle", kind="meeting_room")
    body = {
        "resource": room.pk,
        "start": "9999-11-15T10:00:00+01:00",
        "end": "9999-11-15T11:00:00+01:00",
        "frequency": "monthly",
        "count": 52,
        "all_or_nothing": False,
    }
    response = open_a.client("member", A).post("/api/v1/bookings/series/", body, format="json")
    assert response.status_code == 422
