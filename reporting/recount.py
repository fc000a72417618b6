"""The venue schemas' own figures, counted afresh: what the rollups hold, and what a live query computes.

Each area's SQL reads one venue's tables by schema-qualified names (the relay runs in `public`) and yields
rows of (bucket, metric, kind, sector, contributor, value), the bucket being the local day, month or year
of the activity in the venue's time zone. Cancelled bookings and sales, waitlisted and cancelled
registrations and cancelled events count for nothing.

- coworking, by the booking's start, in whole minutes (exact sums, however short the bookings):
  `bookings`, `minutes` (duration), `occupied_minutes` (seat-minutes on pooled resources, minutes on
  exclusive ones, a no-show's only until it was released: the numerator of occupancy),
  `network_bookings`, `network_minutes`; plus `bookable_minutes` (see `bookable_minutes`), contributed by
  the venue itself;
- gallery, by the sale's time: `sales`, `sales_amount` (EUR excl. VAT), the artist's organisation (or the
  artist) contributing;
- events, by the event's start: `events` (the venue's), `registrations` and `attendance` (checked in),
  each registrant's organisation (or the person) contributing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django_tenants.utils import schema_context

from hub.db import connection
from tenants.models import Venue

from .models import Area

BUCKETS = ("day", "month", "year")
METRICS = {
    Area.COWORKING: (
        "bookings",
        "minutes",
        "occupied_minutes",
        "network_bookings",
        "network_minutes",
        "bookable_minutes",
    ),
    Area.GALLERY: ("sales", "sales_amount"),
    Area.EVENTS: ("events", "registrations", "attendance"),
}
Row = tuple[dt.date, str, str, str, str, Decimal]


def _contributor(org: str, fallback: str) -> str:
    return f"CASE WHEN {org} IS NOT NULL THEN 'o' || {org} ELSE {fallback} END"


def _sql(area: str, schema: str, bucket: str) -> str:
    """The SELECT of one area's rows for one venue; parameters: tz, lo, hi (UTC bounds, half-open)."""
    if bucket not in BUCKETS:
        raise ValueError(bucket)
    s = connection.ops.quote_name(schema)
    at = "date_trunc('%s', ({moment} AT TIME ZONE %%(tz)s)::date)::date" % bucket
    if area == Area.COWORKING:
        return f"""
            SELECT g.bucket, m.metric, g.kind, g.sector, g.contributor, m.value FROM (
                SELECT {at.format(moment="lower(b.during)")} AS bucket, r.kind, COALESCE(o.sector, '') AS sector,
                       {
            _contributor("b.organisation_id", "CASE WHEN b.purpose = 'event' THEN 'v' ELSE 'p' || b.member_id END")
        } AS contributor,
                       count(*) AS bookings,
                       sum(h.minutes) AS minutes,
                       sum(
                           CASE WHEN b.status = 'no_show' THEN LEAST(h.minutes, r.no_show_minutes) ELSE h.minutes END
                           * CASE WHEN b.exclusive THEN 1 ELSE b.seats END
                       ) AS occupied_minutes,
                       count(*) FILTER (WHERE b.network) AS network_bookings,
                       COALESCE(sum(h.minutes) FILTER (WHERE b.network), 0) AS network_minutes
                FROM {s}.coworking_booking b
                JOIN {s}.coworking_resource r ON r.id = b.resource_id
                LEFT JOIN public.federation_organisation o ON o.id = b.organisation_id
                CROSS JOIN LATERAL (
                    SELECT round(EXTRACT(EPOCH FROM upper(b.during) - lower(b.during)) / 60)::numeric AS minutes
                ) h
                WHERE b.status <> 'cancelled' AND lower(b.during) >= %(lo)s AND lower(b.during) < %(hi)s
                GROUP BY 1, 2, 3, 4
            ) g CROSS JOIN LATERAL (VALUES
                ('bookings', g.bookings::numeric), ('minutes', g.minutes), ('occupied_minutes', g.occupied_minutes),
                ('network_bookings', g.network_bookings::numeric), ('network_minutes', g.network_minutes)
            ) m(metric, value)
            WHERE m.value <> 0"""  # noqa: S608  (a quoted schema name, a fixed bucket; values are parameters)
    if area == Area.GALLERY:
        return f"""
            SELECT g.bucket, m.metric, '' AS kind, g.sector, g.contributor, m.value FROM (
                SELECT {at.format(moment="x.sold_at")} AS bucket, COALESCE(o.sector, '') AS sector,
                       {_contributor("a.organisation_id", "'a' || a.id")} AS contributor,
                       count(*) AS sales, sum(x.price_excl_vat) AS amount
                FROM {s}.gallery_sale x
                JOIN {s}.gallery_artist a ON a.id = x.artist_id
                LEFT JOIN public.federation_organisation o ON o.id = a.organisation_id
                WHERE x.status = 'completed' AND x.sold_at >= %(lo)s AND x.sold_at < %(hi)s
                GROUP BY 1, 2, 3
            ) g CROSS JOIN LATERAL (VALUES ('sales', g.sales::numeric), ('sales_amount', g.amount)) m(metric, value)
            WHERE m.value <> 0"""  # noqa: S608  (a quoted schema name, a fixed bucket; values are parameters)
    if area == Area.EVENTS:
        return f"""
            SELECT {at.format(moment="e.starts_at")} AS bucket, 'events' AS metric, e.kind AS kind, '' AS sector,
                   'v' AS contributor, count(*)::numeric AS value
            FROM {s}.events_event e
            WHERE e.status <> 'cancelled' AND e.starts_at >= %(lo)s AND e.starts_at < %(hi)s
            GROUP BY 1, 3
            UNION ALL
            SELECT g.bucket, m.metric, g.kind, g.sector, g.contributor, m.value FROM (
                SELECT {at.format(moment="e.starts_at")} AS bucket, e.kind, COALESCE(o.sector, '') AS sector,
                       {_contributor("x.organisation_id", "'p' || x.person_id")} AS contributor,
                       count(*) AS registrations, count(*) FILTER (WHERE x.status = 'attended') AS attendance
                FROM {s}.events_registration x
                JOIN {s}.events_event e ON e.id = x.event_id
                LEFT JOIN public.federation_organisation o ON o.id = x.organisation_id
                WHERE e.status <> 'cancelled' AND x.status IN ('confirmed', 'attended')
                  AND e.starts_at >= %(lo)s AND e.starts_at < %(hi)s
                GROUP BY 1, 2, 3, 4
            ) g CROSS JOIN LATERAL (VALUES
                ('registrations', g.registrations::numeric), ('attendance', g.attendance::numeric)
            ) m(metric, value)
            WHERE m.value <> 0"""  # noqa: S608  (a quoted schema name, a fixed bucket; values are parameters)
    raise ValueError(area)


def bounds(venue: Venue, first: dt.date, last: dt.date) -> dict[str, Any]:
    """The SQL parameters for the local days `first` to `last` (inclusive) of `venue`."""
    tz = venue.tzinfo
    return {
        "tz": str(venue.timezone),
        "lo": dt.datetime.combine(first, dt.time(), tzinfo=tz),
        "hi": dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    }


def select(venue: Venue, area: str, bucket: str = "day") -> str:
    return _sql(area, venue.schema_name, bucket)


def rows(
    venue: Venue, area: str, first: dt.date, last: dt.date, bucket: str = "day", metric: str | None = None
) -> Iterator[Row]:
    """The area's figures of `venue` from its own tables (`metric`'s only, when given), `bookable_minutes`
    included for coworking."""
    if metric != "bookable_minutes":
        sql = "SELECT * FROM (%s) f" % select(venue, area, bucket)  # noqa: S608  (built by `_sql`)
        params = bounds(venue, first, last)
        if metric is not None:
            sql += " WHERE f.metric = %(metric)s"
            params["metric"] = metric
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                yield row[0], row[1], row[2], row[3], row[4], Decimal(row[5])
    if area == Area.COWORKING and metric in (None, "bookable_minutes"):
        for (day, kind), minutes in bookable_minutes(venue, first, last, bucket).items():
            yield day, "bookable_minutes", kind, "", "v", minutes


def truncate(day: dt.date, bucket: str) -> dt.date:
    if bucket == "year":
        return day.replace(month=1, day=1)
    if bucket == "month":
        return day.replace(day=1)
    return day


def days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    for n in range((last - first).days + 1):
        yield first + dt.timedelta(days=n)


def bookable_minutes(venue: Venue, first: dt.date, last: dt.date, bucket: str = "day") -> dict[tuple, Decimal]:
    """Open minutes × places of the venue's active resources, per bucket and resource kind: the opening hours
    of each weekday, less public holidays and closures (of the venue or of the resource). Exclusive
    resources count one place, shared ones their capacity. The resources and opening hours are today's:
    the venues keep no history of them, so a rebuild recounts past days with the current ones."""
    from tenants.coworking.models import Closure, OpeningHours, Resource
    from tenants.coworking.rules import is_public_holiday

    with schema_context(venue.schema_name):
        resources = list(Resource.objects.filter(is_active=True).values_list("id", "kind", "mode", "capacity"))
        opening: dict[int, Decimal] = defaultdict(Decimal)
        for weekday, opens, closes in OpeningHours.objects.values_list("weekday", "opens", "closes"):
            span = dt.datetime.combine(first, closes) - dt.datetime.combine(first, opens)
            opening[weekday] += Decimal(int(span.total_seconds()) // 60)
        closures = list(
            Closure.objects.filter(starts_on__lte=last, ends_on__gte=first).values_list(
                "resource_id", "starts_on", "ends_on"
            )
        )
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for day in days(first, last):
        minutes = opening.get(day.weekday(), Decimal(0))
        if not minutes or is_public_holiday(day):
            continue
        closed = {resource for resource, starts, ends in closures if starts <= day <= ends}
        if None in closed:
            continue
        for resource_id, kind, mode, capacity in resources:
            if resource_id not in closed:
                places = capacity if mode == "pooled" else 1
                totals[truncate(day, bucket), kind] += minutes * places
    return dict(totals)
