"""Reads of the settlement ledger: network hours used, and the monthly statement between two venues."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from federation.models import Organisation
from hub.errors import InvalidInput
from hub.spreadsheets import safe_cell
from tenants.models import Venue

from .models import CrossSiteBooking

ZERO = Decimal("0.00")
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
LIVE = Q(cancelled_at__isnull=True)


def parse_month(text: str, field: str = "month") -> dt.date:
    """The first day of a month written YYYY-MM (1900 to 2999), or InvalidInput on `field`."""
    found = MONTH.fullmatch(text or "")
    if found is None or not (1900 <= int(found[1]) <= 2999 and 1 <= int(found[2]) <= 12):
        raise InvalidInput(_("Not a month."), fields={field: [_("A month as YYYY-MM.")]})
    return dt.date(int(found[1]), int(found[2]), 1)


def network_hours_used(organisation: Organisation, month: dt.date) -> Decimal:
    """Network hours `organisation`'s people hold in `month` (first day) at every venue but its home: bookings
    a subscription pays for and cancelled ones do not count."""
    used = CrossSiteBooking.objects.filter(organisation=organisation, month=month, covered=False).filter(LIVE)
    return used.aggregate(hours=Sum("hours"))["hours"] or ZERO


def hours_used_by(organisations: Iterable[Organisation], month: dt.date) -> dict[int, Decimal]:
    """{organisation id: network hours used in `month`} in one query."""
    rows = (
        CrossSiteBooking.objects.filter(organisation__in=list(organisations), month=month, covered=False)
        .filter(LIVE)
        .values("organisation")
        .annotate(hours=Sum("hours"))
    )
    return {row["organisation"]: row["hours"] for row in rows}


@dataclass(frozen=True)
class Flow:
    """What `host` earned in a month from the people of organisations at home at `home`."""

    host: Venue
    home: Venue
    bookings: int
    hours: Decimal
    price_excl_vat: Decimal
    price_incl_vat: Decimal
    cancelled: int
    cancellation_fees: Decimal

    @property
    def due(self) -> Decimal:
        """What `home` owes `host` (EUR, incl. VAT): the prices of the bookings kept, and the fees of late
        cancellations."""
        return self.price_incl_vat + self.cancellation_fees


@dataclass(frozen=True)
class Statement:
    """The month between two venues: each one's flow as host, and the balance (who pays whom)."""

    month: dt.date
    first: Flow  # hosted by the venue whose slug sorts first
    second: Flow

    @property
    def balance(self) -> Decimal:
        return abs(self.first.due - self.second.due)

    @property
    def debtor(self) -> Venue | None:
        """The venue that owes the balance: the home of the larger flow (None when even)."""
        if self.first.due == self.second.due:
            return None
        return self.first.home if self.first.due > self.second.due else self.second.home

    @property
    def creditor(self) -> Venue | None:
        debtor = self.debtor
        if debtor is None:
            return None
        return self.first.host if debtor == self.first.home else self.second.host


def _flow(host: Venue, home: Venue, figures: dict[str, Any] | None) -> Flow:
    f = figures or {}
    return Flow(
        host=host,
        home=home,
        bookings=f.get("bookings") or 0,
        hours=f.get("hours") or ZERO,
        price_excl_vat=f.get("excl") or ZERO,
        price_incl_vat=f.get("incl") or ZERO,
        cancelled=f.get("cancelled") or 0,
        cancellation_fees=f.get("fees") or ZERO,
    )


def statements(month: dt.date, *, involving: Iterable[Venue] | None = None) -> list[Statement]:
    """The statements of `month` for every pair of venues with cross-site bookings that month — of the pairs
    including one of `involving` (None: every pair) — in one query, ordered by the pair's slugs."""
    rows = CrossSiteBooking.objects.filter(month=month)
    if involving is not None:
        ids = [venue.pk for venue in involving]
        rows = rows.filter(Q(host__in=ids) | Q(home__in=ids))
    figures: dict[tuple[int, int], dict[str, Any]] = {
        (row["host"], row["home"]): dict(row)
        for row in rows.values("host", "home").annotate(
            bookings=Count("id", filter=LIVE),
            hours=Sum("hours", filter=LIVE),
            excl=Sum("price_excl_vat", filter=LIVE),
            incl=Sum("price_incl_vat", filter=LIVE),
            cancelled=Count("id", filter=~LIVE),
            fees=Sum("cancellation_fee", filter=~LIVE),
        )
    }
    venues = Venue.objects.in_bulk({pk for pair in figures for pk in pair})
    pairs = sorted({tuple(sorted(pair, key=lambda pk: venues[pk].schema_name)) for pair in figures})
    found = [
        Statement(
            month=month,
            first=_flow(venues[a], venues[b], figures.get((a, b))),
            second=_flow(venues[b], venues[a], figures.get((b, a))),
        )
        for a, b in pairs
    ]
    return sorted(found, key=lambda s: (s.first.host.schema_name, s.second.host.schema_name))


def statement(month: dt.date, venue: Venue, other: Venue) -> Statement:
    """The statement of `month` between two venues (zero flows when nothing was booked across)."""
    for found in statements(month, involving=[venue]):
        if {found.first.host.pk, found.second.host.pk} == {venue.pk, other.pk}:
            return found
    a, b = sorted([venue, other], key=lambda v: v.schema_name)
    return Statement(month=month, first=_flow(a, b, None), second=_flow(b, a, None))


def lines(month: dt.date, venue: Venue, other: Venue) -> QuerySet[CrossSiteBooking]:
    """The bookings behind a statement, both ways."""
    pair = [venue.pk, other.pk]
    return (
        CrossSiteBooking.objects.filter(month=month, host__in=pair, home__in=pair)
        .select_related("host", "home", "organisation")
        .order_by("host__schema_name", "starts_at", "id")
    )


CSV_COLUMNS = [
    "host_venue",
    "home_venue",
    "organisation",
    "booking",
    "resource",
    "start",
    "end",
    "hours",
    "rate_category",
    "price_excl_vat",
    "vat_rate",
    "price_incl_vat",
    "cancelled_at",
    "cancellation_fee",
    "due",
]


def statement_csv(month: dt.date, venue: Venue, other: Venue) -> str:
    """The statement as CSV (UTF-8, comma-separated): one row per booking, then one total row per direction
    and the balance. Times are UTC (ISO 8601)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in lines(month, venue, other):
        writer.writerow(
            [
                row.host.schema_name,
                row.home.schema_name,
                safe_cell(row.organisation.name),
                row.booking_id,
                safe_cell(row.resource),
                row.starts_at.isoformat(),
                row.ends_at.isoformat(),
                row.hours,
                row.rate_category,
                row.price_excl_vat,
                row.vat_rate,
                row.price_incl_vat,
                row.cancelled_at.isoformat() if row.cancelled_at else "",
                row.cancellation_fee,
                row.due,
            ]
        )
    found = statement(month, venue, other)
    for flow in (found.first, found.second):
        writer.writerow(
            [
                *(flow.host.schema_name, flow.home.schema_name, "total", flow.bookings, "", "", "", flow.hours, ""),
                *(flow.price_excl_vat, "", flow.price_incl_vat, "", flow.cancellation_fees, flow.due),
            ]
        )
    blank = [""] * (len(CSV_COLUMNS) - 4)
    if found.debtor is not None and found.creditor is not None:  # the home venue owes the host
        writer.writerow([found.creditor.schema_name, found.debtor.schema_name, "balance", *blank, found.balance])
    else:
        writer.writerow(["", "", "balance", *blank, ZERO])
    return out.getvalue()
