"""Partners' figures: a metric over whole months or years, split by venue, sector and kind, every cell
passed through statistical secrecy (`secrecy`).

A year and its months are one table: the month is one more dimension of the protected cube, and the year
is its total. Asking for the months and then for the year (or for a range, then the same range less one
month) reads the same protected cells, so neither undoes the other's suppression. Days are kept in the
rollups but not published: a day's figure and its month would be a third level of that table, and at
this hub's size nearly every day-level cell would be suppressed anyway.

The membership figures are one linked table: members at the end of each month and year (a stock), those
joining and those leaving (flows), tied by "end of this month = end of last month + joining − leaving";
that equation is protected like a line of the cube, over the hub's whole history.

Cells come from the rollups; `live=True` computes the same cells from the venue schemas directly (the
benchmark's comparison, and the tests' proof that the rollups are right)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
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

DAY, MONTH, YEAR = "day", "month", "year"  # days: the rollups' grain, not published
GRANULARITIES = (MONTH, YEAR)
MAX_PERIODS = {MONTH: 120, YEAR: 20}
FIRST_YEAR, LAST_YEAR = 2000, 2099  # dates outside are refused before anything is counted
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
            "active_members",
            gettext_lazy("member organisations (at the end of the period)"),
            "count",
            (VENUE, SECTOR),
            source="active",
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
    for name, day in (("from", first), ("to", last)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise fail(name, _("A date from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    if last < first:
        raise fail("to", _("The end comes before the start."))
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    count = months if granularity == MONTH else last.year - first.year + 1
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


def _live(metric: Metric, source: str, first: dt.date, last: dt.date, granularity: str) -> Iterable[tuple]:
    assert metric.area is not None
    for venue in hub_venues():
        for bucket, _metric, kind, sector, contributor, value in recount.rows(
            venue, metric.area, first, last, granularity, metric=source
        ):
            yield bucket, venue.pk, sector, kind, contributor, value


def _spells(live: bool) -> list[tuple[int, str, int, dt.date, dt.date | None]]:
    if live:
        return [
            (o.home_venue_id, o.sector, o.pk, *_local_days(o))
            for o in Organisation.objects.exclude(activated_at=None).exclude(status="applicant")
        ]
    return list(MemberSpell.objects.values_list("venue_id", "sector", "organisation_id", "starts_on", "ends_on"))


def _local_days(organisation: Organisation) -> tuple[dt.date, dt.date | None]:
    from .rollups import local_day

    assert organisation.activated_at is not None
    left = organisation.left_at if organisation.status == "left" else None
    return local_day(organisation.activated_at), local_day(left) if left else None


def contributions(metric: Metric, source: str, year: int) -> Inner:
    """Counted live from the venue schemas: each contributor's part in `source` over the months of `year`,
    keyed (month, *the metric's dims)."""
    assert metric.area is not None
    inner: Inner = defaultdict(dict)
    for bucket, venue_id, sector, kind, contributor, value in _live(
        metric, source, dt.date(year, 1, 1), dt.date(year, 12, 31), MONTH
    ):
        parts = inner[(bucket, *_key(metric, venue_id, sector, kind))]
        parts[contributor] = parts.get(contributor, Decimal(0)) + Decimal(value)
    return inner


def _months(year: int) -> list[dt.date]:
    return [dt.date(year, month, 1) for month in range(1, 13)]


def _year_tables(metric: Metric, year: int, domains: list[list[Any]], live: bool) -> tuple[Cells, Cells | None]:
    """The protected cube of `year`: (month or TOTAL for the year, *dims) → cell; and a rate's denominator.
    From the rollups the cube is summed in SQL; live, in Python from each contributor's part (the same
    cells: the tests compare them)."""
    every = [_months(year), *domains]

    def cube(source: str) -> Cells:
        if live:
            return secrecy.cube(contributions(metric, source, year), every)
        return secrecy.summarised(_summed_rollups(metric, source, year), every)

    numerator = secrecy.protected(cube(metric.source), every, business=metric.business)
    if not metric.per:
        return numerator, None
    if metric.per_sensitive:
        return numerator, secrecy.protected(cube(metric.per), every, business=False)
    return numerator, cube(metric.per)


COLUMNS = {VENUE: "venue_id", SECTOR: "sector", KIND: "kind"}


def _summed_rollups(metric: Metric, source: str, year: int) -> Iterable[tuple[tuple[Any, ...], Decimal, int, Decimal]]:
    """Every cell of the year's cube that has contributions, totals included (NULL: a total; the table's
    columns are never NULL), with its value, contributors (the venue itself left out) and largest part."""
    columns = ", ".join(["month", *(COLUMNS[dim] for dim in metric.dims)])
    sql = f"""
        WITH parts AS (
            SELECT {columns}, contributor, sum(value) AS part
            FROM public.reporting_monthlyfigure
            WHERE area = %s AND metric = %s AND month BETWEEN %s AND %s
            GROUP BY contributor, CUBE ({columns})
        )
        SELECT {columns}, sum(part), count(*) FILTER (WHERE part <> 0 AND contributor <> %s), max(part)
        FROM parts GROUP BY {columns}
    """  # noqa: S608 (the columns come from METRICS, never from the request)
    with connection.cursor() as cursor:
        cursor.execute(sql, [metric.area, source, dt.date(year, 1, 1), dt.date(year, 12, 31), secrecy.VENUE_ITSELF])
        for *key, value, contributors, largest in cursor.fetchall():
            yield tuple(key), value, contributors, largest


Cells = dict[tuple[Any, ...], secrecy.Cell]
YEAR_END = "year"  # the time part of a membership cell at the end of a year


def _member_tables(years: list[int], domains: list[list[Any]], live: bool) -> dict[str, Cells]:
    """The three membership tables, protected together over the hub's whole history: keys are
    (time, venue, sector) with time a month, or (YEAR_END, year) for the stock at the end of a year and
    TOTAL-in-year for the flows (`_flow_key`)."""
    spells = _spells(live)
    today = timezone.localdate()
    start = min([dt.date(years[0], 1, 1), *(starts_on.replace(day=1) for *_rest, starts_on, _end in spells)])
    history = list(range(start.year, max(today.year, years[-1]) + 1))
    stock: Cells = {}
    flows: dict[str, Cells] = {"new": {}, "left": {}}
    relations: list[list[tuple[Any, ...]]] = []
    tag = {"active": "a", "new": "n", "left": "l"}
    for year in history:
        for source in ("new", "left"):
            inner: Inner = defaultdict(dict)
            for venue_id, sector, organisation, starts_on, ends_on in spells:
                day = starts_on if source == "new" else ends_on
                if day is not None and day.year == year:
                    inner[(day.replace(day=1), venue_id, sector)]["o%d" % organisation] = Decimal(1)
            cube = secrecy.cube(inner, [_months(year), *domains])
            flows[source].update({_flow_key(key, year): cell for key, cell in cube.items()})
            relations += [
                [(tag[source], *_flow_key(key, year)) for key in line]
                for line in secrecy.lines(cube, [_months(year), *domains])
            ]
        for month in _months(year):
            end = period_end(month, MONTH)
            inner = defaultdict(dict)
            for venue_id, sector, organisation, starts_on, ends_on in spells:
                if starts_on <= end and (ends_on is None or ends_on > end):
                    inner[(venue_id, sector)]["o%d" % organisation] = Decimal(1)
            cube = secrecy.cube(inner, domains)
            stock.update({(month, *key): cell for key, cell in cube.items()})
            relations += [[("a", month, *key) for key in line] for line in secrecy.lines(cube, domains)]
            for key in cube:
                # end of this month = end of last month + joining − leaving (the first month starts from none)
                before = [("a", _previous(month), *key)] if month > start else []
                relations.append([("a", month, *key), *before, ("n", month, *key), ("l", month, *key)])
                if month.month == 12:
                    stock[((YEAR_END, year), *key)] = secrecy.Cell(
                        ((YEAR_END, year), *key), dict(cube[key].contributions)
                    )
                    relations.append([("a", (YEAR_END, year), *key), ("a", month, *key)])  # the same figure
                    previous = [("a", (YEAR_END, year - 1), *key)] if year > start.year else []
                    relations.append(
                        [
                            ("a", (YEAR_END, year), *key),
                            *previous,
                            ("n", (YEAR_END, year), *key),
                            ("l", (YEAR_END, year), *key),
                        ]
                    )
    every: Cells = {}
    for prefix, table in (("a", stock), ("n", flows["new"]), ("l", flows["left"])):
        for key, cell in table.items():
            cell.key = (prefix, *key)
            cell.reason = secrecy.primary(cell, business=False)
            cell.weight = 1 if prefix == "a" else 0  # hide a flow rather than the members count
            every[cell.key] = cell
    secrecy.settle(every, relations)
    return {
        source: {key[1:]: cell for key, cell in every.items() if key[0] == prefix}
        for source, prefix in (("active", "a"), ("new", "n"), ("left", "l"))
    }


def _flow_key(key: tuple[Any, ...], year: int) -> tuple[Any, ...]:
    month, *rest = key
    return ((YEAR_END, year) if month is secrecy.TOTAL else month, *rest)


def _previous(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


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
    table = StatTable(found, granularity, starts[0], end, groups, shown)
    years = sorted({start.year for start in starts})
    if len(starts) * _cells_per_period(found, groups, shown, domains) > MAX_CELLS:
        raise fail("groupBy", _("Too many cells: ask for fewer periods or groups."))
    members = _member_tables(years, domains, live) if found.area is None else None
    for year in years:
        if members is not None:
            numerator, per = members[found.source], None
        else:
            numerator, per = _year_tables(found, year, domains, live)
        for start in (s for s in starts if s.year == year):
            time = start if granularity == MONTH else (YEAR_END, year) if members is not None else secrecy.TOTAL
            table.cells += slice_cells(
                found,
                start,
                granularity,
                _at(numerator, time),
                _at(per, time) if per is not None else None,
                domains,
                groups,
                shown,
                everyone,
            )
    return table


def _at(cells: Cells, time: Any) -> Cells:
    return {key[1:]: cell for key, cell in cells.items() if key[0] == time}


def _cells_per_period(metric: Metric, groups: list[str], shown: list[Venue], domains: list[list[Any]]) -> int:
    count = 1
    for dim, domain in zip(metric.dims, domains, strict=True):
        if dim == VENUE:
            count *= len(shown)
        elif dim in groups:
            count *= len(domain)
    return count


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
    for key in itertools.product(*choices):
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
