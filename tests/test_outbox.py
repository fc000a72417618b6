"""Coworking changes reach the outbox in their own transaction, and only when they happen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from hub.errors import Conflict
from sync.models import OutboxEvent
from sync.outbox import record
from tenants.coworking.events import save_resource
from tenants.coworking.models import OpeningHours, Resource
from tenants.coworking.services import book_resource, cancel_booking

from .federation_fixtures import Cast
from .test_coworking import NOW, at


@pytest.fixture
def room(cast: Cast) -> Any:
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        yield save_resource(
            venue=cast.venue_a,
            resource=Resource(name="Studio son", kind="studio", advance_days=365, hourly_rate_network=Decimal("20")),
        )


def _events() -> list[tuple[str, int]]:
    catalogue = OutboxEvent.objects.exclude(event_type="activity.changed")  # the partners' figures: test_reporting
    return list(catalogue.order_by("id").values_list("event_type", "version"))


def test_resources_and_their_availability_are_recorded_with_increasing_versions(room: Resource, cast: Cast) -> None:
    booking = book_resource(
        venue=cast.venue_a,
        resource_id=room.pk,
        member=cast.people["member"],
        start=at("2027-03-03", "10:00"),
        end=at("2027-03-03", "12:00"),
        now=NOW,
    ).booking
    with pytest.raises(Conflict):
        book_resource(
            venue=cast.venue_a,
            resource_id=room.pk,
            member=cast.people["member"],
            start=at("2027-03-03", "11:00"),
            end=at("2027-03-03", "12:00"),
            now=NOW,
        )
    cancel_booking(booking=booking, now=NOW)

    assert _events() == [("resource.upserted", 1), ("resource.availability", 2), ("resource.availability", 3)]
    upserted = OutboxEvent.objects.get(event_type="resource.upserted", version=1)
    assert (upserted.venue, upserted.aggregate_id, upserted.payload["prices"]["network"]) == (
        cast.venue_a,
        str(room.pk),
        "20.00",
    )
    before, after = (OutboxEvent.objects.get(event_type="resource.availability", version=v).payload for v in (2, 3))
    assert Decimal(after["free_hours"]) > Decimal(before["free_hours"])  # the cancellation freed two hours


def test_a_rolled_back_change_leaves_no_event(room: Resource, cast: Cast) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        book_resource(
            venue=cast.venue_a,
            resource_id=room.pk,
            member=cast.people["member"],
            start=at("2027-03-03", "10:00"),
            end=at("2027-03-03", "12:00"),
            now=NOW,
        )
        raise RuntimeError("the caller's transaction fails after the booking")
    assert _events() == [("resource.upserted", 1)]


def test_events_are_never_recorded_outside_a_transaction(cast: Cast) -> None:
    """In another thread (its own connection, no transaction open) recording is refused before any write."""
    import threading

    from django.db import connections

    raised: list[BaseException] = []

    def outside() -> None:
        try:
            record(venue=cast.venue_a, aggregate_type="resource", aggregate_id=1, event_type="x", payload={})
        except RuntimeError as exc:
            raised.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=outside)
    thread.start()
    thread.join(timeout=30)
    assert raised and "inside the transaction" in str(raised[0])


def test_staff_edits_in_the_venue_admin_reach_the_outbox(room: Resource, cast: Cast) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="gresilles.localhost")
    client.force_login(cast.people["manager_a"])
    form = {
        field: value
        for field, value in {
            "name": "Studio son (rénové)",
            "kind": "studio",
            "mode": "exclusive",
            "capacity": 4,
            "slot_minutes": 15,
            "min_minutes": 30,
            "max_minutes": 600,
            "buffer_minutes": 0,
            "advance_days": 365,
            "no_show_minutes": 30,
            "free_cancellation_hours": 24,
            "late_cancellation_fee_percent": "50",
            "hourly_rate_resident": "15",
            "hourly_rate_network": "20",
            "hourly_rate_public": "30",
            "vat_rate": "20",
            "is_active": "on",
            "network_bookable": "on",
        }.items()
    }
    response = client.post(f"/admin/coworking/resource/{room.pk}/change/", form)
    assert response.status_code == 302, response.content[:500]
    last = OutboxEvent.objects.latest("id")
    assert (last.event_type, last.version, last.payload["name"]) == ("resource.upserted", 2, "Studio son (rénové)")
