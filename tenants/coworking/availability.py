"""Free time of resources, in the venue's time zone, honouring opening hours, closures and public holidays,
buffers, existing bookings and (for pooled resources) seats."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from .models import Booking, Closure, OpeningHours, Resource
from .rules import is_public_holiday


@dataclass(frozen=True)
class FreeSlot:
    start: dt.datetime
    end: dt.datetime
    seats_left: int


def _open_windows(day: dt.date, tz: ZoneInfo, hours: dict[int, list[tuple[dt.time, dt.time]]]) -> list[tuple]:
    return [
        (
            dt.datetime.combine(day, opens, tzinfo=tz).astimezone(dt.UTC),
            dt.datetime.combine(day, closes, tzinfo=tz).astimezone(dt.UTC),
        )
        for opens, closes in hours.get(day.weekday(), [])
    ]


def _align_up(moment: dt.datetime, minutes: int, tz: ZoneInfo) -> dt.datetime:
    local = moment.astimezone(tz)
    past = (local.minute % minutes) * 60 + local.second
    return (
        moment
        if past == 0 and local.microsecond == 0
        else moment + dt.timedelta(seconds=minutes * 60 - past, microseconds=-local.microsecond)
    )


def _align_down(moment: dt.datetime, minutes: int, tz: ZoneInfo) -> dt.datetime:
    local = moment.astimezone(tz)
    return moment - dt.timedelta(seconds=(local.minute % minutes) * 60 + local.second, microseconds=local.microsecond)


def _free_in_window(
    resource: Resource, window: tuple[dt.datetime, dt.datetime], busy: Iterable[Booking], tz: ZoneInfo
) -> list[FreeSlot]:
    start, end = window
    overlapping = [b for b in busy if b.blocks.lower < end and b.blocks.upper > start]
    points = sorted(
        {
            start,
            end,
            *(max(start, b.blocks.lower) for b in overlapping),
            *(min(end, b.blocks.upper) for b in overlapping),
        }
    )
    segments: list[FreeSlot] = []
    for lower, upper in pairwise(points):
        used = sum(b.seats for b in overlapping if b.blocks.lower < upper and b.blocks.upper > lower)
        left = (0 if used else 1) if resource.exclusive else resource.capacity - used
        if left <= 0:
            continue
        if segments and segments[-1].end == lower and segments[-1].seats_left == left:
            segments[-1] = FreeSlot(segments[-1].start, upper, left)
        else:
            segments.append(FreeSlot(lower, upper, left))
    slots = []
    for segment in segments:
        # A new booking needs its buffer free after it too, and starts and ends on the slot grid.
        first = _align_up(segment.start, resource.slot_minutes, tz)
        last = _align_down(
            segment.end - dt.timedelta(minutes=resource.buffer_minutes if segment.end < end else 0),
            resource.slot_minutes,
            tz,
        )
        if (last - first) >= dt.timedelta(minutes=resource.min_minutes):
            slots.append(FreeSlot(first, last, segment.seats_left))
    return slots


def availability(
    resources: list[Resource], first_day: dt.date, days: int, tz: ZoneInfo, now: dt.datetime
) -> dict[int, dict[dt.date, list[FreeSlot]]]:
    """{resource id: {local date: free slots}} for `days` days from `first_day`, never before `now`.
    Three queries whatever the number of resources and days: opening hours, closures, bookings."""
    hours: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for row in OpeningHours.objects.order_by("weekday", "opens"):
        hours[row.weekday].append((row.opens, row.closes))
    span = DateTimeTZRange(
        dt.datetime.combine(first_day, dt.time(0), tzinfo=tz),
        dt.datetime.combine(first_day + dt.timedelta(days=days), dt.time(0), tzinfo=tz),
    )
    busy: dict[int, list[Booking]] = defaultdict(list)
    for booking in Booking.objects.filter(resource__in=resources, status__in=Booking.ACTIVE, blocks__overlap=span):
        busy[booking.resource_id].append(booking)
    last_day = first_day + dt.timedelta(days=days - 1)
    closures = list(Closure.objects.filter(starts_on__lte=last_day, ends_on__gte=first_day))
    result: dict[int, dict[dt.date, list[FreeSlot]]] = {resource.pk: {} for resource in resources}
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        for resource in resources:
            closed = is_public_holiday(day) or any(
                c.starts_on <= day <= c.ends_on and c.resource_id in (None, resource.pk) for c in closures
            )
            if closed:
                result[resource.pk][day] = []
                continue
            slots = []
            for start, end in _open_windows(day, tz, hours):
                start = max(start, _align_up(now, resource.slot_minutes, tz))
                if start < end:
                    slots += _free_in_window(resource, (start, end), busy[resource.pk], tz)
            result[resource.pk][day] = slots
    return result
