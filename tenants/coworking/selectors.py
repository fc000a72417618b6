"""Reads of the active venue's coworking. Querysets are lazy: evaluate them under the same venue."""

from __future__ import annotations

from django.db.models import QuerySet

from federation.models import User

from .models import Booking, Resource


def bookable_resources() -> QuerySet[Resource]:
    return Resource.objects.filter(is_active=True).order_by("name", "id")


def bookings_at_venue() -> QuerySet[Booking]:
    return Booking.objects.select_related("member").order_by("during", "id")


def bookings_of(member: User) -> QuerySet[Booking]:
    """A member's own bookings (not the rooms they took for a venue event as its staff)."""
    return bookings_at_venue().filter(member=member, purpose=Booking.Purpose.MEMBER)
