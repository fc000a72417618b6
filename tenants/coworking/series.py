"""Recurring bookings: weekly or monthly occurrences at the same local time, with exceptions, booked all
or nothing, or each on its own with a report of the ones that could not be made."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.models import User
from hub.errors import Conflict, HubError, InvalidInput
from tenants.models import Venue

from .models import Booking
from .services import book_resource

Frequency = Literal["weekly", "monthly"]
MAX_OCCURRENCES = 52


@dataclass(frozen=True)
class Occurrence:
    start: dt.datetime
    end: dt.datetime
    booking: Booking | None = None
    code: str = ""
    detail: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SeriesResult:
    series: uuid.UUID
    occurrences: list[Occurrence]

    @property
    def failed(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.booking is None]


class SeriesRefused(Conflict):
    """An all-or-nothing series of which at least one occurrence could not be booked: nothing was written."""

    def __init__(self, occurrences: list[Occurrence]):
        super().__init__(_("At least one occurrence cannot be booked: nothing was booked."))
        self.occurrences = occurrences


@dataclass(frozen=True)
class Planned:
    start: dt.datetime
    end: dt.datetime
    exists: bool = True  # False: a monthly date this month does not have (the 31st in April)


def occurrences(
    start: dt.datetime, end: dt.datetime, frequency: Frequency, count: int, tz: ZoneInfo, skip: set[dt.date]
) -> list[Planned]:
    """The local-time repetitions of [start, end): same wall-clock times, so 10:00 stays 10:00 across DST."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    span = local_end.date() - local_start.date()
    planned: list[Planned] = []
    for k in range(count):
        exists = True
        if frequency == "weekly":
            day = local_start.date() + dt.timedelta(weeks=k)
        else:
            year, month = divmod(local_start.month - 1 + k, 12)
            try:
                day = local_start.date().replace(year=local_start.year + year, month=month + 1)
            except ValueError:
                day, exists = dt.date(local_start.year + year, month + 1, 1), False
        if day in skip:
            continue
        planned.append(
            Planned(
                dt.datetime.combine(day, local_start.time(), tzinfo=tz),
                dt.datetime.combine(day + span, local_end.time(), tzinfo=tz),
                exists,
            )
        )
    return planned


def book_series(
    *,
    venue: Venue,
    resource_id: int,
    member: User,
    start: dt.datetime,
    end: dt.datetime,
    frequency: Frequency,
    count: int,
    skip: set[dt.date] | None = None,
    all_or_nothing: bool = True,
    now: dt.datetime | None = None,
) -> SeriesResult:
    """Book every occurrence through `book_resource` (same rules, prices and constraint).

    All or nothing: one transaction; any refusal raises SeriesRefused with the per-occurrence report and
    writes nothing. Otherwise each occurrence stands alone and the result lists those that failed."""
    if frequency not in ("weekly", "monthly"):
        raise InvalidInput(_("Unknown frequency."), fields={"frequency": [_("weekly or monthly")]})
    if not 1 <= count <= MAX_OCCURRENCES:
        raise InvalidInput(
            _("Too many occurrences."), fields={"count": [_("From 1 to %(n)d.") % {"n": MAX_OCCURRENCES}]}
        )
    now, series = now or timezone.now(), uuid.uuid4()

    def attempt(planned: Planned) -> Occurrence:
        if not planned.exists:
            return Occurrence(planned.start, planned.end, code="invalid", detail=_("This month has no such day."))
        try:
            with transaction.atomic():
                booking = book_resource(
                    venue=venue, resource_id=resource_id, member=member, start=planned.start, end=planned.end, now=now
                ).booking
                booking.series = series
                booking.save(update_fields=["series"])
        except HubError as exc:
            return Occurrence(planned.start, planned.end, code=exc.code, detail=exc.message, errors=exc.fields)
        return Occurrence(planned.start, planned.end, booking=booking)

    try:
        plan = occurrences(start, end, frequency, count, venue.tzinfo, skip or set())
    except (ValueError, OverflowError) as exc:  # a series running past the year 9999
        raise InvalidInput(_("The series runs beyond the calendar."), fields={"start": [str(exc)]}) from exc
    if not all_or_nothing:
        return SeriesResult(series, [attempt(planned) for planned in plan])
    with transaction.atomic():
        report = [attempt(planned) for planned in plan]
        if any(o.booking is None for o in report):
            raise SeriesRefused(report)
    return SeriesResult(series, report)
