"""Artist payouts: the statement of what the venue owes an artist for a period, and its payment.

A statement takes the artist's completed sales of the period not yet in a statement, and deducts the sales
refunded during the period after an earlier statement paid them. Its totals are the exact sums of its lines
(`net_due` = what the sales owe the artist − what the refunded ones had paid them; see money.py for resales).
A statement covers days that are over, and only once their last sale can no longer be committing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.models import User
from hub.errors import Conflict, InvalidInput
from hub.spreadsheets import safe_cell
from tenants.selectors import active_venue

from .models import Artist, ArtistPayout, Sale

AMOUNTS = ("price", "vat_amount", "commission", "contribution", "author_due")
SETTLING = dt.timedelta(minutes=10)  # a sale decided just before midnight may still be committing after it


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = active_venue().tzinfo
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def _sales_due(artist: Artist, start: dt.date, end: dt.date) -> QuerySet[Sale]:
    lower, upper = _local_bounds(start, end)
    return Sale.objects.filter(
        artist=artist, status=Sale.Status.COMPLETED, payout=None, sold_at__gte=lower, sold_at__lt=upper
    )


def _refunds_due(artist: Artist, start: dt.date, end: dt.date) -> QuerySet[Sale]:
    lower, upper = _local_bounds(start, end)
    return Sale.objects.filter(
        artist=artist,
        status=Sale.Status.REFUNDED,
        payout__status=ArtistPayout.Status.PAID,
        refund_payout=None,
        cancelled_at__gte=lower,
        cancelled_at__lt=upper,
    )


def refresh_totals(payout: ArtistPayout) -> ArtistPayout:
    """Recompute a statement's totals from its lines (call with the payout locked)."""

    def sums(sales: QuerySet[Sale]) -> dict[str, Decimal]:
        found = sales.aggregate(**{name: Sum(name) for name in AMOUNTS})
        return {name: found[name] or Decimal("0.00") for name in AMOUNTS}

    sold, refunded = sums(payout.sales.all()), sums(payout.refunds.all())
    payout.sales_count, payout.refunds_count = payout.sales.count(), payout.refunds.count()
    payout.gross = sold["price"] - refunded["price"]
    payout.vat = sold["vat_amount"] - refunded["vat_amount"]
    payout.commission = sold["commission"] - refunded["commission"]
    payout.contribution = sold["contribution"] - refunded["contribution"]
    payout.net_due = sold["author_due"] - refunded["author_due"]
    payout.save(update_fields=["sales_count", "refunds_count", "gross", "vat", "commission", "contribution", "net_due"])
    return payout


@transaction.atomic
def draw_up_payout(
    *, artist: Artist, period_start: dt.date, period_end: dt.date, actor: User | None, now: dt.datetime | None = None
) -> ArtistPayout:
    """The artist's statement for [period_start, period_end] (the venue's local days, both included).
    InvalidInput when the period is wrong or has nothing to pay; Conflict when it overlaps another."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if period_end < period_start:
        errors["period_end"] = [_("The end comes before the start.")]
    elif period_end > dt.date(2999, 12, 31) or _local_bounds(period_start, period_end)[1] + SETTLING > now:
        errors["period_end"] = [_("A statement covers days that are over: end it yesterday at the latest.")]
    if errors:
        raise InvalidInput(_("The statement cannot be drawn up."), fields=errors)
    Artist.objects.select_for_update(no_key=True).filter(pk=artist.pk).first()  # one statement at a time
    sales = list(_sales_due(artist, period_start, period_end).select_for_update().values_list("pk", flat=True))
    refunds = list(_refunds_due(artist, period_start, period_end).select_for_update().values_list("pk", flat=True))
    if not sales and not refunds:
        raise InvalidInput(
            _("Nothing to pay this artist for this period."), fields={"period_start": [_("No sale in the period.")]}
        )
    try:
        with transaction.atomic():
            payout = ArtistPayout.objects.create(
                artist=artist,
                period_start=period_start,
                period_end=period_end,
                period=DateRange(period_start, period_end + dt.timedelta(days=1)),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Another statement of this artist covers part of this period."),
            fields={"period_start": [_("Overlaps another statement.")]},
        ) from exc
    Sale.objects.filter(pk__in=sales).update(payout=payout)
    Sale.objects.filter(pk__in=refunds).update(refund_payout=payout)
    return refresh_totals(payout)


@transaction.atomic
def mark_paid(
    *, payout: ArtistPayout, actor: User, reference: str = "", now: dt.datetime | None = None
) -> ArtistPayout:
    payout = ArtistPayout.objects.select_for_update().get(pk=payout.pk)
    if payout.status != ArtistPayout.Status.DUE:
        raise Conflict(_("This statement is paid already."), fields={"status": [payout.status]})
    payout.status, payout.paid_at, payout.paid_by = ArtistPayout.Status.PAID, now or timezone.now(), actor
    payout.payment_reference = reference[:100]
    payout.save(update_fields=["status", "paid_at", "paid_by", "payment_reference"])
    return payout


@dataclass(frozen=True)
class StatementLine:
    kind: str  # "sale", "resale" (the artist is owed the resale right) or "refund"
    sale: Sale
    sign: int

    def amount(self, name: str) -> Decimal:
        return self.sign * getattr(self.sale, name)

    def day(self) -> dt.date:
        """The venue's local day of the sale (or of the refund)."""
        moment = self.sale.sold_at if self.sign > 0 else self.sale.cancelled_at
        assert moment is not None
        return moment.astimezone(active_venue().tzinfo).date()


def statement_lines(payout: ArtistPayout) -> list[StatementLine]:
    related = ("artwork",)
    return [
        StatementLine("resale" if s.resale else "sale", s, 1)
        for s in payout.sales.select_related(*related).order_by("sold_at", "id")
    ] + [StatementLine("refund", s, -1) for s in payout.refunds.select_related(*related).order_by("cancelled_at", "id")]


CSV_COLUMNS = ["kind", "date", "sale", "artwork", "price", "vat", "commission", "contribution", "due_to_artist"]
LINE_AMOUNTS = ("price", "vat_amount", "commission", "contribution", "author_due")


def statement_csv(payout: ArtistPayout) -> str:
    """The statement as CSV (UTF-8, comma-separated, a header row, one row per line, then the totals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in statement_lines(payout):
        writer.writerow(
            [
                line.kind,
                line.day().isoformat(),
                line.sale.pk,
                safe_cell(str(line.sale.artwork)),
                *(line.amount(name) for name in LINE_AMOUNTS),
            ]
        )
    writer.writerow(
        ["total", "", "", "", payout.gross, payout.vat, payout.commission, payout.contribution, payout.net_due]
    )
    return out.getvalue()
