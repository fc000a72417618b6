"""iCalendar feeds of a venue's events: its public programme, and a person's registrations."""

from __future__ import annotations

from collections.abc import Iterable

from hub.ical import VenueCalendar
from tenants.models import Venue

from .models import Event, Registration

EVENT_STATUS = {Event.Status.SCHEDULED: "CONFIRMED", Event.Status.CANCELLED: "CANCELLED"}
REGISTRATION_STATUS = {
    "confirmed": "CONFIRMED",
    "attended": "CONFIRMED",
    "waitlisted": "TENTATIVE",
    "cancelled": "CANCELLED",
}


def events_feed(venue: Venue, title: str, events: Iterable[Event]) -> bytes:
    calendar = VenueCalendar(venue, title, "events")
    for event in events:
        calendar.add(
            "event-%s-%d" % (venue.schema_name, event.pk),
            event.starts_at,
            event.ends_at,
            event.title,
            EVENT_STATUS[Event.Status(event.status)],
            description=event.description,
            categories=event.get_kind_display(),
        )
    return calendar.to_ical()


def registrations_feed(venue: Venue, title: str, registrations: Iterable[Registration]) -> bytes:
    """A person's registrations: a waiting-list place shows as tentative."""
    calendar = VenueCalendar(venue, title, "events")
    for registration in registrations:
        event = registration.event
        status = "CANCELLED" if event.status == Event.Status.CANCELLED else REGISTRATION_STATUS[registration.status]
        calendar.add(
            "registration-%s-%d" % (venue.schema_name, registration.pk),
            event.starts_at,
            event.ends_at,
            event.title,
            status,
            description=event.description,
        )
    return calendar.to_ical()
