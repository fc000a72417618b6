"""iCalendar feeds (RFC 5545) of a venue's bookings, in the venue's time zone with its VTIMEZONE."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from tenants.models import Venue

from .models import Booking

STATUS = {"confirmed": "CONFIRMED", "checked_in": "CONFIRMED", "cancelled": "CANCELLED", "no_show": "CANCELLED"}


def bookings_feed(venue: Venue, title: str, bookings: Iterable[Booking], *, private: bool) -> bytes:
    """A calendar of `bookings`. `private=False` (a resource's feed) shows busy times only, never who."""
    calendar = Calendar()
    calendar.add("prodid", "-//Coursive Hub//coworking//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", venue.timezone)
    stamp = timezone.now()
    for booking in bookings:
        event = Event()
        event.add("uid", "booking-%s-%d@coursive-hub" % (venue.schema_name, booking.pk))
        event.add("dtstamp", stamp)
        event.add("dtstart", booking.during.lower.astimezone(venue.tzinfo))
        event.add("dtend", booking.during.upper.astimezone(venue.tzinfo))
        event.add("summary", "%s — %s" % (booking.resource.name, venue.name) if private else "Réservé")
        event.add("location", "%s, %s" % (venue.name, venue.city))
        event.add("status", STATUS[booking.status])
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones()  # VTIMEZONE for Europe/Paris, so clients place DST correctly
    return calendar.to_ical()
