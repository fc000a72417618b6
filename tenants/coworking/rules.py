"""The booking rules of a resource, as pure checks: what is wrong with a request, and what it costs.

Local times are the venue's (Europe/Paris by default) and DST-correct: a booking from 09:00 to 12:00 is
checked against the opening hours of that local day whatever the UTC offset is.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Closure, OpeningHours, Resource

CENT = Decimal("0.01")


@cache
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FR", years=year)


def is_public_holiday(day: dt.date) -> bool:
    return day in _french_holidays(day.year)


def closed_on(resource: Resource, day: dt.date) -> str | None:
    """Why the resource cannot be booked on `day` (a public holiday, a closure), or None."""
    if is_public_holiday(day):
        return _("a public holiday")
    closure = (
        Closure.objects.filter(Q(resource__isnull=True) | Q(resource=resource), starts_on__lte=day, ends_on__gte=day)
        .values_list("reason", flat=True)
        .first()
    )
    if closure is not None:
        return closure or _("a closure")
    return None


def request_errors(
    resource: Resource, *, start: dt.datetime, end: dt.datetime, seats: int, now: dt.datetime, tz: ZoneInfo
) -> dict[str, list[str]]:
    """Field-level problems of booking `resource` for [start, end) — empty when the request is acceptable."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)  # elapsed time, whatever the DST offsets
    if end <= start:
        add("end", _("The end must be after the start."))
        return errors
    minutes = (end - start).total_seconds() / 60
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if start < now:
        add("start", _("This time has passed."))
    if start > now + dt.timedelta(days=resource.advance_days):
        add("start", _("Bookings open %(days)d days ahead.") % {"days": resource.advance_days})
    slot = resource.slot_minutes
    if local_start.minute % slot or local_start.second or local_start.microsecond or minutes % slot:
        add("start", _("Bookings start and last in steps of %(slot)d minutes.") % {"slot": slot})
    if minutes < resource.min_minutes:
        add("end", _("The shortest booking is %(n)d minutes.") % {"n": resource.min_minutes})
    if minutes > resource.max_minutes:
        add("end", _("The longest booking is %(n)d minutes.") % {"n": resource.max_minutes})
    if seats < 1 or seats > (resource.capacity if not resource.exclusive else 1):
        add("seats", _("Between 1 and %(n)d seats.") % {"n": 1 if resource.exclusive else resource.capacity})
    if errors:
        return errors
    if local_start.date() != local_end.date() and local_end.time() != dt.time(0):
        add("end", _("A booking ends on the day it starts."))
    elif not _within_opening_hours(local_start, local_end):
        add("start", _("The venue is not open for the whole of this time."))
    else:
        reason = closed_on(resource, local_start.date())
        if reason:
            add("start", _("Closed that day: %(reason)s.") % {"reason": reason})
    return errors


def _within_opening_hours(local_start: dt.datetime, local_end: dt.datetime) -> bool:
    start_time = local_start.time()
    end_time = local_end.time() if local_end.time() != dt.time(0) else dt.time(23, 59, 59, 999999)
    return OpeningHours.objects.filter(
        weekday=local_start.weekday(), opens__lte=start_time, closes__gte=end_time
    ).exists()


HALF_DAY, DAY = Decimal(4), Decimal(8)  # hours


def rates(resource: Resource, rate_category: str) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """(hourly, half-day or None, day or None) for a rate category: resident, network or public."""
    return (
        getattr(resource, "hourly_rate_%s" % rate_category),
        getattr(resource, "half_day_rate_%s" % rate_category),
        getattr(resource, "day_rate_%s" % rate_category),
    )


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def cheapest(hours: Decimal, hourly: Decimal, half_day: Decimal | None, day: Decimal | None) -> Decimal:
    """The lowest price for `hours` among every mix of whole days, half-days and remaining hours."""

    def with_half_days(h: Decimal) -> Decimal:
        best = hourly * h
        if half_day is not None:
            for k in range(1, int(_ceil(h / HALF_DAY)) + 1):
                best = min(best, half_day * k + hourly * max(Decimal(0), h - HALF_DAY * k))
        return best

    best = with_half_days(hours)
    if day is not None:
        for d in range(1, int(_ceil(hours / DAY)) + 1):
            best = min(best, day * d + with_half_days(max(Decimal(0), hours - DAY * d)))
    return best


def quote(
    resource: Resource, *, rate_category: str, start: dt.datetime, end: dt.datetime, seats: int
) -> tuple[Decimal, Decimal]:
    """(price excluding VAT, price including VAT) in EUR, rounded half-up to the cent."""
    hours = Decimal((end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds()) / Decimal(3600)
    excl = (cheapest(hours, *rates(resource, rate_category)) * seats).quantize(CENT, rounding=ROUND_HALF_UP)
    incl = (excl * (1 + resource.vat_rate / 100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return excl, incl


def cancellation_fee(resource: Resource, *, price_incl_vat: Decimal, start: dt.datetime, now: dt.datetime) -> Decimal:
    """Nothing until `free_cancellation_hours` before the start; then the late-cancellation percentage."""
    if start - now >= dt.timedelta(hours=resource.free_cancellation_hours):
        return Decimal("0.00")
    return (price_incl_vat * resource.late_cancellation_fee_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
