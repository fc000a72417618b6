"""The demo's two years of history feed the partners' figures: most months published, small cells suppressed
(too few organisations, or one dominating a business figure), the survey's figures protected the same way,
and the rollups the history was counted into equal a live count of the venues' tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from hub.errors import InvalidInput
from reporting import stats, survey
from reporting.demo import history_start
from reporting.secrecy import Reason
from tenants.models import Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def venues(db: None) -> list[Venue]:
    call_command("load_demo")
    return list(Venue.objects.filter(schema_name__in=["gresilles", "battants"]).order_by("schema_name"))


def _span() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return history_start(today), today.replace(day=1) - dt.timedelta(days=1)  # 24 whole months


def _reasons(table: stats.StatTable) -> Counter[str | None]:
    return Counter(cell.reason for cell in table.cells)


def test_the_dashboard_shows_the_history_and_hides_what_would_single_out_a_member(venues: list[Venue]) -> None:
    first, last = _span()

    hours = stats.stats(
        metric="booked_hours", first=first, last=last, granularity="month", group_by=["venue"], allowed=venues
    )
    assert len(hours.cells) == 2 * 24
    for venue in venues:
        published = [c for c in hours.cells if c.venue == venue and not c.suppressed and c.value]
        assert len(published) >= 20, venue  # most months, at both venues
        assert all(c.value is not None and c.value > 100 for c in published)

    members = stats.stats(metric="active_members", first=first, last=last, group_by=["venue", "sector"], allowed=venues)
    assert _reasons(members)[Reason.FEWER_THAN_3] > 0  # e.g. video games at Grésilles: a single studio
    lone = [c for c in members.cells if c.venue and c.venue.schema_name == "gresilles" and c.sector == "video_games"]
    assert lone and all(c.reason in (Reason.FEWER_THAN_3, None) and (c.value is None or c.value == 0) for c in lone)
    assert any(not c.suppressed and c.value and c.value >= 3 for c in members.cells if c.sector)  # and most shown
    by_venue = stats.stats(metric="active_members", first=first, last=last, group_by=["venue"], allowed=venues)
    totals = [c.value for c in by_venue.cells if c.venue and c.venue.schema_name == "gresilles" and c.value]
    assert len(totals) == 24 and totals[-1] > totals[0]  # more members than two years ago
    assert len(set(totals)) > 3  # organisations join and leave: the count moves from month to month

    sales = stats.stats(metric="sales_amount", first=first, last=last, group_by=["venue"], allowed=venues)
    reasons = _reasons(sales)
    assert reasons[Reason.DOMINANCE] >= 4  # months when one artist's large piece makes ≥ 85 % of the sales
    assert reasons[Reason.FEWER_THAN_3] > 0 and reasons[None] > 0

    for metric in ("registrations", "attendance", "bookings", "network_share", "occupancy_rate"):
        table = stats.stats(metric=metric, first=first, last=last, group_by=["venue"], allowed=venues)
        assert _reasons(table)[None] >= 40, metric


def test_last_years_survey_is_published_and_protected_this_years_is_not_yet(venues: list[Venue]) -> None:
    year = timezone.localdate().year - 1

    revenue = survey.survey_stats(year=year, metric="revenue", group_by=["sector"], allowed=venues)
    by_sector = {cell.sector: cell for cell in revenue.cells}
    assert by_sector["video_games"].reason == Reason.DOMINANCE  # one studio makes most of its sector's revenue
    assert by_sector["other"].reason == Reason.FEWER_THAN_3
    assert sum(1 for cell in revenue.cells if not cell.suppressed and cell.value) >= 4

    respondents = survey.survey_stats(year=year, metric="respondents", group_by=["venue"], allowed=venues)
    assert all(cell.value and cell.value >= 8 for cell in respondents.cells)

    with pytest.raises(InvalidInput) as still_open:  # this year's campaign takes answers: no figures yet
        survey.survey_stats(year=year + 1, metric="revenue", group_by=["sector"], allowed=venues)
    assert "still open" in still_open.value.fields["year"][0]


LIVE_CHECKS = [
    ("booked_hours", "month", ["venue", "sector", "kind"]),
    ("occupancy_rate", "month", ["venue", "kind"]),
    ("network_share", "month", ["venue", "sector"]),
    ("sales_amount", "month", ["venue", "sector"]),
    ("registrations", "month", ["venue", "sector", "kind"]),
    ("attendance", "month", ["venue"]),
    ("events", "month", ["venue", "kind"]),
    ("active_members", "month", ["venue", "sector"]),
    ("new_members", "year", []),  # a few a year: by month or by venue, too few to show
    ("leaving_members", "year", []),  # three in two years: suppressed, but alike both ways
]


def test_the_rollups_equal_a_live_count(venues: list[Venue]) -> None:
    first, last = _span()
    for metric, granularity, group_by in LIVE_CHECKS:
        query = {"metric": metric, "first": first, "last": last, "granularity": granularity, "group_by": group_by}

        rolled = stats.stats(**query, allowed=venues, live=False)  # type: ignore[arg-type]
        live = stats.stats(**query, allowed=venues, live=True)  # type: ignore[arg-type]

        assert rolled.cells == live.cells, metric
        assert any(cell.value for cell in rolled.cells) or metric == "leaving_members", metric
