"""iCalendar feeds (RFC 5545) of a venue's bookings, in the venue's time zone with its VTIMEZONE."""

from __future__ import annotations

from collections.abc import Iterable

from hub.ical import VenueCalendar
from tenants.models import Venue

from .models import Booking

STATUS = {"confirmed": "CONFIRMED", "checked_in": "CONFIRMED", "cancelled": "CANCELLED", "no_show": "CANCELLED"}


def bookings_feed(venue: Venue, title: str, bookings: Iterable[Booking], *, private: bool) -> bytes:
    """A calendar of `bookings`. `private=False` (a resource's feed) shows busy times only, never who."""
    calendar = VenueCalendar(venue, title, "coworking")
    for booking in bookings:
        calendar.add(
            "booking-%s-%d" % (venue.schema_name, booking.pk),
            booking.during.lower,
            booking.during.upper,
            "%s — %s" % (booking.resource.name, venue.name) if private else "Réservé",
            STATUS[booking.status],
            transp="OPAQUE",
        )
    return calendar.to_ical()
