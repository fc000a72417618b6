"""The partners' rollups: fed through the outbox and the relay, equal to a recount from the venue schemas,
rebuildable, and read through statistical secrecy within each partner's territory."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from reporting import recount, rollups
from reporting.models import Area, DailyFigure, MemberSpell, MonthlyFigure
from reporting.stats import METRICS, stats
from sync import projectors
from sync.models import OutboxEvent
from sync.relay import drain
from tenants.coworking.models import Booking, Resource
from tenants.models import Venue

from .reporting_fixtures import Stage, make_stage

MARCH = [dt.date(2025, 3, d) for d in (3, 4, 5, 6, 7, 10, 11, 12)]  # working days, no holiday
SECTORS = ["music", "web", "design", "cinema"]


def daily(venue: Venue, area: str, first: dt.date, last: dt.date) -> list[tuple]:
    rows = DailyFigure.objects.filter(venue=venue, area=area, day__range=(first, last))
    return sorted(
        (r.day, r.metric, r.kind, r.sector, r.contributor, r.value.normalize())
        for r in rows.exclude(metric="bookable_minutes")
    )


def counted(venue: Venue, area: str, first: dt.date, last: dt.date) -> list[tuple]:
    return sorted(
        (day, metric, kind, sector, who, value.normalize())
        for day, metric, kind, sector, who, value in recount.rows(venue, area, first, last)
        if metric != "bookable_minutes"
    )


def busy_month(stage: Stage) -> dict[str, Any]:
    """Bookings by 3 organisations per sector at Grésilles, 2 in cinema; sales; a café with attendance."""
    a, b = stage.venue_a, stage.venue_b
    made: dict[str, Any] = {"orgs": {}}
    for sector in SECTORS:
        made["orgs"][sector] = [stage.organisation(sector, a) for _ in range(2 if sector == "cinema" else 3)]
    for i, day in enumerate(MARCH):
        for n, organisations in enumerate(made["orgs"].values()):
            organisation = organisations[(i + n) % len(organisations)]
            stage.book(a, day, organisation, kind=Resource.Kind.DESK, start=9, hours=4, seats=1 + n % 2)
            stage.book(a, day, organisation, kind=Resource.Kind.MEETING_ROOM, start=9 + 2 * n, hours=1.5)
    visitor = stage.organisation("web", b)
    made["network"] = stage.book(a, MARCH[0], visitor, kind=Resource.Kind.STUDIO, start=10, hours=3, network=True)
    stage.book(b, MARCH[1], visitor, kind=Resource.Kind.STUDIO, start=10, hours=2)
    made["cancelled"] = stage.book(a, MARCH[2], made["orgs"]["web"][0], kind=Resource.Kind.STUDIO, start=14)
    for organisation, amount in zip(made["orgs"]["design"], ("900", "50", "40"), strict=True):
        stage.sell(a, MARCH[3], amount, organisation)  # one designer dominates
    for organisation in made["orgs"]["music"]:
        stage.sell(a, MARCH[4], "300", organisation)
    event = stage.event(a, MARCH[5])
    for sector in ("music", "web"):
        for organisation in made["orgs"][sector]:
            stage.register(a, event, organisation)
    stage.register(a, event, None, status="confirmed")
    made["event"] = event
    return made


@pytest.fixture
def month(stage: Stage) -> dict[str, Any]:
    made = busy_month(stage)
    drain()
    for venue in (stage.venue_a, stage.venue_b):  # what `rebuild_rollups` does once for a venue's past
        rollups.rebuild(venue, dt.date(2025, 1, 1), dt.date(2025, 12, 31), areas=(Area.COWORKING,))
    return made


def test_venue_changes_reach_the_rollups_through_the_outbox(stage: Stage) -> None:
    made = busy_month(stage)
    assert OutboxEvent.objects.filter(event_type=rollups.EVENT_TYPE, processed_at=None).exists()
    assert not DailyFigure.objects.filter(metric="bookings").exists()

    drain()

    assert not OutboxEvent.objects.filter(processed_at=None).exists()
    for venue in (stage.venue_a, stage.venue_b):
        for area in Area.values:
            assert daily(venue, area, MARCH[0], MARCH[-1]) == counted(venue, area, MARCH[0], MARCH[-1])
    desk = DailyFigure.objects.get(
        venue=stage.venue_a, day=MARCH[0], metric="network_minutes", contributor="o%d" % made["network"].organisation_id
    )
    assert desk.value == Decimal(180) and desk.kind == Resource.Kind.STUDIO and desk.sector == "web"
    bookable = DailyFigure.objects.get(venue=stage.venue_a, day=MARCH[0], metric="bookable_minutes", kind="desk")
    assert bookable.value == Decimal(5400)  # 9 open hours × 10 seats, in minutes


def test_short_bookings_and_no_shows_are_counted_exactly(stage: Stage) -> None:
    organisation = stage.organisation("web")
    for n in range(3):  # 20 minutes is 0.333… hours: kept in minutes, three of them make exactly one hour
        stage.book(stage.venue_a, MARCH[0], organisation, start=9 + n, hours=1 / 3)
    stage.book(stage.venue_a, MARCH[1], organisation, start=9, hours=2, status=Booking.Status.NO_SHOW)
    drain()
    hours = stats(metric="booked_hours", first=MARCH[0], last=MARCH[0], allowed=[stage.venue_a])
    assert hours.cells[0].reason == "fewer_than_3"  # one organisation: secret, but the rollups are exact
    minutes = DailyFigure.objects.get(venue=stage.venue_a, day=MARCH[0], metric="minutes")
    assert minutes.value == Decimal(60)
    occupied = DailyFigure.objects.get(venue=stage.venue_a, day=MARCH[1], metric="occupied_minutes")
    assert occupied.value == Decimal(30)  # released after the default 30 minutes without check-in


def test_months_hold_the_sum_of_their_days(month: dict[str, Any], stage: Stage) -> None:
    march = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    for metric in ("bookings", "minutes", "occupied_minutes", "sales_amount", "attendance", "bookable_minutes"):
        days = sum(DailyFigure.objects.filter(metric=metric, day__range=march).values_list("value", flat=True))
        months = sum(
            MonthlyFigure.objects.filter(metric=metric, month=dt.date(2025, 3, 1)).values_list("value", flat=True)
        )
        assert days == months and days > 0, metric


def test_a_cancellation_is_counted_out_and_redelivery_or_disorder_changes_nothing(
    month: dict[str, Any], stage: Stage
) -> None:
    a = stage.venue_a
    before = daily(a, Area.COWORKING, MARCH[2], MARCH[2])
    booking = month["cancelled"]
    with schema_context(a.schema_name):
        booking.status = Booking.Status.CANCELLED
        booking.save()
    drain()
    after = daily(a, Area.COWORKING, MARCH[2], MARCH[2])
    assert after != before and after == counted(a, Area.COWORKING, MARCH[2], MARCH[2])

    # every event again, oldest last: the figures are a recount, so neither order nor repetition matters
    for event in OutboxEvent.objects.filter(event_type=rollups.EVENT_TYPE).order_by("-id"):
        projectors.apply(event)
    assert daily(a, Area.COWORKING, MARCH[2], MARCH[2]) == after


def test_a_rebuild_from_the_venues_gives_the_same_rollups(month: dict[str, Any], stage: Stage) -> None:
    def snapshot() -> list[tuple]:
        rows = MonthlyFigure.objects.filter(month=dt.date(2025, 3, 1))
        return sorted(rows.values_list("venue", "area", "metric", "kind", "sector", "contributor", "value"))

    before = snapshot()
    DailyFigure.objects.all().delete()
    MonthlyFigure.objects.all().delete()
    for venue in (stage.venue_a, stage.venue_b):
        rollups.rebuild(venue, MARCH[0], MARCH[-1])
    assert snapshot() == before and before


def test_every_figure_from_the_rollups_equals_the_live_count(month: dict[str, Any], stage: Stage) -> None:
    every = [stage.venue_a, stage.venue_b]
    for start, sector in ((15, "music"), (16, "design")):  # with the fixture's visitor: three book across sites
        visitor = stage.organisation(sector, stage.venue_b)
        stage.book(stage.venue_a, MARCH[1], visitor, kind=Resource.Kind.STUDIO, start=start, hours=1, network=True)
    drain()
    published: set[str] = set()  # metrics with at least one non-zero published cell: the comparison is not vacuous
    for metric, granularity in itertools.product(sorted(METRICS), ["month", "year"]):
        groups = [g for g in ("venue", "sector", "kind") if g in METRICS[metric].dims]
        first, last = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
        for group_by in ([], groups[:1], groups):
            asked: dict[str, Any] = {
                "first": first,
                "last": last,
                "granularity": granularity,
                "group_by": group_by,
                "allowed": every,
            }
            kept, live = stats(metric=metric, **asked), stats(metric=metric, live=True, **asked)
            assert kept.cells == live.cells, (metric, granularity, group_by)
            published.update(metric for cell in kept.cells if cell.value)
    assert published == set(METRICS) - {"new_members", "leaving_members"}


def test_secrecy_in_the_figures(month: dict[str, Any], stage: Stage) -> None:
    every = [stage.venue_a, stage.venue_b]
    march: dict[str, Any] = {"first": dt.date(2025, 3, 1), "last": dt.date(2025, 3, 31), "allowed": every}

    hours = {(c.venue, c.sector): c for c in stats(metric="booked_hours", group_by=["venue", "sector"], **march).cells}
    a = stage.venue_a
    assert hours[a, "music"].value is not None and not hours[a, "music"].suppressed
    assert hours[a, "cinema"].reason == "fewer_than_3" and hours[a, "cinema"].value is None
    assert sum(1 for c in hours.values() if c.reason == "secondary") >= 1  # so cinema is not a - (music + …)

    sales = {c.sector: c for c in stats(metric="sales_amount", group_by=["sector"], **march).cells}
    assert sales["design"].reason == "dominance"  # 900 of 990
    assert sales["music"].reason == "secondary"  # else design = total - music, the other sectors being 0
    total = stats(metric="sales_amount", **march).cells
    assert [c.value for c in total] == [Decimal("1890.00")]

    occupancy = stats(metric="occupancy_rate", group_by=["venue", "kind"], **march).cells
    desk = next(c for c in occupancy if c.venue == a and c.kind == "desk")
    assert desk.value is not None and Decimal(0) < desk.value < Decimal(1)

    members = stats(metric="active_members", group_by=["venue", "sector"], **march).cells
    cinema = next(c for c in members if c.venue == a and c.sector == "cinema")
    assert cinema.suppressed and cinema.value is None
    music = next(c for c in members if c.venue == a and c.sector == "music")
    assert music.value == 3


def test_membership_spells_follow_the_organisations(stage: Stage) -> None:
    from federation.services import change_organisation_status

    organisation = stage.organisation("theatre", stage.venue_b)
    spell = MemberSpell.objects.get(organisation=organisation)
    assert spell.ends_on is None and spell.venue == stage.venue_b and spell.sector == "theatre"

    organisation = change_organisation_status(organisation=organisation, status="left", actor=None)
    spell.refresh_from_db()
    assert organisation.left_at is not None and spell.ends_on == rollups.local_day(organisation.left_at)


def test_bookable_minutes_leave_out_weekends_holidays_and_closures(stage: Stage) -> None:
    from tenants.coworking.models import Closure

    a = stage.venue_a
    week = recount.bookable_minutes(a, dt.date(2025, 4, 14), dt.date(2025, 4, 20))  # Easter Monday is the 21st
    assert week[dt.date(2025, 4, 14), "desk"] == Decimal(5400)
    assert (dt.date(2025, 4, 19), "desk") not in week  # Saturday
    assert (dt.date(2025, 4, 21), "desk") not in recount.bookable_minutes(a, dt.date(2025, 4, 21), dt.date(2025, 4, 21))
    with schema_context(a.schema_name):
        Closure.objects.create(starts_on=dt.date(2025, 4, 15), ends_on=dt.date(2025, 4, 15), reason="works")
    assert (dt.date(2025, 4, 15), "desk") not in recount.bookable_minutes(a, dt.date(2025, 4, 14), dt.date(2025, 4, 20))


def test_the_relay_of_a_real_worker_keeps_the_rollups(celery_worker: Any) -> None:
    venue_a, venue_b = Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants")
    stage = make_stage(venue_a, venue_b)  # committed: the worker sees it
    organisation = stage.organisation("music")
    day = dt.date(2025, 3, 4)
    stage.book(venue_a, day, organisation, hours=3)  # committed: the nudge reaches the worker

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if DailyFigure.objects.filter(venue=venue_a, day=day, metric="minutes").exists():
            break
        time.sleep(0.2)
    row = DailyFigure.objects.get(venue=venue_a, day=day, metric="minutes")
    assert row.value == Decimal(180) and row.contributor == "o%d" % organisation.pk

    # the nightly task recounts from yesterday to the horizon, which moves a day ahead each night
    from django.utils import timezone

    from reporting.tasks import extend_horizon_everywhere

    horizon = timezone.localdate() + dt.timedelta(days=rollups.HORIZON_DAYS)
    ahead = DailyFigure.objects.filter(venue=venue_a, metric="bookable_minutes", day__gt=horizon - dt.timedelta(7))
    ahead.delete()
    assert extend_horizon_everywhere.delay().get(timeout=30) == ["battants", "gresilles"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not ahead.exists():
        time.sleep(0.2)
    end_of_month = (horizon.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    assert ahead.exists() and not ahead.filter(day__gt=end_of_month).exists()  # whole months are counted


def test_the_nightly_recount_is_scheduled() -> None:
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reporting.extend_horizon_everywhere" in tasks


def test_rebuild_rollups_recounts_from_the_venues(month: dict[str, Any], stage: Stage) -> None:
    from io import StringIO

    from django.core.management import call_command

    def snapshot() -> list[tuple]:
        rows = MonthlyFigure.objects.exclude(metric="bookable_minutes").filter(month__year=2025)
        figures = rows.values_list("venue", "area", "metric", "kind", "sector", "contributor", "value")
        return sorted(figures) + sorted(MemberSpell.objects.values_list("organisation", "venue", "starts_on"))

    before = snapshot()
    DailyFigure.objects.all().delete()
    MonthlyFigure.objects.all().delete()
    MemberSpell.objects.all().delete()
    out = StringIO()
    call_command("rebuild_rollups", "--from", "2025-03-01", "--to", "2025-03-31", stdout=out)
    assert snapshot() == before and len(before) > 50
    assert "gresilles: 2025-03-01 to 2025-03-31 recounted" in out.getvalue()

    MonthlyFigure.objects.all().delete()
    call_command("rebuild_rollups", "--venue", "gresilles", stdout=out)  # from its first activity to the horizon
    assert MonthlyFigure.objects.filter(venue=stage.venue_a, month=dt.date(2025, 3, 1)).exists()
    assert not MonthlyFigure.objects.filter(venue=stage.venue_b).exists()


@pytest.mark.parametrize(
    "arguments",
    [["--venue", "atlantis"], ["--from", "2025-13-01"], ["--from", "2025-04-01", "--to", "2025-03-01"]],
)
def test_rebuild_rollups_refuses_what_it_cannot_do(arguments: list[str], db: None) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("rebuild_rollups", *arguments)


def test_a_hidden_month_cannot_be_taken_out_of_its_year(stage: Stage) -> None:
    a = stage.venue_a
    alone = stage.organisation("music")
    stage.book(a, MARCH[0], alone, kind=Resource.Kind.STUDIO, start=10, hours=5)  # one organisation in March
    for n, day in enumerate([dt.date(2025, 5, 6), dt.date(2025, 6, 3), dt.date(2025, 9, 2)]):
        for organisation in [stage.organisation("web") for _ in range(3)]:
            stage.book(a, day, organisation, kind=Resource.Kind.STUDIO, start=9 + n, hours=1)
            day += dt.timedelta(days=1)
    drain()
    year: dict[str, Any] = {
        "first": dt.date(2025, 1, 1),
        "last": dt.date(2025, 12, 31),
        "allowed": [a],
        "group_by": ["kind"],
    }
    months = stats(metric="booked_hours", **year).cells
    total = stats(metric="booked_hours", granularity="year", **year).cells
    march = next(c for c in months if c.period == dt.date(2025, 3, 1) and c.kind == "studio")
    assert march.reason == "fewer_than_3"
    for kind in {c.kind for c in months}:
        line = [c for c in months + total if c.kind == kind]
        assert len(line) == 13 and sum(c.suppressed for c in line) != 1, kind  # the year less 11 months


def test_members_joining_cannot_be_taken_out_of_the_members_at_month_end(stage: Stage) -> None:
    a = stage.venue_a
    for _ in range(4):
        stage.organisation("music", a)  # members since June 2024
    stage.organisation("music", a, activated_at=dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC))  # alone to join
    asked: dict[str, Any] = {"first": dt.date(2024, 12, 1), "last": dt.date(2025, 12, 31), "allowed": [a]}
    asked["group_by"] = ["sector"]
    tables = {m: stats(metric=m, **asked).cells for m in ("active_members", "new_members", "leaving_members")}
    new = {(c.period, c.sector): c for c in tables["new_members"]}
    assert new[dt.date(2025, 3, 1), "music"].reason == "fewer_than_3"
    stock = {(c.period, c.sector): c for c in tables["active_members"]}
    left = {(c.period, c.sector): c for c in tables["leaving_members"]}
    for (month, sector), joined in new.items():
        if month == dt.date(2024, 12, 1):
            continue
        before = (month - dt.timedelta(days=1)).replace(day=1)
        relation = [stock[month, sector], stock[before, sector], joined, left[month, sector]]
        assert sum(c.suppressed for c in relation) != 1, (month, sector)  # end = before + joining − leaving
    years = {m: stats(metric=m, granularity="year", **asked).cells for m in tables}
    music = {(m, c.period.year): c for m, cells in years.items() for c in cells if c.sector == "music"}
    assert music["new_members", 2025].suppressed
    relation = [music["active_members", 2025], music["active_members", 2024], music["new_members", 2025]]
    assert sum(c.suppressed for c in [*relation, music["leaving_members", 2025]]) >= 2
