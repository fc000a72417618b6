"""Partner statistics benchmark (issue 9): a partner's query over two venues and five years of coworking
bookings, answered from the rollups (`reporting_monthlyfigure`) and, side by side in the same run, computed
live from the venue schemas (`stats(..., live=True)`: SQL over each venue's bookings).

    .venv/bin/python bench/partner_stats.py [--bookings 1000000] [--rounds 10]

Data: two venues (`bench_a`, `bench_b`, Europe/Paris, open Monday to Friday 08:00–20:00), 48 member
organisations of skewed sectors (a few sectors have one or two organisations, so secrecy suppresses cells),
four people each and eight members without an organisation per venue, each venue's 16 resources (three
pooled open spaces of 30 desks, a pooled equipment pool, meeting rooms, offices, studios and a podcast
kit booked exclusively), and `--bookings` bookings from 2021-01-01 to 2025-12-31 on working days (55 % at
`bench_a`), inserted with one INSERT … SELECT FROM generate_series per venue: exclusive resources in
non-overlapping two-hour slots, pooled ones at any half hour; some network visitors, cancellations,
no-shows and venue events. Then `rollups.rebuild` over the five years for both venues.

Each query is asked once each way to warm up, then `--rounds` times each way, alternating which goes first;
every answer's cells (value, suppression and reason) are compared between the two ways. It starts its own
throwaway PostgreSQL and Redis (or uses DATABASE_URL / REDIS_URL) and prints a Markdown block for
bench/RESULTS.md. `--bookings 50000 --rounds 3` tries it out in half a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

from hub.embedded import ensure_throwaway_services

ensure_throwaway_services()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from federation.models import Membership, Organisation, Sector, User  # noqa: E402
from hub.db import connection  # noqa: E402
from reporting import rollups  # noqa: E402
from reporting.stats import StatCell, StatTable, stats  # noqa: E402
from tenants.coworking.models import OpeningHours, Resource  # noqa: E402
from tenants.models import Venue  # noqa: E402
from tenants.services import create_venue  # noqa: E402

FIRST, LAST = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
VENUES = (("bench_a", "Bench A", "Dijon"), ("bench_b", "Bench B", "Besançon"))
SHARE_A = Decimal("0.55")  # of the bookings, at the first venue
# 48 organisations; theatre and "other" have too few to be shown by venue
SECTORS = {
    Sector.MUSIC: 10,
    Sector.WEB: 9,
    Sector.DESIGN: 8,
    Sector.VIDEO_GAMES: 6,
    Sector.CINEMA: 5,
    Sector.GRAPHIC_ARTS: 4,
    Sector.ADVERTISING: 3,
    Sector.THEATRE: 2,
    Sector.OTHER: 1,
}
PEOPLE_PER_ORGANISATION = 4
INDEPENDENTS_PER_VENUE = 8
# name, kind, mode, capacity, weight among the pooled (the open spaces take most pooled bookings)
RESOURCES = [
    ("Open space 1", "desk", "pooled", 30, 3),
    ("Open space 2", "desk", "pooled", 30, 3),
    ("Open space 3", "desk", "pooled", 30, 3),
    ("Cameras", "equipment", "pooled", 10, 1),
    *[(f"Meeting room {i}", "meeting_room", "exclusive", 1, 0) for i in range(1, 7)],
    *[(f"Office {i}", "office", "exclusive", 1, 0) for i in range(1, 4)],
    *[(f"Studio {i}", "studio", "exclusive", 1, 0) for i in range(1, 3)],
    ("Podcast kit", "equipment", "exclusive", 1, 0),
]
EXCLUSIVE_SLOTS = 6  # two-hour slots a day, 08:00–20:00


@dataclass(frozen=True)
class Query:
    label: str
    metric: str
    granularity: str
    first: dt.date
    last: dt.date
    group_by: tuple[str, ...]


QUERIES = [
    Query(
        "occupancy_rate, month, 2021–2025, by venue × kind", "occupancy_rate", "month", FIRST, LAST, ("venue", "kind")
    ),
    Query("booked_hours, year, 2021–2025, by venue × sector", "booked_hours", "year", FIRST, LAST, ("venue", "sector")),
    Query("bookings, month, 2025, totals of both venues", "bookings", "month", dt.date(2025, 1, 1), LAST, ()),
    Query(
        "network_share, month, 2025, by venue × sector",
        "network_share",
        "month",
        dt.date(2025, 1, 1),
        LAST,
        ("venue", "sector"),
    ),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# -- data -------------------------------------------------------------------------------------------------


@dataclass
class Site:
    venue: Venue
    exclusive: list[int]  # resource ids
    pooled: list[int]  # resource ids, repeated by weight
    people: list[tuple[int, int | None, bool]]  # member, organisation, network visitor


def setup() -> list[Site]:
    call_command("migrate_schemas", verbosity=0)
    venues = [
        create_venue(slug=slug, name=name, city=city, domain=slug.replace("_", "-") + ".localhost").venue
        for slug, name, city in VENUES
    ]
    activated = dt.datetime(2020, 9, 1, 9, tzinfo=dt.UTC)
    organisations, n = [], 0
    for sector, count in SECTORS.items():
        for _ in range(count):
            organisations.append(
                Organisation(
                    name=f"Bench organisation {n:02d}",
                    slug=f"bench-organisation-{n:02d}",
                    sector=sector,
                    home_venue=venues[n % 2],
                    status=Organisation.Status.ACTIVE,
                    applied_at=activated,
                    activated_at=activated,
                    statistics_consent=True,
                )
            )
            n += 1
    Organisation.objects.bulk_create(organisations)
    people = User.objects.bulk_create(
        User(email=f"person{i}@bench.example", full_name=f"Person {i}", password="!")  # noqa: S106 (unusable)
        for i in range(len(organisations) * PEOPLE_PER_ORGANISATION + INDEPENDENTS_PER_VENUE * len(venues))
    )
    members: dict[int, list[User]] = {}
    for i, organisation in enumerate(organisations):
        members[organisation.pk] = people[i * PEOPLE_PER_ORGANISATION : (i + 1) * PEOPLE_PER_ORGANISATION]
    Membership.objects.bulk_create(
        Membership(user=user, organisation_id=pk, role="owner" if k == 0 else "member")
        for pk, users in members.items()
        for k, user in enumerate(users)
    )
    independents = people[len(organisations) * PEOPLE_PER_ORGANISATION :]
    sites = []
    for v, venue in enumerate(venues):
        with schema_context(venue.schema_name):
            OpeningHours.objects.bulk_create(
                OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(5)
            )
            made = Resource.objects.bulk_create(
                Resource(name=name, kind=kind, mode=mode, capacity=capacity, advance_days=400)
                for name, kind, mode, capacity, _weight in RESOURCES
            )
        exclusive = [r.pk for r in made if r.mode == "exclusive"]
        pooled = [r.pk for r, spec in zip(made, RESOURCES, strict=True) for _ in range(spec[4])]
        home: list[tuple[int, int | None, bool]] = [
            (u.pk, o.pk, False) for o in organisations if o.home_venue_id == venue.pk for u in members[o.pk]
        ]
        own: list[tuple[int, int | None, bool]] = [
            (u.pk, None, False) for u in independents[v * INDEPENDENTS_PER_VENUE : (v + 1) * INDEPENDENTS_PER_VENUE]
        ]
        visitors: list[tuple[int, int | None, bool]] = [
            (members[o.pk][1].pk, o.pk, True) for o in organisations if o.home_venue_id != venue.pk
        ]
        sites.append(Site(venue, exclusive, pooled, home + own + visitors))
    rollups.rebuild_spells()
    return sites


def working_days() -> int:
    return sum(1 for n in range((LAST - FIRST).days + 1) if (FIRST + dt.timedelta(days=n)).weekday() < 5)


# One row per position i: position p of its working day (i / per_day). Positions p ≡ 0 (mod 5) take the
# exclusive resources' two-hour slots, one booking per (resource, slot) and day at most; the others go to
# the pooled resources. Everything else is drawn from a hash of i (reproducible).
INSERT = """
INSERT INTO {schema}.coworking_booking (resource_id, member_id, organisation_id, during, blocks, exclusive, seats,
    status, rate_category, price_excl_vat, vat_rate, price_incl_vat, cancellation_fee, network, purpose,
    idempotency_key, request_fingerprint, created_at, cancelled_at)
WITH days AS (
    SELECT d::date AS day, (row_number() OVER (ORDER BY d) - 1)::bigint AS n
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
    WHERE extract(isodow FROM d) < 6
), people AS (
    SELECT * FROM unnest(%(members)s::bigint[], %(organisations)s::bigint[], %(network)s::boolean[])
        WITH ORDINALITY AS p(member_id, organisation_id, network, n)
), ex AS (
    SELECT * FROM unnest(%(exclusive)s::bigint[]) WITH ORDINALITY AS e(id, n)
), pool AS (
    SELECT * FROM unnest(%(pooled)s::bigint[]) WITH ORDINALITY AS q(id, n)
), positions AS (
    SELECT i, i / %(per_day)s AS day_n, i %% %(per_day)s AS p,
           hashint8extended(i, %(seed)s) & 9223372036854775807 AS h
    FROM generate_series(0, %(count)s - 1) i
), drawn AS (
    SELECT x.*, d.day,
           (x.p %% 5 = 0 AND x.p / 5 < %(exclusive_slots)s) AS excl,
           (x.h / 100003) %% 100 AS fate,
           people.member_id, people.organisation_id, people.network
    FROM positions x
    JOIN days d ON d.n = x.day_n
    JOIN people ON people.n = (x.h / 1009) %% %(people_count)s + 1
), shaped AS (
    SELECT drawn.*,
           CASE WHEN excl THEN (SELECT id FROM ex WHERE ex.n = (p / 5) %% %(exclusive_count)s + 1)
                ELSE (SELECT id FROM pool WHERE pool.n = h %% %(pooled_count)s + 1) END AS resource_id,
           CASE WHEN excl THEN 480 + 120 * ((p / 5) / %(exclusive_count)s)
                ELSE 480 + 30 * ((h / 7) %% 17) END AS start_minute,
           CASE WHEN excl THEN 60 + 30 * ((h / 11) %% 3)
                ELSE 60 + 30 * ((h / 131) %% 7) END AS minutes,
           (excl AND (h / 7919) %% 50 = 0) AS event
    FROM drawn
), timed AS (
    SELECT shaped.*,
           tstzrange((day + make_interval(mins => start_minute::int)) AT TIME ZONE %(tz)s,
                     (day + make_interval(mins => (start_minute + minutes)::int)) AT TIME ZONE %(tz)s) AS during,
           round(minutes / 60.0 * CASE WHEN excl THEN 25 ELSE 8 END, 2) AS price
    FROM shaped
)
SELECT resource_id, member_id, CASE WHEN event THEN NULL ELSE organisation_id END, during, during, excl,
       CASE WHEN NOT excl AND (h / 13) %% 10 = 0 THEN 2 ELSE 1 END,
       CASE WHEN fate < 6 THEN 'cancelled' WHEN fate < 10 THEN 'no_show' WHEN fate < 25 THEN 'confirmed'
            ELSE 'checked_in' END,
       CASE WHEN network AND NOT event THEN 'network' ELSE 'resident' END,
       price, 20, round(price * 1.2, 2), 0, network AND NOT event, CASE WHEN event THEN 'event' ELSE 'member' END,
       '', '', lower(during) - interval '3 days',
       CASE WHEN fate < 6 THEN lower(during) - interval '1 day' END
FROM timed
"""


def insert_bookings(site: Site, count: int, seed: int) -> int:
    per_day = math.ceil(count / working_days())
    members, organisations, network = (list(column) for column in zip(*site.people, strict=True))
    params: dict[str, Any] = {
        "first": FIRST,
        "last": LAST,
        "members": members,
        "organisations": organisations,
        "network": network,
        "exclusive": site.exclusive,
        "pooled": site.pooled,
        "per_day": per_day,
        "seed": seed,
        "count": count,
        "exclusive_slots": EXCLUSIVE_SLOTS * len(site.exclusive),
        "people_count": len(site.people),
        "exclusive_count": len(site.exclusive),
        "pooled_count": len(site.pooled),
        "tz": site.venue.timezone,
    }
    schema = connection.ops.quote_name(site.venue.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(INSERT.format(schema=schema), params)
        inserted = cursor.rowcount
        cursor.execute(f"ANALYZE {schema}.coworking_booking")
    return inserted


def booking_mix(site: Site) -> dict[str, Any]:
    schema = connection.ops.quote_name(site.venue.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE exclusive), count(*) FILTER (WHERE status = 'cancelled'),"  # noqa: S608  (a quoted schema name)
            " count(*) FILTER (WHERE network), count(*) FILTER (WHERE purpose = 'event'),"
            f" pg_total_relation_size('{schema}.coworking_booking') FROM {schema}.coworking_booking"
        )
        total, exclusive, cancelled, network, event, size = cursor.fetchone()
    return {
        "total": total,
        "exclusive": exclusive,
        "cancelled": cancelled,
        "network": network,
        "event": event,
        "size": size,
    }


def rollup_rows() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM public.reporting_dailyfigure), (SELECT count(*) FROM"
            " public.reporting_monthlyfigure), pg_total_relation_size('public.reporting_dailyfigure')"
            " + pg_total_relation_size('public.reporting_monthlyfigure')"
        )
        daily, monthly, size = cursor.fetchone()
    return daily, monthly, size


# -- measuring --------------------------------------------------------------------------------------------


def ask(query: Query, venues: list[Venue], live: bool) -> tuple[float, StatTable]:
    started = time.perf_counter()
    table = stats(
        metric=query.metric,
        first=query.first,
        last=query.last,
        granularity=query.granularity,
        group_by=list(query.group_by),
        allowed=venues,
        live=live,
    )
    return (time.perf_counter() - started) * 1000, table


def cell_key(cell: StatCell) -> tuple[Any, ...]:
    return (cell.period, cell.venue.schema_name if cell.venue else None, cell.sector, cell.kind)


def mismatches(rolled: StatTable, live: StatTable) -> list[str]:
    """The cells whose value, suppression or reason differ between the two answers (empty: the same)."""
    found = []
    a = {cell_key(c): c for c in rolled.cells}
    b = {cell_key(c): c for c in live.cells}
    for key in sorted(a.keys() | b.keys(), key=repr):
        x, y = a.get(key), b.get(key)
        if x is None or y is None:
            found.append(f"{key}: only in {'live' if x is None else 'rollups'}")
        elif (x.value, x.suppressed, x.reason) != (y.value, y.suppressed, y.reason):
            found.append(f"{key}: rollups {x.value} {x.reason or ''}, live {y.value} {y.reason or ''}")
    if [cell_key(c) for c in rolled.cells] != [cell_key(c) for c in live.cells] and not found:
        found.append("the same cells in another order")
    return found


@dataclass
class Measured:
    query: Query
    rollups: list[float]
    live: list[float]
    cells: int
    suppressed: int
    reasons: dict[str, int]
    compared: int
    differences: list[str]


def measure(query: Query, venues: list[Venue], rounds: int) -> Measured:
    times: dict[bool, list[float]] = {False: [], True: []}
    differences: list[str] = []
    answers: dict[bool, StatTable] = {}
    compared = 0
    for i in range(rounds + 1):  # round 0 warms both up (not timed)
        for live in (False, True) if i % 2 == 0 else (True, False):
            elapsed, answers[live] = ask(query, venues, live)
            if i:
                times[live].append(elapsed)
        compared += 1
        found = mismatches(answers[False], answers[True])
        if found and not differences:
            differences = found
    table = answers[False]
    reasons: dict[str, int] = {}
    for cell in table.cells:
        if cell.reason:
            reasons[cell.reason] = reasons.get(cell.reason, 0) + 1
    return Measured(
        query, times[False], times[True], len(table.cells), table.suppressed, reasons, compared, differences
    )


# -- report -----------------------------------------------------------------------------------------------


def thousands(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def report(
    args: argparse.Namespace,
    sites: list[Site],
    mixes: list[dict[str, Any]],
    stages: dict[str, float],
    rows: tuple[int, int, int],
    results: Sequence[Measured],
) -> list[str]:
    total = sum(m["total"] for m in mixes)
    share = {k: sum(m[k] for m in mixes) / total * 100 for k in ("exclusive", "cancelled", "network", "event")}
    organisations = Organisation.objects.count()
    people = User.objects.count()
    daily, monthly, size = rows
    split = ", ".join(f"{s.venue.schema_name} {thousands(m['total'])}" for s, m in zip(sites, mixes, strict=True))
    lines = [
        f"Command: `.venv/bin/python bench/partner_stats.py --bookings {args.bookings} --rounds {args.rounds}`."
        f" Run {timezone.localdate().isoformat()} on {platform.machine()}, {os.cpu_count()} cores;"
        f" wall time {stages['total']:.0f} s.",
        "",
        f"- data: 2 venues ({', '.join(s.venue.schema_name for s in sites)}), {organisations} organisations"
        f" ({', '.join(f'{k} {v}' for k, v in SECTORS.items())}), {people} people, {len(RESOURCES)} resources per"
        f" venue, opening hours Monday–Friday 08:00–20:00; {thousands(total)} bookings"
        f" {FIRST.isoformat()}..{LAST.isoformat()} on working days"
        f" ({split};"
        f" {share['exclusive']:.0f} % on exclusive resources, {share['cancelled']:.0f} % cancelled,"
        f" {share['network']:.0f} % network visitors, {share['event']:.1f} % venue events);"
        f" bookings tables {sum(m['size'] for m in mixes) / 2**20:.0f} MiB",
        f"- rollups: {thousands(daily)} daily and {thousands(monthly)} monthly figure rows ({size / 2**20:.0f} MiB)",
        f"- stages: data generation {stages['data']:.1f} s (schemas, people and resources {stages['setup']:.1f} s,"
        f" bookings INSERT … SELECT {stages['insert']:.1f} s); `rollups.rebuild` of both venues, 60 months × 3 areas,"
        f" {stages['rebuild']:.1f} s; measurements {stages['measure']:.1f} s",
        f"- {args.rounds} timed rounds per query after one warm-up each way; rollups and live alternate which goes"
        " first; every round's two answers compared cell by cell (value, suppression, reason): "
        + (
            "identical in every round"
            if not any(r.differences for r in results)
            else "**MISMATCHES** in " + ", ".join(r.query.metric for r in results if r.differences)
        ),
        "",
        "| query | cells (suppressed) | rollups p50/p95 ms | live p50/p95 ms | live/rollups p50 |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(r.reasons.items()))
        lines.append(
            f"| {r.query.label} | {r.cells} ({r.suppressed}{': ' + reasons if reasons else ''})"
            f" | {percentile(r.rollups, 50):.1f}/{percentile(r.rollups, 95):.1f}"
            f" | {percentile(r.live, 50):.1f}/{percentile(r.live, 95):.1f}"
            f" | {statistics.median(r.live) / statistics.median(r.rollups):.1f}× |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=1_000_000, help="bookings in all (default 1 000 000)")
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds per query and way (default 10)")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    stages: dict[str, float] = {}
    started = time.perf_counter()
    sites = setup()
    stages["setup"] = time.perf_counter() - started
    share_a = int(args.bookings * SHARE_A)
    moment = time.perf_counter()
    for site, count in zip(sites, (share_a, args.bookings - share_a), strict=True):
        inserted = insert_bookings(site, count, args.seed)
        assert inserted == count, (site.venue.schema_name, inserted, count)
        print(f"{site.venue.schema_name}: {inserted} bookings", flush=True)
    stages["insert"] = time.perf_counter() - moment
    stages["data"] = time.perf_counter() - started
    print(f"data generated in {stages['data']:.1f} s (bookings {stages['insert']:.1f} s)", flush=True)
    mixes = [booking_mix(site) for site in sites]
    moment = time.perf_counter()
    for site in sites:
        rollups.rebuild(site.venue, FIRST, LAST)
    stages["rebuild"] = time.perf_counter() - moment
    print(f"rollups rebuilt in {stages['rebuild']:.1f} s", flush=True)
    rows = rollup_rows()
    venues = [site.venue for site in sites]
    moment = time.perf_counter()
    results = []
    for query in QUERIES:
        results.append(measure(query, venues, args.rounds))
        r = results[-1]
        print(
            f"{query.label}: rollups p50 {percentile(r.rollups, 50):.1f} ms, live p50 {percentile(r.live, 50):.1f}"
            f" ms, {r.cells} cells, {r.suppressed} suppressed"
            + (f", {len(r.differences)} MISMATCHED CELLS" if r.differences else ""),
            flush=True,
        )
    stages["measure"] = time.perf_counter() - moment
    stages["total"] = time.perf_counter() - started
    for r in results:
        if r.differences:
            print(f"\nMISMATCH in {r.query.label} ({len(r.differences)} cells), the first ones:")
            print("\n".join("  " + line for line in r.differences[:20]))
    print("\n## Partner statistics (issue 9) — `bench/partner_stats.py`\n")
    print("\n".join(report(args, sites, mixes, stages, rows, results)))
    if any(r.differences for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
