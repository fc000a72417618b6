"""The federation GraphQL API: booking across sites end to end, registrations, services, typed errors."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django_tenants.utils import schema_context

from hub.db import connection
from settlement.models import CrossSiteBooking
from tenants.coworking.models import Booking

from .graphql_fixtures import CREATE_BOOKING, ME, Network, gql, local, post

CANCEL = """
mutation Cancel($booking: ID!) {
  cancelBooking(booking: $booking) { booking { id status cancellationFee } errors { code field message } }
}"""


def book(network: Network, role: str = "member", start: int = 10, end: int = 12, **extra: Any) -> dict[str, Any]:
    values = {"resource": network.room_ref, "start": local(network.day, start), "end": local(network.day, end)}
    return gql(network.cast, role, CREATE_BOOKING, {"input": values | extra})["createBooking"]


def counts() -> tuple[int, int, int]:
    """(bookings at Battants, bookings at Grésilles, cross-site rows)."""
    with schema_context("battants"):
        battants = Booking.objects.count()
    with schema_context("gresilles"):
        gresilles = Booking.objects.count()
    connection.set_schema_to_public()
    return battants, gresilles, CrossSiteBooking.objects.count()


def test_a_member_of_gresilles_books_at_battants_end_to_end(network: Network) -> None:
    answer = book(network)
    assert answer["errors"] == [] and answer["replayed"] is False
    booking = answer["booking"]
    assert booking["venue"]["slug"] == "battants" and booking["network"] is True
    assert (booking["rateCategory"], booking["priceExclVat"], booking["priceInclVat"]) == ("network", "24.00", "28.80")

    with schema_context("battants"):  # the booking lives in the host's schema, under the rules of the venue API
        stored = Booking.objects.get()
        assert (
            stored.resource_id == network.room.pk
            and stored.network
            and stored.member_id == network.cast.people["member"].pk
        )
    assert booking["id"] == "battants/booking/%d" % stored.pk

    month = network.day.strftime("%Y-%m")
    me = gql(network.cast, "member", ME, {"month": month})["me"]
    assert [edge["node"]["id"] for edge in me["bookings"]["edges"]] == [booking["id"]]
    quota = me["networkQuota"][0]
    assert (quota["hoursAllowed"], quota["hoursUsed"], quota["hoursLeft"]) == (3, "2.00", "1.00")

    row = CrossSiteBooking.objects.get()  # what Battants earned from a Grésilles organisation
    assert (row.host.schema_name, row.home.schema_name, row.organisation, row.hours, row.price_incl_vat) == (
        "battants",
        "gresilles",
        network.cast.organisation,
        Decimal("2.00"),
        Decimal("28.80"),
    )
    statements = gql(
        network.cast,
        "manager_a",
        """query($m: String!) { settlements(month: $m) {
             balance debtor { slug } creditor { slug }
             flows { host { slug } home { slug } bookings hours priceInclVat due } } }""",
        {"m": month},
    )["settlements"]
    assert statements == [
        {
            "balance": "28.80",
            "debtor": {"slug": "gresilles"},
            "creditor": {"slug": "battants"},
            "flows": [
                {
                    "host": {"slug": "battants"},
                    "home": {"slug": "gresilles"},
                    "bookings": 1,
                    "hours": "2.00",
                    "priceInclVat": "28.80",
                    "due": "28.80",
                },
                {
                    "host": {"slug": "gresilles"},
                    "home": {"slug": "battants"},
                    "bookings": 0,
                    "hours": "0.00",
                    "priceInclVat": "0.00",
                    "due": "0.00",
                },
            ],
        }
    ]
    response = network.cast.client("manager_a", "gresilles.localhost").get(
        "/api/v1/settlements/%s/battants.csv" % month
    )
    connection.set_schema_to_public()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["host_venue"], r["home_venue"], r["organisation"], r["due"]) for r in rows] == [
        ("battants", "gresilles", "Label Test", "28.80"),
        ("battants", "gresilles", "total", "28.80"),
        ("gresilles", "battants", "total", "0.00"),
        ("battants", "gresilles", "balance", "28.80"),
    ]

    cancelled = gql(network.cast, "member", CANCEL, {"booking": booking["id"]})["cancelBooking"]
    assert cancelled["errors"] == [] and cancelled["booking"]["status"] == "CANCELLED"
    quota = gql(network.cast, "member", ME, {"month": month})["me"]["networkQuota"][0]
    assert (quota["hoursUsed"], quota["hoursLeft"]) == ("0.00", "3.00")
    row.refresh_from_db()
    assert row.cancelled_at is not None and row.due == Decimal(cancelled["booking"]["cancellationFee"])


def test_the_network_quota_counts_hours_at_every_venue_and_refuses_beyond(network: Network) -> None:
    assert book(network, start=10, end=12)["errors"] == []
    refused = book(network, start=14, end=16)
    assert refused["booking"] is None
    assert [e["code"] for e in refused["errors"]] == ["QUOTA_EXCEEDED"]
    assert book(network, start=14, end=15)["errors"] == []  # the third hour still fits
    assert counts() == (2, 0, 2)


def test_home_bookings_are_resident_and_outside_the_quota(network: Network) -> None:
    values = {"resource": network.home_room_ref, "start": local(network.day, 9), "end": local(network.day, 13)}
    answer = gql(network.cast, "member", CREATE_BOOKING, {"input": values})["createBooking"]
    assert answer["errors"] == [] and answer["booking"]["rateCategory"] == "resident"
    assert answer["booking"]["network"] is False
    assert counts() == (0, 1, 0)


def test_an_idempotency_key_replays_instead_of_booking_twice(network: Network) -> None:
    first = book(network, idempotencyKey="abc-1")
    again = book(network, idempotencyKey="abc-1")
    assert again["replayed"] is True and again["booking"]["id"] == first["booking"]["id"]
    other = book(network, start=15, end=16, idempotencyKey="abc-1")  # the same key for another request
    assert other["errors"][0]["code"] == "INVALID"
    assert counts() == (1, 0, 1)


def test_a_taken_slot_is_a_conflict(network: Network) -> None:
    assert book(network)["errors"] == []
    taken = book(network, start=11, end=12)
    assert taken["booking"] is None
    assert {(e["code"], e["field"]) for e in taken["errors"]} >= {("CONFLICT", None), ("CONFLICT", "conflict")}
    assert counts() == (1, 0, 1)


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"resource": "battants/resource/999999"}, "NOT_FOUND", "resource"),
    ({"resource": "nowhere/resource/1"}, "NOT_FOUND", "resource"),
    ({"resource": "battants/event/1"}, "NOT_FOUND", "resource"),
    ({"resource": "battants/resource/-1"}, "NOT_FOUND", "resource"),
    ({"resource": "battants/resource/99999999999999999999"}, "NOT_FOUND", "resource"),
    ({"seats": 0}, "INVALID", "seats"),
    ({"seats": 2}, "INVALID", "seats"),
    ({"idempotencyKey": "k" * 101}, "INVALID", "idempotencyKey"),
    ({"start": "1066-10-14T10:00:00+00:00"}, "INVALID", "start"),
    ({"end": "0001-01-01T00:00:00"}, "INVALID", "end"),
]


def test_bad_input_gets_typed_errors_on_its_field_and_writes_nothing(network: Network) -> None:
    for change, code, field in BAD_INPUT:
        values = {"resource": network.room_ref, "start": local(network.day, 10), "end": local(network.day, 11)}
        answer = gql(network.cast, "member", CREATE_BOOKING, {"input": values | change})["createBooking"]
        assert answer["booking"] is None, change
        assert answer["errors"][0]["code"] == code, (change, answer)
        assert field in {e["field"] for e in answer["errors"]}, (change, answer)
    assert counts() == (0, 0, 0)


def test_malformed_dates_are_graphql_validation_errors(network: Network) -> None:
    for start in ["tomorrow", "2027-02-30T10:00:00", "", "2027-13-01T10:00:00+01:00"]:
        values = {"resource": network.room_ref, "start": start, "end": local(network.day, 11)}
        status, body = post(network.cast.client("member", "localhost"), CREATE_BOOKING, {"input": values})
        assert status == 400 and body["errors"] and "data" not in body, start
    assert counts() == (0, 0, 0)


def test_another_persons_booking_does_not_exist_for_you(network: Network) -> None:
    booking = book(network)["booking"]
    for role in ("staff_b", "admin", "manager_a"):
        answer = gql(network.cast, role, CANCEL, {"booking": booking["id"]})["cancelBooking"]
        assert answer["errors"][0]["code"] == "NOT_FOUND"
    with schema_context("battants"):
        assert Booking.objects.get().status == "confirmed"


def test_anonymous_and_read_only_callers_cannot_mutate(network: Network) -> None:
    from federation.tokens import create_api_token

    values = {"resource": network.room_ref, "start": local(network.day, 10), "end": local(network.day, 11)}
    status, body = post(network.cast.client("anonymous", "localhost"), CREATE_BOOKING, {"input": values})
    assert status == 200 and body["data"]["createBooking"]["errors"][0]["code"] == "UNAUTHENTICATED"
    read_only = create_api_token(user=network.cast.people["member"], scopes=["read"]).secret
    client = network.cast.client("anonymous", "localhost")
    client.credentials(HTTP_AUTHORIZATION="Bearer " + read_only)
    status, body = post(client, CREATE_BOOKING, {"input": values})
    assert body["data"]["createBooking"]["errors"][0]["code"] == "NOT_ALLOWED"
    assert counts() == (0, 0, 0)
