"""Keeping the rollups: the relay's hook recounts the venue days an `activity.changed` event names, from the
venue's own tables, and the months they fall in. A recount replaces what was there, so an event delivered
twice, late or out of order changes nothing: the figures are always those of the venue's tables at the
time of the recount. `rebuild` recounts any range the same way (the command `rebuild_rollups`)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hub.db import connection
from sync.models import OutboxEvent
from sync.outbox import record
from tenants.models import Venue

from . import recount
from .models import Area, DailyFigure, MemberSpell

EVENT_TYPE = "activity.changed"
HORIZON_DAYS = 400  # bookable hours are kept this far ahead (a nightly task moves the horizon)


# -- writing the figures -----------------------------------------------------------------------------------


def _lock(venue: Venue, area: str) -> None:
    """One recount of a venue's area at a time (two workers recounting the same days would both insert)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["reporting:%d:%s" % (venue.pk, area)])


@transaction.atomic
def recount_days(venue: Venue, area: str, first: dt.date, last: dt.date) -> None:
    """Replace the daily figures of `area` at `venue` from `first` to `last` (local days, inclusive) with a
    fresh count, then the monthly figures of the months they fall in."""
    if area not in recount.METRICS:
        raise ValueError(area)
    _lock(venue, area)
    quoted = {"venue": venue.pk, "area": area, **recount.bounds(venue, first, last)}
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM public.reporting_dailyfigure WHERE venue_id = %(venue)s AND area = %(area)s "
            "AND day BETWEEN %(first)s AND %(last)s AND metric <> 'bookable_minutes'",
            {**quoted, "first": first, "last": last},
        )
        columns = "venue_id, area, day, metric, kind, sector, contributor, value"
        counted = recount.select(venue, area)
        insert = (
            f"INSERT INTO public.reporting_dailyfigure ({columns}) SELECT %(venue)s, %(area)s, f.* FROM ({counted}) f"  # noqa: S608
        )
        cursor.execute(insert, quoted)
    first_month, last_month = recount.truncate(first, "month"), recount.truncate(last, "month")
    if area == Area.COWORKING:  # the months' every day, whatever days changed: months are sums of days
        month_end = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        DailyFigure.objects.filter(
            venue=venue, area=area, metric="bookable_minutes", day__range=(first_month, month_end)
        ).delete()
        DailyFigure.objects.bulk_create(
            DailyFigure(
                venue=venue, area=area, day=day, metric="bookable_minutes", kind=kind, contributor="v", value=minutes
            )
            for (day, kind), minutes in recount.bookable_minutes(venue, first_month, month_end).items()
        )
    _recount_months(venue, area, first_month, last_month)


def _recount_months(venue: Venue, area: str, first: dt.date, last: dt.date) -> None:
    params = {"venue": venue.pk, "area": area, "first": first, "last": last}
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM public.reporting_monthlyfigure WHERE venue_id = %(venue)s AND area = %(area)s "
            "AND month BETWEEN %(first)s AND %(last)s",
            params,
        )
        cursor.execute(
            """
            INSERT INTO public.reporting_monthlyfigure (venue_id, area, month, metric, kind, sector, contributor, value)
            SELECT %(venue)s, %(area)s, date_trunc('month', day)::date, metric, kind, sector, contributor, sum(value)
            FROM public.reporting_dailyfigure
            WHERE venue_id = %(venue)s AND area = %(area)s
              AND day >= %(first)s AND day < (%(last)s::date + interval '1 month')
            GROUP BY 3, 4, 5, 6, 7
            """,
            params,
        )


def rebuild(venue: Venue, first: dt.date, last: dt.date, areas: tuple[str, ...] = tuple(Area.values)) -> None:
    """Recount every area of `venue` over the whole months from `first` to `last`, a month per transaction."""
    month = recount.truncate(first, "month")
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        for area in areas:
            recount_days(venue, area, month, following - dt.timedelta(days=1))
        month = following


def activity_range(venue: Venue) -> tuple[dt.date, dt.date]:
    """From the venue's first booking, sale or event to the bookable-hours horizon."""
    from django_tenants.utils import schema_context

    from tenants.coworking.models import Booking
    from tenants.events.models import Event
    from tenants.gallery.models import Sale

    today = timezone.localdate()
    starts = []
    with schema_context(venue.schema_name):
        booking = Booking.objects.order_by("during").values_list("during", flat=True).first()
        if booking is not None:
            starts.append(booking.lower)
        starts += [
            moment
            for moment in (
                Sale.objects.order_by("sold_at").values_list("sold_at", flat=True).first(),
                Event.objects.order_by("starts_at").values_list("starts_at", flat=True).first(),
            )
            if moment is not None
        ]
    first = min((moment.astimezone(venue.tzinfo).date() for moment in starts), default=today)
    return min(first, today), today + dt.timedelta(days=HORIZON_DAYS)


def extend_horizon(venue: Venue, today: dt.date | None = None) -> None:
    """Recount yesterday to the horizon's new days (nightly): late check-ins and the bookable hours ahead."""
    today = today or timezone.localdate()
    recount_days(venue, Area.COWORKING, today - dt.timedelta(days=1), today + dt.timedelta(days=HORIZON_DAYS))


# -- the relay's hook ----------------------------------------------------------------------------------------


def project(event: OutboxEvent) -> None:
    if event.event_type != EVENT_TYPE:
        return
    payload: dict[str, Any] = event.payload
    first, last = dt.date.fromisoformat(payload["first"]), dt.date.fromisoformat(payload["last"])
    recount_days(event.venue, payload["area"], first, last)


def touch(venue: Venue, area: str, first: dt.date, last: dt.date | None = None) -> None:
    """Record, in the caller's transaction, that `area`'s figures of these local days changed."""
    last = last or first
    if last < first:
        first, last = last, first
    if (last - first).days > HORIZON_DAYS * 5:
        first = last - dt.timedelta(days=HORIZON_DAYS * 5)
    record(
        venue=venue,
        # Each event its own aggregate: the projection recounts, so order does not matter, and concurrent
        # changes of one day (two rooms booked at once) must not race for the same outbox version.
        aggregate_type="activity",
        aggregate_id="%s:%s:%s" % (area, first.isoformat(), secrets.token_hex(8)),
        event_type=EVENT_TYPE,
        payload={"area": area, "first": first.isoformat(), "last": last.isoformat()},
    )


def touch_span(venue: Venue, area: str, first: dt.date, last: dt.date) -> None:
    """`touch` however long the span (`touch` keeps the last HORIZON_DAYS * 5 days of a longer one): an event
    per twelve months at most, cut at month starts, so each recount stays a bounded transaction."""
    start = min(first, last)
    last = max(first, last)
    while start <= last:
        end = min(last, dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=1))
        touch(venue, area, start, end)
        start = end + dt.timedelta(days=1)


def touch_activity(venue: Venue, areas: tuple[str, ...] = tuple(Area.values)) -> None:
    """Record, in the caller's transaction, that `areas`' figures of every day of `venue`'s activity changed
    (what the figures are counted by changed for the past too: an organisation's sector, a resource's kind)."""
    first, last = activity_range(venue)
    for area in areas:
        touch_span(venue, area, first, last)


# -- membership spells -------------------------------------------------------------------------------------------


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def record_spell(organisation: Any) -> None:
    """Keep the organisation's membership spell in step with its activation and departure."""
    if organisation.activated_at is None or organisation.status == "applicant":
        MemberSpell.objects.filter(organisation=organisation).delete()
        return
    ends_on = local_day(organisation.left_at) if organisation.status == "left" and organisation.left_at else None
    MemberSpell.objects.update_or_create(
        organisation=organisation,
        defaults={
            "venue_id": organisation.home_venue_id,
            "sector": organisation.sector,
            "starts_on": local_day(organisation.activated_at),
            "ends_on": ends_on,
        },
    )


def rebuild_spells() -> int:
    from federation.models import Organisation

    count = 0
    for organisation in Organisation.objects.all():
        record_spell(organisation)
        count += 1
    MemberSpell.objects.exclude(organisation__in=Organisation.objects.all()).delete()
    return count


assert settings.TIME_ZONE == "Europe/Paris"
