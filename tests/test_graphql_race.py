"""The network quota under a rush: people of one organisation book different rooms of another venue at the
same moment over GraphQL, against a live server. The quota (3 hours) admits one 2-hour booking and refuses
the rest. The control run takes the organisation's row lock away and must overspend, or the test proves
nothing."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from federation import services as federation
from federation.tokens import create_api_token
from settlement.models import CrossSiteBooking
from tenants.coworking import services as coworking
from tenants.coworking.models import Booking, OpeningHours, Resource
from tenants.models import Venue

from .factories import UserFactory
from .federation_fixtures import make_cast
from .graphql_fixtures import CREATE_BOOKING, local, working_day
from .live import at_once, live_hub, request

N = 8


@pytest.fixture
def rush(committed_db: None) -> Iterator[dict[str, Any]]:
    cast = make_cast(Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants"))
    federation.set_network_pass(allowed=True, rate_category="network", monthly_hours=3)
    tokens = []
    for i in range(N):
        person = UserFactory.create(email="colleague%d@label.example" % i)
        federation.add_member(organisation=cast.organisation, person=person)
        tokens.append(create_api_token(user=person).secret)
    with schema_context("battants"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        rooms = [
            Resource.objects.create(name="Salle %d" % i, kind="meeting_room", hourly_rate_network=Decimal("10"))
            for i in range(N)
        ]
    yield {"tokens": tokens, "rooms": [room.pk for room in rooms], "day": working_day()}


def _storm(rush: dict[str, Any]) -> Counter[str]:
    day = rush["day"]

    def attempt(i: int) -> str:
        values = {"resource": "battants/resource/%d" % rush["rooms"][i], "start": local(day, 10), "end": local(day, 12)}
        auth = {"Authorization": "Bearer " + rush["tokens"][i]}
        status, body = request(
            port, "localhost", "POST", "/graphql/", {"query": CREATE_BOOKING, "variables": {"input": values}}, auth
        )
        assert status == 200, body
        errors = body["data"]["createBooking"]["errors"]
        return errors[0]["code"] if errors else "BOOKED"

    with live_hub() as port:
        return Counter(at_once(N, attempt))


def test_concurrent_network_bookings_never_overspend_the_quota(rush: dict[str, Any]) -> None:
    assert _storm(rush) == Counter({"BOOKED": 1, "QUOTA_EXCEEDED": N - 1})
    with schema_context("battants"):
        assert Booking.objects.count() == 1
    assert CrossSiteBooking.objects.count() == 1


def test_control_without_the_lock_the_rush_overspends(rush: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    real_used = coworking.network_hours_used

    def slow_used(*args: Any) -> Decimal:
        used = real_used(*args)
        time.sleep(0.2)  # widen the gap between reading the hours and booking
        return used

    monkeypatch.setattr(coworking, "_lock_quota", lambda organisation: None)
    monkeypatch.setattr(coworking, "network_hours_used", slow_used)
    monkeypatch.setattr(coworking, "record_availability", lambda **kwargs: None)  # outbox versions serialise
    outcome = _storm(rush)
    assert outcome["BOOKED"] > 1, outcome
