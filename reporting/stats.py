"""Partners' figures: a metric over whole periods (days, months or years), split by venue, sector and kind,
every cell passed through statistical secrecy (`secrecy`).

Totals across periods are never given: with them, asking for a range and the same range less one period
would give that period away. So cells are always per period, and `from`/`to` widen to whole periods.

Cells come from the rollups; `source="live"` computes the same cells from the venue schemas directly (the
benchmark's comparison, and the tests' proof that the rollups are right)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.models import Organisation, Sector
from hub.db import connection
from hub.errors import InvalidInput
from tenants.coworking.models import Resource
from tenants.events.models import Event
from tenants.models import Venue

from . import recount, secrecy
from .models import Area, MemberSpell

DAY, MONTH, YEAR = "day", "month", "year"
GRANULARITIES = (DAY, MONTH, YEAR)
MAX_PERIODS = {DAY: 93, MONTH: 120, YEAR: 20}
MAX_CELLS = 20_000
VENUE, SECTOR, KIND, PERIOD = "venue", "sector", "kind", "month"
NO_SECTOR = ""  # activity of no organisation (a member on their own, the venue's own events)


@dataclass(frozen=True)
class Metric:
    name: str
    label: Promise
    unit: str  # count, hours, eur, rate, fte, days
    dims: tuple[str, ...]
    area: str | None = None  # None: membership, from the spells
    source: str = ""  # the rollup metric (the numerator of a rate)
    business: bool = False  # dominance applies
    per: str = ""  # a rate's denominator
    per_sensitive: bool = False  # whether the denominator is itself protected
    scale: int = 1  # the rollups keep minutes: hours are minutes / 60


METRICS = {
    m.name: m
    for m in (
        Metric(
            "occupancy_rate",
            gettext_lazy("coworking occupancy rate (booked hours / bookable open hours)"),
            "rate",
            (VENUE, KIND),
            Area.COWORKING,
            "occupied_minutes",
            per="bookable_minutes",
        ),
        Metric("bookings", gettext_lazy("bookings"), "count", (VENUE, SECTOR, KIND), Area.COWORKING, "bookings"),
        Metric(
            "booked_hours",
            gettext_lazy("booked hours"),
            "hours",
            (VENUE, SECTOR, KIND),
            Area.COWORKING,
            "minutes",
            scale=60,
        ),
        Metric(
            "network_share",
            gettext_lazy("network share of booked hours (members of other venues)"),
            "rate",
            (VENUE, SECTOR, KIND),
            Area.COWORKING,
            "network_minutes",
            per="minutes",
            per_sensitive=True,
        ),
        Metric("sales", gettext_lazy("gallery sales"), "count", (VENUE, SECTOR), Area.GALLERY, "sales", business=True),
        Metric(
            "sales_amount",
            gettext_lazy("gallery sales amount (EUR excl. VAT)"),
            "eur",
            (VENUE, SECTOR),
            Area.GALLERY,
            "sales_amount",
            business=True,
        ),
        Metric("events", gettext_lazy("events held"), "count", (VENUE, KIND), Area.EVENTS, "events"),
        Metric(
            "registrations",
            gettext_lazy("event registrations"),
            "count",
            (VENUE, SECTOR, KIND),
            Area.EVENTS,
            "registrations",
        ),
        Metric(
            "attendance", gettext_lazy("event attendance"), "count", (VENUE, SECTOR, KIND), Area.EVENTS, "attendance"
        ),
        Metric(
            "active_members", gettext_lazy("active member organisations"), "count", (VENUE, SECTOR), source="active"
        ),
        Metric("new_members", gettext_lazy("new member organisations"), "count", (VENUE, SECTOR), source="new"),
        Metric(
            "leaving_members", gettext_lazy("member organisations leaving"), "count", (VENUE, SECTOR), source="left"
        ),
    )
}
QUANTUM = {
    "count": Decimal(1),
    "hours": Decimal("0.01"),
    "eur": Decimal("0.01"),
    "rate": Decimal("0.0001"),
    "fte": Decimal("0.01"),
    "days": Decimal("0.1"),
}


@dataclass(frozen=True)
class StatCell:
    period: dt.date
    venue: Venue | None  # None: every venue
    sector: str | None  # None: every sector; "" no organisation
    kind: str | None  # None: every kind
    value: Decimal | None
    suppressed: bool
    reason: str | None
    granularity: str = MONTH

    @property
    def label(self) -> str:
        return period_label(self.period, self.granularity)

    @property
    def sector_label(self) -> str:
        if self.sector is None:
            return ""
        return str(dict(Sector.choices).get(self.sector, _("no member organisation")))


@dataclass
class StatTable:
    metric: Metric
    granularity: str
    first: dt.date
    last: dt.date
    group_by: list[str]
    venues: list[Venue]
    cells: list[StatCell] = field(default_factory=list)
    survey: bool = False  # a table of the yearly survey (`survey.survey_stats`)

    @property
    def suppressed(self) -> int:
        return sum(1 for cell in self.cells if cell.suppressed)


# -- periods -----------------------------------------------------------------------------------------------


def period_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == DAY:
        return start
    if granularity == MONTH:
        return (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start.replace(month=12, day=31)


def periods(first: dt.date, last: dt.date, granularity: str) -> list[dt.date]:
    found, start = [], recount.truncate(first, granularity)
    while start <= last:
        found.append(start)
        start = period_end(start, granularity) + dt.timedelta(days=1)
    return found


def period_label(start: dt.date, granularity: str) -> str:
    return {DAY: start.isoformat(), MONTH: start.strftime("%Y-%m"), YEAR: str(start.year)}[granularity]


# -- checking a request ------------------------------------------------------------------------------------------


def hub_venues() -> list[Venue]:
    return list(Venue.objects.exclude(schema_name="public").order_by("schema_name"))


def fail(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(_("The figures cannot be given."), fields={field_name: [message]})


def check_request(
    *,
    metric: str,
    first: dt.date,
    last: dt.date,
    granularity: str,
    group_by: Sequence[str],
    allowed: Iterable[Venue],
    venues: Sequence[str] | None,
    dims: Sequence[str] | None = None,
) -> tuple[Metric | None, list[Venue], list[str]]:
    """The metric, the venues to show and the groups, or `InvalidInput` naming the field at fault."""
    found = METRICS.get(metric)
    if dims is None:
        if found is None:
            raise fail("metric", _("Unknown metric: choose among %(names)s.") % {"names": ", ".join(METRICS)})
        dims = found.dims
    if granularity not in GRANULARITIES:
        raise fail("granularity", _("Choose among: %(names)s.") % {"names": ", ".join(GRANULARITIES)})
    if last < first:
        raise fail("to", _("The end comes before the start."))
    count = len(periods(first, last, granularity))
    if count > MAX_PERIODS[granularity]:
        raise fail("to", _("At most %(n)d periods of this granularity at a time.") % {"n": MAX_PERIODS[granularity]})
    groups = list(dict.fromkeys(group_by))
    for group in groups:
        if group != PERIOD and group not in dims:
            raise fail("groupBy", _("This figure cannot be split by %(group)s.") % {"group": group.upper()})
    allowed = list(allowed)
    by_slug = {venue.schema_name: venue for venue in allowed}
    if venues:
        unknown = [slug for slug in venues if slug not in by_slug]
        if unknown:  # a venue of another territory looks like one that does not exist
            raise fail("venues", _("Unknown venue: %(slugs)s.") % {"slugs": ", ".join(unknown)})
        shown = [by_slug[slug] for slug in dict.fromkeys(venues)]
    else:
        shown = allowed
    if not shown:
        raise fail("venues", _("No venue is within your scope."))
    every = {venue.pk for venue in hub_venues()}
    if VENUE not in groups and len(shown) > 1 and {venue.pk for venue in shown} != every:
        raise fail("groupBy", _("Totals are given over every venue or for one: group by VENUE to compare these."))
    return found, sorted(shown, key=lambda v: v.schema_name), groups


# -- contributions ----------------------------------------------------------------------------------------------


Inner = dict[tuple[Any, ...], dict[str, Decimal]]


def _domains(metric: Metric, everyone: list[Venue]) -> list[list[Any]]:
    values = {
        VENUE: [venue.pk for venue in everyone],
        SECTOR: [*Sector.values, NO_SECTOR],
        KIND: list(Resource.Kind.values if metric.area == Area.COWORKING else Event.Kind.values),
    }
    return [values[dim] for dim in metric.dims]


def _key(metric: Metric, venue_id: int, sector: str, kind: str) -> tuple[Any, ...]:
    parts = {VENUE: venue_id, SECTOR: sector, KIND: kind}
    return tuple(parts[dim] for dim in metric.dims)


def _from_rollups(metric: Metric, source: str, first: dt.date, last: dt.date, granularity: str) -> Iterable[tuple]:
    table, column = ("reporting_dailyfigure", "day") if granularity == DAY else ("reporting_monthlyfigure", "month")
    with connection.cursor() as cursor:
        sql = f"SELECT date_trunc(%s, {column})::date, venue_id, sector, kind, contributor, sum(value) "
        sql += f"FROM public.{table} "
        sql += f"WHERE area = %s AND metric = %s AND {column} BETWEEN %s AND %s GROUP BY 1, 2, 3, 4, 5"
        cursor.execute(sql, [granularity, metric.area, source, first, last])
        yield from cursor.fetchall()


def _live(metric: Metric, source: str, first: dt.date, last: dt.date, granularity: str) -> Iterable[tuple]:
    assert metric.area is not None
    for venue in hub_venues():
        for bucket, _metric, kind, sector, contributor, value in recount.rows(
            venue, metric.area, first, last, granularity, metric=source
        ):
            yield bucket, venue.pk, sector, kind, contributor, value


def _membership(metric: Metric, starts: list[dt.date], granularity: str, live: bool) -> dict[dt.date, Inner]:
    if live:
        spells = [
            (o.home_venue_id, o.sector, o.pk, *_local_days(o))
            for o in Organisation.objects.exclude(activated_at=None).exclude(status="applicant")
        ]
    else:
        spells = list(MemberSpell.objects.values_list("venue_id", "sector", "organisation_id", "starts_on", "ends_on"))
    found: dict[dt.date, Inner] = {}
    for start in starts:
        end = period_end(start, granularity)
        inner: Inner = defaultdict(dict)
        for venue_id, sector, organisation, starts_on, ends_on in spells:
            counted = {
                "active": starts_on <= end and (ends_on is None or ends_on >= start),
                "new": start <= starts_on <= end,
                "left": ends_on is not None and start <= ends_on <= end,
            }[metric.source]
            if counted:
                inner[_key(metric, venue_id, sector, "")]["o%d" % organisation] = Decimal(1)
        found[start] = inner
    return found


def _local_days(organisation: Organisation) -> tuple[dt.date, dt.date | None]:
    from .rollups import local_day

    assert organisation.activated_at is not None
    left = organisation.left_at if organisation.status == "left" else None
    return local_day(organisation.activated_at), local_day(left) if left else None


def contributions(
    metric: Metric, source: str, starts: list[dt.date], last: dt.date, granularity: str, live: bool
) -> dict[dt.date, Inner]:
    if metric.area is None:
        return _membership(metric, starts, granularity, live)
    found: dict[dt.date, Inner] = {start: defaultdict(dict) for start in starts}
    read = _live if live else _from_rollups
    for bucket, venue_id, sector, kind, contributor, value in read(metric, source, starts[0], last, granularity):
        inner = found.get(bucket)
        if inner is None:
            continue
        parts = inner[_key(metric, venue_id, sector, kind)]
        parts[contributor] = parts.get(contributor, Decimal(0)) + Decimal(value)
    return found


# -- the table -----------------------------------------------------------------------------------------------------


def stats(
    *,
    metric: str,
    first: dt.date,
    last: dt.date,
    granularity: str = MONTH,
    group_by: Sequence[str] = (),
    allowed: Iterable[Venue],
    venues: Sequence[str] | None = None,
    live: bool = False,
) -> StatTable:
    """The protected cells of `metric` for the venues `allowed` (the partner's scope), per period."""
    found, shown, groups = check_request(
        metric=metric,
        first=first,
        last=last,
        granularity=granularity,
        group_by=group_by,
        allowed=allowed,
        venues=venues,
    )
    assert found is not None
    starts = periods(first, last, granularity)
    end = period_end(starts[-1], granularity)
    everyone = hub_venues()
    domains = _domains(found, everyone)
    numerators = contributions(found, found.source, starts, end, granularity, live)
    denominators = contributions(found, found.per, starts, end, granularity, live) if found.per else {}
    table = StatTable(found, granularity, starts[0], end, groups, shown)
    for start in starts:
        protected = secrecy.protect(numerators[start], domains, business=found.business)
        per = (
            secrecy.protect(denominators[start], domains, business=False)
            if found.per and found.per_sensitive
            else secrecy.cube(denominators[start], domains)
            if found.per
            else None
        )
        table.cells += slice_cells(found, start, granularity, protected, per, domains, groups, shown, everyone)
    if len(table.cells) > MAX_CELLS:
        raise fail("groupBy", _("Too many cells: ask for fewer periods or groups."))
    return table


def slice_cells(
    metric: Metric,
    start: dt.date,
    granularity: str,
    cells: dict[tuple, secrecy.Cell],
    per: dict[tuple, secrecy.Cell] | None,
    domains: list[list[Any]],
    groups: list[str],
    shown: list[Venue],
    everyone: list[Venue],
) -> list[StatCell]:
    every_venue = len(shown) == len(everyone)
    choices = []
    for dim, domain in zip(metric.dims, domains, strict=True):
        if dim == VENUE:
            if VENUE in groups or not every_venue:
                choices.append([venue.pk for venue in shown])
            else:
                choices.append([secrecy.TOTAL])
        else:
            choices.append(list(domain) if dim in groups else [secrecy.TOTAL])
    by_pk = {venue.pk: venue for venue in everyone}
    result = []
    for key in _product(choices):
        cell = cells[key]
        named = dict(zip(metric.dims, key, strict=True))
        reason = cell.reason
        value: Decimal | None = None
        if per is not None:
            under = per[key]
            reason = reason or under.reason
            if reason is None and under.value:
                value = (cell.value / under.value).quantize(QUANTUM["rate"])
        elif reason is None:
            value = (cell.value / metric.scale).quantize(QUANTUM[metric.unit])
        result.append(
            StatCell(
                period=start,
                venue=by_pk.get(named[VENUE]) if named.get(VENUE) is not None else None,
                sector=named.get(SECTOR) if SECTOR in metric.dims and named.get(SECTOR) is not None else None,
                kind=named.get(KIND) if KIND in metric.dims and named.get(KIND) is not None else None,
                value=value,
                suppressed=reason is not None,
                reason=reason,
                granularity=granularity,
            )
        )
    return result


def _product(choices: list[list[Any]]) -> list[tuple[Any, ...]]:
    import itertools

    return list(itertools.product(*choices))
