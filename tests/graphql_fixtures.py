"""Helpers of the GraphQL tests: posting operations to the federation host, and a network-bookable room at
52 Battants for the member of Grésilles (the cast's `member`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from federation import services as federation
from hub.db import connection
from tenants.coworking import rules
from tenants.coworking.models import OpeningHours, Resource

from .federation_fixtures import Cast

PARIS = ZoneInfo("Europe/Paris")


def post(client: APIClient, query: str, variables: dict[str, Any] | None = None, **extra: Any) -> Any:
    """POST one operation to /graphql/; returns (status, decoded body)."""
    body = {"query": query, "variables": variables or {}}
    response = client.post("/graphql/", data=json.dumps(body), content_type="application/json", **extra)
    connection.set_schema_to_public()
    return response.status_code, response.json()


def gql(cast: Cast, role: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run an operation as `role` of the cast; fails unless the answer is a 200 without errors."""
    status, body = post(cast.client(role, "localhost"), query, variables)
    assert status == 200 and "errors" not in body, body
    return body["data"]


def working_day(days_ahead: int = 7) -> dt.date:
    """A weekday that is not a French public holiday, at least `days_ahead` days from today (Paris)."""
    day = timezone.now().astimezone(PARIS).date() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5 or rules.is_public_holiday(day):
        day += dt.timedelta(days=1)
    return day


def local(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS).isoformat()


@dataclass
class Network:
    cast: Cast
    room: Resource  # at 52 Battants, network bookable at 12.00 € an hour excl. VAT
    home_room: Resource  # at Grésilles, the member's home venue
    day: dt.date

    @property
    def room_ref(self) -> str:
        return "battants/resource/%d" % self.room.pk

    @property
    def home_room_ref(self) -> str:
        return "gresilles/resource/%d" % self.home_room.pk


def _room(name: str) -> Resource:
    OpeningHours.objects.bulk_create(OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7))
    return Resource.objects.create(
        name=name,
        kind="meeting_room",
        capacity=8,
        hourly_rate_resident=Decimal("8.00"),
        hourly_rate_network=Decimal("12.00"),
        hourly_rate_public=Decimal("20.00"),
        free_cancellation_hours=24,
        late_cancellation_fee_percent=Decimal("50"),
    )


@pytest.fixture
def network(cast: Cast) -> Network:
    """The federation-wide network pass allows 3 network hours a month at the network rate."""
    federation.set_network_pass(allowed=True, rate_category="network", monthly_hours=3)
    with schema_context("battants"):
        room = _room("Salle Doubs")
    with schema_context("gresilles"):
        home_room = _room("Salle Tilleul 3")
    connection.set_schema_to_public()
    return Network(cast, room, home_room, working_day())


CREATE_BOOKING = """
mutation Book($input: CreateBookingInput!) {
  createBooking(input: $input) {
    booking { id venue { slug } resource resourceName start end status rateCategory priceExclVat priceInclVat network }
    replayed
    errors { code field message }
  }
}"""

ME = """
query Me($first: Int, $after: String, $month: String) {
  me {
    email
    memberships { organisation homeVenue { slug } role }
    networkQuota(month: $month) { organisation month hoursAllowed hoursUsed hoursLeft }
    bookings(first: $first, after: $after) {
      edges { cursor node { id venue { slug } resource resourceName start status priceInclVat } }
      pageInfo { hasNextPage endCursor }
    }
    registrations(first: $first) { edges { node { id event eventTitle status venue { slug } } } }
  }
}"""
