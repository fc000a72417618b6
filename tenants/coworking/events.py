"""Outbox events of the coworking app: a resource as the shared catalogue shows it, and its availability
summary (free hours in the coming week) whenever a booking changes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sync.outbox import record
from tenants.models import Venue

from .availability import availability
from .models import Resource

SUMMARY_DAYS = 7


def resource_payload(resource: Resource) -> dict[str, object]:
    return {
        "id": resource.pk,
        "name": resource.name,
        "kind": resource.kind,
        "mode": resource.mode,
        "capacity": resource.capacity,
        "description": resource.description,
        "photo_url": resource.photo_url,
        "network_bookable": resource.network_bookable,
        "published": resource.is_active,
        "prices": {
            category: str(getattr(resource, "hourly_rate_%s" % category).quantize(Decimal("0.01")))
            for category in ("resident", "network", "public")
        },
    }


@transaction.atomic
def save_resource(*, venue: Venue, resource: Resource) -> Resource:
    """Save a resource (created or changed by staff) and record it for the catalogue."""
    resource.save()
    Resource.objects.select_for_update().filter(pk=resource.pk).first()
    record(
        venue=venue,
        aggregate_type="resource",
        aggregate_id=resource.pk,
        event_type="resource.upserted",
        payload=resource_payload(resource),
    )
    return resource


@transaction.atomic
def delete_resource(*, venue: Venue, resource: Resource) -> None:
    """Delete a resource (one never booked: bookings protect it) and tell the catalogue to drop it."""
    pk = resource.pk
    Resource.objects.select_for_update().filter(pk=pk).first()
    resource.delete()
    record(
        venue=venue,
        aggregate_type="resource",
        aggregate_id=pk,
        event_type="resource.upserted",
        payload={"id": pk, "published": False},
    )


def availability_summary(*, venue: Venue, resource: Resource, now: dt.datetime) -> dict[str, object]:
    """The resource's free hours over the coming week, and its next free moment."""
    first = now.astimezone(venue.tzinfo).date()
    found = availability([resource], first, SUMMARY_DAYS, venue.tzinfo, now)[resource.pk]
    slots = [slot for day in sorted(found) for slot in found[day]]
    free_hours = sum((Decimal((s.end - s.start).total_seconds()) / 3600 for s in slots), Decimal(0))
    return {
        "free_hours": str(free_hours.quantize(Decimal("0.01"))),
        "next_free": slots[0].start.isoformat() if slots else None,
    }


def record_availability(*, venue: Venue, resource: Resource, now: dt.datetime | None = None) -> None:
    """Record the resource's free hours over the coming week (call in the transaction that changed them,
    after locking the resource row)."""
    now = now or timezone.now()
    record(
        venue=venue,
        aggregate_type="resource",
        aggregate_id=resource.pk,
        event_type="resource.availability",
        payload={
            "id": resource.pk,
            "days": SUMMARY_DAYS,
            **availability_summary(venue=venue, resource=resource, now=now),
        },
    )
