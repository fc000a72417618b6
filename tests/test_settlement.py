"""Settlement between venues: the ledger of cross-site bookings, monthly statements both ways, the CSV, and who
may read them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from federation import services as federation
from federation.models import Organisation
from hub.db import connection
from settlement.models import CrossSiteBooking
from settlement.selectors import network_hours_used, statement, statement_csv, statements
from tenants.coworking.models import Plan
from tenants.coworking.plans import subscribe
from tenants.coworking.services import book_resource, cancel_booking

from .events_fixtures import SIRET_B
from .factories import UserFactory
from .federation_fixtures import ROLES
from .graphql_fixtures import Network, working_day


@pytest.fixture
def both_ways(network: Network) -> dict[str, Any]:
    """Label Test (home Grésilles) books 2 h at Battants; Bobine (home Battants) books 3 h at Grésilles."""
    person = UserFactory.create(email="nora@bobine.example")
    bobine = federation.apply_for_membership(
        applicant=person, home_venue=network.cast.venue_b, name="=Bobine", sector="cinema", siret=SIRET_B
    )
    federation.change_organisation_status(organisation=bobine, status=Organisation.Status.ACTIVE, actor=None)
    day = working_day()

    def at(hour: int) -> dt.datetime:
        return dt.datetime.fromisoformat("%sT%02d:00:00+01:00" % (day.isoformat(), hour))

    with schema_context("battants"):
        away = book_resource(
            venue=network.cast.venue_b,
            resource_id=network.room.pk,
            member=network.cast.people["member"],
            start=at(10),
            end=at(12),
        ).booking
    with schema_context("gresilles"):
        back = book_resource(
            venue=network.cast.venue_a, resource_id=network.home_room.pk, member=person, start=at(9), end=at(12)
        ).booking
    connection.set_schema_to_public()
    return {"network": network, "away": away, "back": back, "bobine": bobine, "person": person, "day": day}


def test_statements_show_both_flows_and_who_owes_whom(both_ways: dict[str, Any]) -> None:
    network = both_ways["network"]
    month = both_ways["day"].replace(day=1)
    found = statement(month, network.cast.venue_a, network.cast.venue_b)
    first, second = found.first, found.second  # battants hosts first (slugs sort battants < gresilles)
    assert (first.host.schema_name, first.home.schema_name, first.bookings, first.hours, first.due) == (
        "battants",
        "gresilles",
        1,
        Decimal("2.00"),
        Decimal("28.80"),  # 2 h × 12.00 + 20 % VAT
    )
    assert (second.host.schema_name, second.bookings, second.hours, second.due) == (
        "gresilles",
        1,
        Decimal("3.00"),
        Decimal("43.20"),  # 3 h × 12.00 + 20 % VAT
    )
    assert (found.debtor.schema_name, found.creditor.schema_name, found.balance) == (  # type: ignore[union-attr]
        "battants",
        "gresilles",
        Decimal("14.40"),
    )
    assert statements(month) == [found] == statements(month, involving=[network.cast.venue_b])
    assert statements(month.replace(year=month.year + 1)) == []


def test_a_cancellation_keeps_only_its_fee_and_frees_the_quota(both_ways: dict[str, Any]) -> None:
    network = both_ways["network"]
    month = both_ways["day"].replace(day=1)
    assert network_hours_used(network.cast.organisation, month) == Decimal("2.00")
    late = both_ways["away"].during.lower - dt.timedelta(hours=2)  # within 24 h: half the price
    with schema_context("battants"):
        cancel_booking(booking=both_ways["away"], now=late)
    connection.set_schema_to_public()
    flow = statement(month, network.cast.venue_a, network.cast.venue_b).first
    assert (flow.bookings, flow.cancelled, flow.cancellation_fees, flow.due) == (
        0,
        1,
        Decimal("14.40"),
        Decimal("14.40"),
    )
    assert network_hours_used(network.cast.organisation, month) == 0


def test_a_booking_a_subscription_pays_for_earns_and_counts_nothing(network: Network) -> None:
    day = working_day()
    with schema_context("battants"):
        plan = Plan.objects.create(
            name="Carte 10 jours",
            kind="ten_day_card",
            price_excl_vat=Decimal("90"),
            day_credits=10,
            covers_kinds=["meeting_room"],
        )
        subscribe(organisation=network.cast.organisation, plan=plan, starts_on=day, ends_on=day + dt.timedelta(days=30))
        start = dt.datetime.fromisoformat("%sT10:00:00+01:00" % day.isoformat())
        book_resource(
            venue=network.cast.venue_b,
            resource_id=network.room.pk,
            member=network.cast.people["member"],
            start=start,
            end=start + dt.timedelta(hours=2),
        )
    connection.set_schema_to_public()
    row = CrossSiteBooking.objects.get()
    assert row.covered and row.due == 0
    assert network_hours_used(network.cast.organisation, day.replace(day=1)) == 0


def test_the_csv_lists_every_booking_then_totals_and_balance_with_safe_cells(both_ways: dict[str, Any]) -> None:
    network = both_ways["network"]
    month = both_ways["day"].replace(day=1)
    rows = list(csv.reader(io.StringIO(statement_csv(month, network.cast.venue_a, network.cast.venue_b))))
    header, lines = rows[0], rows[1:]
    assert header[:3] == ["host_venue", "home_venue", "organisation"] and header[-1] == "due"
    assert all(len(line) == len(header) for line in lines)
    assert [(line[0], line[1], line[2], line[-1]) for line in lines] == [
        ("battants", "gresilles", "Label Test", "28.80"),
        ("gresilles", "battants", "'=Bobine", "43.20"),  # a formula-like name is quoted as text
        ("battants", "gresilles", "total", "28.80"),
        ("gresilles", "battants", "total", "43.20"),
        ("gresilles", "battants", "balance", "14.40"),  # Battants (home of Bobine) owes Grésilles
    ]


WHO = {"anonymous": 401, "member": 403, "staff_a": 403, "manager_a": 200, "staff_b": 403, "partner": 403, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
def test_only_a_venues_managers_read_its_settlements(both_ways: dict[str, Any], role: str) -> None:
    network = both_ways["network"]
    month = both_ways["day"].strftime("%Y-%m")
    client = network.cast.client(role, "gresilles.localhost")
    listed = client.get("/api/v1/settlements/%s/" % month)
    as_csv = client.get("/api/v1/settlements/%s/battants.csv" % month)
    connection.set_schema_to_public()
    assert (listed.status_code, as_csv.status_code) == (WHO[role], WHO[role])
    if WHO[role] == 200:
        assert listed.json()[0]["balance"] == "14.40" and listed.json()[0]["debtor"] == "battants"


def test_bad_months_and_unknown_venues_are_refused(both_ways: dict[str, Any]) -> None:
    client = both_ways["network"].cast.client("manager_a", "gresilles.localhost")
    for path in ("2027-13/", "27-01/", "0000-01/", "2027-01/nowhere.csv", "2027-01/gresilles.csv", "2027-1/"):
        response = client.get("/api/v1/settlements/" + path)
        assert response.status_code in (404, 422), (path, response.status_code)
    other_host = both_ways["network"].cast.client("manager_a", "battants.localhost")
    assert other_host.get("/api/v1/settlements/2027-01/").status_code == 403  # managers of Grésilles only
    connection.set_schema_to_public()


def test_federation_admins_read_the_ledger_in_the_admin(both_ways: dict[str, Any]) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(both_ways["network"].cast.people["admin"])
    listed = client.get("/admin/settlement/crosssitebooking/")
    row = CrossSiteBooking.objects.first()
    assert row is not None
    change = client.post("/admin/settlement/crosssitebooking/%d/change/" % row.pk, {"hours": "99"})
    connection.set_schema_to_public()
    assert listed.status_code == 200 and "Label Test" in listed.content.decode()
    assert change.status_code == 403 and CrossSiteBooking.objects.get(pk=row.pk).hours == row.hours


def test_the_allowance_reported_follows_the_passes(cast: Any) -> None:
    from federation.selectors import network_allowance

    assert network_allowance(cast.organisation) == 0  # no pass: no network booking at all
    federation.set_network_pass(allowed=True, monthly_hours=None)
    assert network_allowance(cast.organisation) is None  # no limit
    federation.set_network_pass(organisation=cast.organisation, allowed=True, monthly_hours=12)
    assert network_allowance(cast.organisation) == 12  # its own pass wins over the federation's
    federation.set_network_pass(organisation=cast.organisation, allowed=False)
    assert network_allowance(cast.organisation) == 0


def test_rebuild_records_the_bookings_the_ledger_lacks_and_changes_nothing_twice(both_ways: dict[str, Any]) -> None:
    from django.core.management import call_command

    before = sorted(CrossSiteBooking.objects.values_list("host", "booking_id", "hours", "price_incl_vat", "month"))
    CrossSiteBooking.objects.all().delete()  # as if both bookings predated the ledger
    with schema_context("battants"):
        cancel_booking(booking=both_ways["away"])  # cancelled while not in the ledger: logged, not lost
    connection.set_schema_to_public()
    out = io.StringIO()
    call_command("rebuild_settlement", stdout=out)
    assert "battants: 1 ledger rows written" in out.getvalue() and "gresilles: 1 ledger rows written" in out.getvalue()
    after = sorted(CrossSiteBooking.objects.values_list("host", "booking_id", "hours", "price_incl_vat", "month"))
    assert after == before
    assert CrossSiteBooking.objects.get(host__schema_name="battants").cancelled_at is not None
    again = io.StringIO()
    call_command("rebuild_settlement", "--venue", "battants", stdout=again)
    assert again.getvalue().strip() == "battants: 0 ledger rows written"


def test_allowances_of_several_organisations_in_one_query(cast: Any, django_assert_num_queries: Any) -> None:
    from federation.selectors import network_allowances

    other = federation.apply_for_membership(
        applicant=cast.people["staff_b"], home_venue=cast.venue_b, name="Autre", sector="web"
    )
    federation.set_network_pass(allowed=True, monthly_hours=20)
    federation.set_network_pass(organisation=other, allowed=True, monthly_hours=5)
    with django_assert_num_queries(1):
        found = network_allowances([cast.organisation, other])
    assert found == {cast.organisation.pk: 20, other.pk: 5}
