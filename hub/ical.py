"""iCalendar (RFC 5545) documents of a venue: its name, its time zone (with a VTIMEZONE, so clients place
DST correctly) and one VEVENT per item."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from tenants.models import Venue


class VenueCalendar:
    def __init__(self, venue: Venue, title: str, product: str):
        self.venue = venue
        self.calendar = Calendar()
        self.calendar.add("prodid", "-//Coursive Hub//%s//FR" % product)
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        self.calendar.add("x-wr-calname", title)
        self.calendar.add("x-wr-timezone", venue.timezone)
        self.stamp = timezone.now()

    def add(self, uid: str, start: dt.datetime, end: dt.datetime, summary: str, status: str, **extra: str) -> None:
        event = Event()
        event.add("uid", "%s@coursive-hub" % uid)  # stable: clients match updates on it
        event.add("dtstamp", self.stamp)
        event.add("dtstart", start.astimezone(self.venue.tzinfo))
        event.add("dtend", end.astimezone(self.venue.tzinfo))
        event.add("summary", summary)
        event.add("location", "%s, %s" % (self.venue.name, self.venue.city))
        event.add("status", status)
        for name, value in extra.items():
            if value:
                event.add(name, value)
        self.calendar.add_component(event)

    def to_ical(self) -> bytes:
        self.calendar.add_missing_timezones()
        return self.calendar.to_ical()
