"""Plans and subscriptions: what they cover, what they consume, and who may subscribe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from hub.errors import InvalidInput
from tenants.coworking.models import Booking, OpeningHours, Plan, Resource
from tenants.coworking.plans import consumption, subscribe
from tenants.coworking.services import NotAllowed, book_resource, cancel_booking

from .federation_fixtures import Cast
from .test_coworking import NOW, at


@pytest.fixture
def venue(cast: Cast) -> Any:
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        resources = {
            "desk": Resource.objects.create(
                name="Poste nomade", kind="desk", advance_days=365, hourly_rate_resident=Decimal("2")
            ),
            "room": Resource.objects.create(
                name="Salle Érable", kind="meeting_room", advance_days=365, hourly_rate_resident=Decimal("8")
            ),
            "fixed": Resource.objects.create(
                name="Poste fixe 7", kind="desk", advance_days=365, hourly_rate_resident=Decimal("2")
            ),
        }
        plans = {
            "card": Plan.objects.create(
                name="Carte 10 jours",
                kind="ten_day_card",
                price_excl_vat=Decimal("90"),
                day_credits=2,
                covers_kinds=["desk"],
            ),
            "hot": Plan.objects.create(
                name="Nomade mensuel",
                kind="monthly_hot_desk",
                price_excl_vat=Decimal("120"),
                included_hours_per_month=3,
                covers_kinds=["desk", "meeting_room"],
            ),
            "fixed": Plan.objects.create(name="Poste fixe", kind="fixed_desk", price_excl_vat=Decimal("180")),
        }
        yield cast, resources, plans


def _book(cast: Cast, resource: Resource, day: str, start: str, end: str, role: str = "member") -> Booking:
    return book_resource(
        venue=cast.venue_a,
        resource_id=resource.pk,
        member=cast.people[role],
        start=at(day, start),
        end=at(day, end),
        now=NOW,
    ).booking


def test_a_card_spends_one_day_per_day_used_then_bookings_are_charged(venue: Any) -> None:
    cast, resources, plans = venue
    card = subscribe(organisation=cast.organisation, plan=plans["card"], starts_on=dt.date(2027, 3, 1))
    morning = _book(cast, resources["desk"], "2027-03-03", "09:00", "12:00")
    afternoon = _book(cast, resources["desk"], "2027-03-03", "14:00", "17:00")
    second_day = _book(cast, resources["desk"], "2027-03-04", "09:00", "10:00")
    third_day = _book(cast, resources["desk"], "2027-03-05", "09:00", "10:00")
    card.refresh_from_db()

    assert [b.subscription_id for b in (morning, afternoon, second_day)] == [card.pk] * 3
    assert (morning.price_incl_vat, afternoon.price_incl_vat) == (Decimal("0"), Decimal("0"))
    assert card.day_credits_left == 0
    assert (third_day.subscription_id, third_day.price_excl_vat) == (None, Decimal("2.00"))
    assert _book(cast, resources["room"], "2027-03-04", "10:00", "11:00").subscription_id is None  # not covered


def test_monthly_hours_are_included_then_charged_and_consumption_is_reported(venue: Any) -> None:
    cast, resources, plans = venue
    hot = subscribe(organisation=cast.organisation, plan=plans["hot"], starts_on=dt.date(2027, 3, 1))
    covered = _book(cast, resources["room"], "2027-03-03", "09:00", "11:00")
    beyond = _book(cast, resources["room"], "2027-03-03", "14:00", "16:00")  # 2 + 2 > 3 included hours
    assert (covered.subscription_id, beyond.subscription_id) == (hot.pk, None)
    assert beyond.price_excl_vat == Decimal("16.00")
    next_month = _book(cast, resources["room"], "2027-04-05", "09:00", "11:00")
    assert next_month.subscription_id == hot.pk

    used = consumption(hot, dt.date(2027, 3, 15), cast.venue_a)
    assert (used.bookings, used.hours, used.hours_included) == (1, Decimal(2), 3)
    cancel_booking(booking=covered, now=NOW)
    assert consumption(hot, dt.date(2027, 3, 15), cast.venue_a).hours == 0


def test_a_fixed_desk_is_covered_for_its_renter_and_refused_to_others(venue: Any) -> None:
    cast, resources, plans = venue
    rent = subscribe(
        organisation=cast.organisation, plan=plans["fixed"], starts_on=dt.date(2027, 3, 1), resource=resources["fixed"]
    )
    assert _book(cast, resources["fixed"], "2027-03-03", "09:00", "18:00").subscription_id == rent.pk
    from federation import services as federation

    other = federation.apply_for_membership(
        applicant=cast.people["staff_a"], home_venue=cast.venue_a, name="Autre Studio", sector="web"
    )
    other = federation.change_organisation_status(organisation=other, status="active", actor=None)
    with pytest.raises(NotAllowed):
        _book(cast, resources["fixed"], "2027-03-04", "09:00", "10:00", role="staff_a")
    with pytest.raises(InvalidInput) as caught:
        subscribe(organisation=other, plan=plans["fixed"], starts_on=dt.date(2027, 3, 2), resource=resources["fixed"])
    assert "resource" in caught.value.fields


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"resource": None}, "resource"),  # a fixed desk names its desk
        ({"ends_on": dt.date(2027, 2, 1)}, "ends_on"),
    ],
)
def test_bad_subscriptions_are_refused(venue: Any, change: dict[str, Any], field: str) -> None:
    cast, resources, plans = venue
    arguments = {
        "organisation": cast.organisation,
        "plan": plans["fixed"],
        "starts_on": dt.date(2027, 3, 1),
        "resource": resources["fixed"],
    } | change
    with pytest.raises(InvalidInput) as caught:
        subscribe(**arguments)
    assert field in caught.value.fields


def test_subscriptions_over_rest(venue: Any) -> None:
    cast, _resources, plans = venue
    body = {"organisation": "label-test", "plan": plans["card"].pk, "starts_on": "2027-03-01"}
    assert (
        cast.client("member", "gresilles.localhost").post("/api/v1/subscriptions/", body, format="json").status_code
        == 403
    )
    created = cast.client("staff_a", "gresilles.localhost").post("/api/v1/subscriptions/", body, format="json")
    assert created.status_code == 201, created.content
    assert (
        cast.client("staff_b", "battants.localhost")
        .post("/api/v1/subscriptions/", body | {"plan": 999}, format="json")
        .status_code
        == 422
    )
    mine = cast.client("member", "gresilles.localhost").get("/api/v1/subscriptions/").json()
    assert [(s["plan"]["name"], s["this_month"]["days_left"]) for s in mine] == [("Carte 10 jours", 2)]
    assert cast.client("staff_b", "gresilles.localhost").get("/api/v1/subscriptions/").json() == []
    plans_listed = cast.client("member", "gresilles.localhost").get("/api/v1/plans/").json()["results"]
    assert [p["kind"] for p in plans_listed] == ["ten_day_card", "monthly_hot_desk", "fixed_desk"]


def test_the_subscription_list_costs_the_same_queries_for_one_or_many(venue: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast, _resources, plans = venue
    client = cast.client("staff_a", "gresilles.localhost")
    subscribe(organisation=cast.organisation, plan=plans["card"], starts_on=dt.date(2027, 3, 1))
    client.get("/api/v1/subscriptions/")  # the token's first use writes last_used_at: not part of the count
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/subscriptions/").status_code == 200
        counts.append(len(queries))
        with schema_context("gresilles"):  # each request hands the connection back to public
            for _ in range(5):
                subscribe(organisation=cast.organisation, plan=plans["hot"], starts_on=dt.date(2027, 3, 1))
    assert counts[0] == counts[1]
