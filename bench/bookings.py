"""Coworking benchmark: booking throughput and conflict storms through the API, availability latency with
a year of bookings — each beside the same work done in plain SQL with psycopg, measured in one run.

    .venv/bin/python bench/bookings.py [--bookings 300] [--storm 20] [--year-per-day 8] [--queries 200]

It starts its own throwaway PostgreSQL and Redis (or uses DATABASE_URL / REDIS_URL) and prints the
figures plus a Markdown block for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

from hub.embedded import ensure_throwaway_services

ensure_throwaway_services()

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from federation import services as federation  # noqa: E402
from federation.models import User  # noqa: E402
from federation.tokens import create_api_token  # noqa: E402
from tenants.coworking.availability import availability  # noqa: E402
from tenants.coworking.models import Booking, OpeningHours, Resource  # noqa: E402
from tenants.coworking.rules import is_public_holiday  # noqa: E402
from tenants.services import create_venue  # noqa: E402
from tests.live import at_once, live_hub, request  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
HOST = "bench.localhost"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def setup() -> tuple[User, str, Resource, Resource]:
    call_command("migrate_schemas", verbosity=0)
    venue = create_venue(slug="bench", name="Bench", city="Dijon", domain=HOST).venue
    member = federation.register_person(email="bench@members.example", full_name="Bench")
    organisation = federation.apply_for_membership(applicant=member, home_venue=venue, name="Bench Org", sector="music")
    federation.change_organisation_status(organisation=organisation, status="active", actor=None)
    token = create_api_token(user=member).secret
    with schema_context("bench"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(0), closes=dt.time(23, 45)) for d in range(7)
        )
        room = Resource.objects.create(
            name="Room",
            kind="meeting_room",
            advance_days=400,
            max_minutes=60,
            min_minutes=15,
            hourly_rate_resident=Decimal("10"),
        )
        year_room = Resource.objects.create(name="Year room", kind="meeting_room", advance_days=400)
    return member, token, room, year_room


def quarter_hours(n: int, days_ahead: int = 2) -> list[dt.datetime]:
    """n bookable 15-minute starts, 08:00–22:00 local, on days that are not public holidays."""
    starts: list[dt.datetime] = []
    day = dt.datetime.now(PARIS).date() + dt.timedelta(days=days_ahead)
    while len(starts) < n:
        if not is_public_holiday(day):
            opening = dt.datetime.combine(day, dt.time(8), tzinfo=PARIS)
            starts += [opening + dt.timedelta(minutes=15 * k) for k in range(56)]
        day += dt.timedelta(days=1)
    return starts[:n]


def api_rate(token: str, room: Resource, n: int) -> float:
    client = APIClient(HTTP_HOST=HOST, HTTP_AUTHORIZATION="Bearer " + token)
    starts = quarter_hours(n)
    started = time.perf_counter()
    for start in starts:
        response = client.post(
            "/api/v1/bookings/",
            {"resource": room.pk, "start": start.isoformat(), "end": (start + dt.timedelta(minutes=15)).isoformat()},
            format="json",
        )
        assert response.status_code == 201, response.content
    return n / (time.perf_counter() - started)


def sql_rate(dsn: str, room: Resource, member_id: int, n: int) -> float:
    first = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with psycopg.connect(dsn, autocommit=True) as db:
        started = time.perf_counter()
        for i in range(n):
            start = first + dt.timedelta(minutes=15 * i)
            end = start + dt.timedelta(minutes=15)
            with db.transaction():
                db.execute(
                    "INSERT INTO bench.coworking_booking (resource_id, member_id, during, blocks, exclusive, seats,"
                    " status, rate_category, price_excl_vat, vat_rate, price_incl_vat, cancellation_fee, network,"
                    " idempotency_key, request_fingerprint, created_at) VALUES (%s, %s, tstzrange(%s, %s),"
                    " tstzrange(%s, %s), true, 1, 'confirmed', 'resident', 2.5, 20, 3, 0, false, '', '', now())",
                    [room.pk, member_id, start, end, start, end],
                )
        return n / (time.perf_counter() - started)


def storm(token: str, room: Resource, n: int) -> tuple[float, Counter[int]]:
    start = quarter_hours(1, days_ahead=300)[0] + dt.timedelta(hours=2)
    body = {"resource": room.pk, "start": start.isoformat(), "end": (start + dt.timedelta(minutes=30)).isoformat()}
    with live_hub() as port:
        started = time.perf_counter()
        statuses = at_once(
            n, lambda i: request(port, HOST, "POST", "/api/v1/bookings/", body, {"Authorization": "Bearer " + token})[0]
        )
        return time.perf_counter() - started, Counter(statuses)


def sql_storm(dsn: str, room: Resource, member_id: int, n: int) -> tuple[float, Counter[str]]:
    """The same storm as plain INSERTs from n connections at once: the exclusion constraint decides."""
    start = quarter_hours(1, days_ahead=301)[0].astimezone(dt.UTC) + dt.timedelta(hours=2)
    end = start + dt.timedelta(minutes=30)
    connections = [psycopg.connect(dsn, autocommit=True) for _ in range(n)]

    def insert(i: int) -> str:
        try:
            connections[i].execute(
                "INSERT INTO bench.coworking_booking (resource_id, member_id, during, blocks, exclusive, seats,"
                " status, rate_category, price_excl_vat, vat_rate, price_incl_vat, cancellation_fee, network,"
                " idempotency_key, request_fingerprint, created_at) VALUES (%s, %s, tstzrange(%s, %s),"
                " tstzrange(%s, %s), true, 1, 'confirmed', 'resident', 5, 20, 6, 0, false, '', '', now())",
                [room.pk, member_id, start, end, start, end],
            )
            return "inserted"
        except psycopg.errors.ExclusionViolation:
            return "refused"

    started = time.perf_counter()
    outcomes = at_once(n, insert)
    elapsed = time.perf_counter() - started
    for db in connections:
        db.close()
    return elapsed, Counter(outcomes)


def fill_year(dsn: str, room: Resource, member_id: int, per_day: int) -> int:
    rows = []
    first = dt.datetime.now(PARIS).replace(hour=8, minute=0, second=0, microsecond=0)
    for day in range(365):
        for k in range(per_day):
            start = (first + dt.timedelta(days=day, hours=k)).astimezone(dt.UTC)
            rows.append((room.pk, member_id, start, start + dt.timedelta(minutes=45)))
    with psycopg.connect(dsn, autocommit=True) as db, db.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench.coworking_booking (resource_id, member_id, during, blocks, exclusive, seats, status,"
            " rate_category, price_excl_vat, vat_rate, price_incl_vat, cancellation_fee, network, idempotency_key,"
            " request_fingerprint, created_at) VALUES (%s, %s, tstzrange(%s, %s), tstzrange(%s, %s), true, 1,"
            " 'confirmed', 'resident', 1, 20, 1.2, 0, false, '', '', now())",
            [(r, m, s, e, s, e) for r, m, s, e in rows],
        )
        cursor.execute("ANALYZE bench.coworking_booking")
    return len(rows)


def availability_latency(dsn: str, room: Resource, queries: int, days: int) -> tuple[list[float], list[float]]:
    ours, sql = [], []
    base = dt.datetime.now(PARIS).date() + dt.timedelta(days=30)
    now = dt.datetime.now(dt.UTC)
    with schema_context("bench"), psycopg.connect(dsn, autocommit=True) as db:
        resource = Resource.objects.get(pk=room.pk)
        for i in range(queries):
            day = base + dt.timedelta(days=i % 300)
            started = time.perf_counter()
            availability([resource], day, days, PARIS, now)
            ours.append((time.perf_counter() - started) * 1000)
            lower = dt.datetime.combine(day, dt.time(0), tzinfo=PARIS)
            started = time.perf_counter()
            db.execute(
                "SELECT weekday, opens, closes FROM bench.coworking_openinghours ORDER BY weekday, opens"
            ).fetchall()
            db.execute(
                "SELECT * FROM bench.coworking_closure WHERE starts_on <= %s AND ends_on >= %s",
                [day + dt.timedelta(days=days - 1), day],
            ).fetchall()
            db.execute(
                "SELECT * FROM bench.coworking_booking WHERE resource_id = %s AND status IN ('confirmed',"
                " 'checked_in') AND blocks && tstzrange(%s, %s)",
                [room.pk, lower, lower + dt.timedelta(days=days)],
            ).fetchall()
            sql.append((time.perf_counter() - started) * 1000)
    return ours, sql


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--storm", type=int, default=20)
    parser.add_argument("--year-per-day", type=int, default=8)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    member, token, room, year_room = setup()
    dsn = connection.get_connection_params()
    dsn_str = psycopg.conninfo.make_conninfo(
        **{k: v for k, v in dsn.items() if k in ("dbname", "user", "host", "port", "password")}
    )
    api = api_rate(token, room, args.bookings)
    raw = sql_rate(dsn_str, room, member.pk, args.bookings)
    seconds, statuses = storm(token, room, args.storm)
    sql_seconds, outcomes = sql_storm(dsn_str, room, member.pk, args.storm)
    filled = fill_year(dsn_str, year_room, member.pk, args.year_per_day)
    day_ours, day_sql = availability_latency(dsn_str, year_room, args.queries, 1)
    week_ours, week_sql = availability_latency(dsn_str, year_room, args.queries // 4, 7)
    with schema_context("bench"):
        total = Booking.objects.count()
    lines = [
        f"- data: {args.bookings} bookings through the API and as many plain INSERTs; a storm of {args.storm}"
        f" concurrent clients; {filled} bookings (a year, {args.year_per_day}/day) on one resource; {total} in all",
        f"- bookings created per second: API {api:.0f}/s, plain SQL INSERT {raw:.0f}/s — ratio {raw / api:.1f}×",
        f"- conflict storm: {args.storm} concurrent POSTs for one slot resolved in {seconds * 1000:.0f} ms,"
        f" statuses {dict(sorted(statuses.items()))}; the same storm as plain INSERTs {sql_seconds * 1000:.0f} ms,"
        f" {dict(sorted(outcomes.items()))} — ratio {seconds / sql_seconds:.1f}×",
        f"- availability of one day, p50/p95: {percentile(day_ours, 50):.2f}/{percentile(day_ours, 95):.2f} ms,"
        f" same SQL {percentile(day_sql, 50):.2f}/{percentile(day_sql, 95):.2f} ms —"
        f" ratio {statistics.median(day_ours) / statistics.median(day_sql):.1f}×",
        f"- availability of a week, p50/p95: {percentile(week_ours, 50):.2f}/{percentile(week_ours, 95):.2f} ms,"
        f" same SQL {percentile(week_sql, 50):.2f}/{percentile(week_sql, 95):.2f} ms —"
        f" ratio {statistics.median(week_ours) / statistics.median(week_sql):.1f}×",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
