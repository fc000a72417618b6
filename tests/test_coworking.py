"""Coworking bookings: rules, prices, the database's refusal of overlaps, seats, idempotency, fees, REST."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection as default_connection
from django_tenants.utils import schema_context

from federation import services as federation
from hub.errors import Conflict, InvalidInput, NotFound
from tenants.coworking import rules
from tenants.coworking.models import Booking, Closure, OpeningHours, Resource
from tenants.coworking.services import NotAllowed, QuotaExceeded, book_resource, cancel_booking

from .federation_fixtures import Cast

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)  # a Monday; every test below books after it


def at(day: str, hhmm: str) -> dt.datetime:
    """A local (Paris) wall-clock time as an aware datetime."""
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=PARIS)


@pytest.fixture
def room(cast: Cast) -> Any:
    """Venue A's meeting room (exclusive, 15-minute buffer), open every day 08:00–20:00, and the cast."""
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        resource = Resource.objects.create(
            name="Salle Tilleul 2",
            kind="meeting_room",
            capacity=10,
            buffer_minutes=15,
            advance_days=120,
            hourly_rate_resident=Decimal("8.33"),
            hourly_rate_network=Decimal("12.00"),
            hourly_rate_public=Decimal("20.00"),
        )
    with schema_context("gresilles"):
        yield resource


def book(
    cast: Cast,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    role: str = "member",
    venue: str = "a",
    **kwargs: Any,
) -> Booking:
    target = cast.venue_a if venue == "a" else cast.venue_b
    return book_resource(
        venue=target, resource_id=resource.pk, member=cast.people[role], start=start, end=end, now=NOW, **kwargs
    ).booking


BAD = [
    ("2027-03-03", "11:00", "10:00", {}, "end"),  # end before start
    ("2027-03-03", "10:00", "10:00", {}, "end"),  # zero duration
    ("2027-02-26", "10:00", "11:00", {}, "start"),  # past
    ("2027-09-01", "10:00", "11:00", {}, "start"),  # beyond the 120-day window
    ("2027-03-03", "10:10", "11:10", {}, "start"),  # not on a 15-minute slot
    ("2027-03-03", "10:00", "10:15", {}, "end"),  # shorter than 30 minutes
    ("2027-03-03", "07:00", "09:00", {}, "start"),  # opens at 08:00
    ("2027-03-03", "19:00", "21:00", {}, "start"),  # closes at 20:00
    ("2027-05-06", "10:00", "11:00", {}, "start"),  # Ascension Day, a public holiday
    ("2027-03-03", "10:00", "11:00", {"seats": 2}, "seats"),  # an exclusive room is booked whole
]


@pytest.mark.parametrize(("day", "start", "end", "extra", "field"), BAD)
def test_bad_requests_are_refused_on_their_field_and_write_nothing(
    room: Resource, cast: Cast, day: str, start: str, end: str, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        book(cast, room, at(day, start), at(day, end), **extra)
    assert field in caught.value.fields
    assert not Booking.objects.exists()


def test_a_closure_refuses_bookings(room: Resource, cast: Cast) -> None:
    Closure.objects.create(starts_on=dt.date(2027, 3, 10), ends_on=dt.date(2027, 3, 12), reason="inventaire")
    with pytest.raises(InvalidInput, match="cannot be made") as caught:
        book(cast, room, at("2027-03-11", "10:00"), at("2027-03-11", "11:00"))
    assert "inventaire" in caught.value.fields["start"][0]


def test_prices_are_frozen_in_decimal_with_vat_rounded_half_up(room: Resource, cast: Cast) -> None:
    booking = book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "11:30"))
    assert (booking.rate_category, booking.price_excl_vat, booking.price_incl_vat) == (
        "resident",
        Decimal("12.50"),
        Decimal("15.00"),
    )  # 8.33 × 1.5 = 12.495 → 12.50; × 1.2 = 15.00
    Resource.objects.filter(pk=room.pk).update(hourly_rate_resident=Decimal("99"))
    booking.refresh_from_db()
    assert booking.price_excl_vat == Decimal("12.50")


@pytest.mark.parametrize(
    ("day", "start", "end", "hours", "utc_start"),
    [
        ("2027-03-28", "01:00", "04:00", 2, "2027-03-28T00:00:00+00:00"),  # clocks go forward at 02:00
        ("2027-10-31", "01:00", "04:00", 4, "2027-10-30T23:00:00+00:00"),  # clocks go back at 03:00
        ("2027-03-27", "09:00", "12:00", 3, "2027-03-27T08:00:00+00:00"),  # the day before, UTC+1
        ("2027-03-30", "09:00", "12:00", 3, "2027-03-30T07:00:00+00:00"),  # after it (29 March is Easter Monday)
    ],
)
def test_dst_days_are_priced_on_real_hours_and_stored_in_utc(
    room: Resource, cast: Cast, day: str, start: str, end: str, hours: int, utc_start: str
) -> None:
    OpeningHours.objects.update(opens=dt.time(0))
    Resource.objects.filter(pk=room.pk).update(hourly_rate_resident=Decimal("10"), advance_days=365)
    room.refresh_from_db()
    now = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    booking = book_resource(
        venue=cast.venue_a,
        resource_id=room.pk,
        member=cast.people["member"],
        start=at(day, start),
        end=at(day, end),
        now=now,
    ).booking
    assert booking.during.lower.astimezone(dt.UTC).isoformat() == utc_start
    assert booking.price_excl_vat == Decimal(hours * 10).quantize(Decimal("0.01"))


def test_the_database_refuses_an_overlap_and_the_conflict_names_the_interval(room: Resource, cast: Cast) -> None:
    book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "12:00"))
    with pytest.raises(Conflict) as caught:
        book(cast, room, at("2027-03-03", "11:00"), at("2027-03-03", "13:00"))
    assert caught.value.fields["conflict"] == ["2027-03-03T09:00:00+00:00", "2027-03-03T11:00:00+00:00"]
    with pytest.raises(Conflict):  # the 15-minute buffer after 12:00
        book(cast, room, at("2027-03-03", "12:00"), at("2027-03-03", "13:00"))
    book(cast, room, at("2027-03-03", "12:15"), at("2027-03-03", "13:00"))  # half-open: fine
    assert Booking.objects.count() == 2


def test_the_guard_is_the_database_itself(room: Resource, cast: Cast) -> None:
    """Written straight to the table, bypassing every Python check, an overlap is still refused."""
    first = book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "12:00"))
    clone = Booking(
        **{f.attname: getattr(first, f.attname) for f in Booking._meta.concrete_fields if f.attname != "id"}
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="coworking_booking_no_overlap"), transaction.atomic():
        clone.save()


def test_cancelled_bookings_free_the_slot(room: Resource, cast: Cast) -> None:
    first = book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "12:00"))
    cancel_booking(booking=first, now=NOW)
    book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "12:00"))


def test_pooled_seats_fill_up_then_refuse(cast: Cast, room: Resource) -> None:
    desks = Resource.objects.create(name="Open space", kind="desk", mode="pooled", capacity=3)
    book(cast, desks, at("2027-03-03", "09:00"), at("2027-03-03", "12:00"), seats=2)
    book(cast, desks, at("2027-03-03", "10:00"), at("2027-03-03", "11:00"))
    with pytest.raises(Conflict) as caught:  # overlaps both: 2 + 1 seats taken
        book(cast, desks, at("2027-03-03", "10:30"), at("2027-03-03", "12:00"))
    assert caught.value.fields["seats"] == ["0 seats left."]
    book(cast, desks, at("2027-03-03", "12:00"), at("2027-03-03", "13:00"), seats=3)


def test_an_idempotency_key_replays_the_first_result_and_refuses_another_body(room: Resource, cast: Cast) -> None:
    first = book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "11:00"), idempotency_key="k-1")
    again = book_resource(
        venue=cast.venue_a,
        resource_id=room.pk,
        member=cast.people["member"],
        start=at("2027-03-03", "10:00"),
        end=at("2027-03-03", "11:00"),
        now=NOW,
        idempotency_key="k-1",
    )
    assert again.replayed and again.booking.pk == first.pk
    with pytest.raises(InvalidInput) as caught:
        book(cast, room, at("2027-03-03", "14:00"), at("2027-03-03", "15:00"), idempotency_key="k-1")
    assert "idempotency_key" in caught.value.fields
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(("hours_before", "fee"), [(48, "0.00"), (24, "0.00"), (23, "7.50"), (1, "7.50")])
def test_cancellation_is_free_until_the_deadline_then_costs_the_fee(
    room: Resource, cast: Cast, hours_before: int, fee: str
) -> None:
    booking = book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "11:30"))  # 15.00 incl. VAT
    cancelled = cancel_booking(booking=booking, now=booking.during.lower - dt.timedelta(hours=hours_before))
    assert (cancelled.status, cancelled.cancellation_fee) == ("cancelled", Decimal(fee))
    with pytest.raises(Conflict):
        cancel_booking(booking=booking, now=NOW)


def test_network_members_book_on_their_terms_and_within_their_quota(room: Resource, cast: Cast) -> None:
    member_b = federation.apply_for_membership(
        applicant=cast.people["staff_b"], home_venue=cast.venue_b, name="Studio B", sector="cinema"
    )
    federation.change_organisation_status(organisation=member_b, status="active", actor=None)
    with pytest.raises(NotAllowed):  # no network pass yet
        book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "11:00"), role="staff_b")

    federation.set_network_pass(allowed=True, monthly_hours=2)
    booking = book(cast, room, at("2027-03-03", "10:00"), at("2027-03-03", "11:00"), role="staff_b")
    assert (booking.rate_category, booking.price_excl_vat) == ("network", Decimal("12.00"))
    book(cast, room, at("2027-03-04", "10:00"), at("2027-03-04", "11:00"), role="staff_b")
    with pytest.raises(QuotaExceeded):
        book(cast, room, at("2027-03-05", "10:00"), at("2027-03-05", "10:30"), role="staff_b")
    book(cast, room, at("2027-04-05", "10:00"), at("2027-04-05", "11:00"), role="staff_b")  # a new month

    Resource.objects.filter(pk=room.pk).update(network_bookable=False)
    with pytest.raises(NotAllowed):
        book(cast, room, at("2027-04-06", "10:00"), at("2027-04-06", "11:00"), role="staff_b")


def test_unknown_and_inactive_resources_are_not_found(room: Resource, cast: Cast) -> None:
    Resource.objects.filter(pk=room.pk).update(is_active=False)
    for resource_id in (room.pk, 999_999):
        with pytest.raises(NotFound):
            book_resource(
                venue=cast.venue_a,
                resource_id=resource_id,
                member=cast.people["member"],
                start=at("2027-03-03", "10:00"),
                end=at("2027-03-03", "11:00"),
                now=NOW,
            )


def test_public_holidays_are_french_ones() -> None:
    assert rules.is_public_holiday(dt.date(2027, 7, 14)) and rules.is_public_holiday(dt.date(2027, 5, 8))
    assert not rules.is_public_holiday(dt.date(2027, 7, 15))


def test_every_venue_schema_carries_the_exclusion_constraint(cast: Cast) -> None:
    with default_connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.conname = 'coworking_booking_no_overlap' AND c.contype = 'x' ORDER BY 1"
        )
        # and the template new venues are copied from, which is a venue schema without a venue
        assert [row[0] for row in cursor.fetchall()] == ["_venue_template", "battants", "gresilles"]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("1", "10"),
        ("3", "30"),
        ("3.5", "35"),  # by the hour while it is cheaper than a half-day (35)
        ("4", "35"),
        ("5", "45"),
        ("6", "55"),
        ("7", "60"),  # from here the day (60) is cheaper than half-days and hours
        ("8", "60"),
        ("9", "70"),
        ("10", "80"),  # a day plus the cheapest way to cover the rest
    ],
)
def test_the_cheapest_of_hourly_half_day_and_day_rates_is_charged(hours: str, expected: str) -> None:
    assert rules.cheapest(Decimal(hours), Decimal("10"), Decimal("35"), Decimal("60")) == Decimal(expected)


def test_without_package_rates_the_hour_is_the_unit() -> None:
    assert rules.cheapest(Decimal("9"), Decimal("10"), None, None) == Decimal("90")
