"""Writes of the settlement ledger, called by the coworking services inside the booking's transaction."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django_tenants.utils import tenant_context

from federation.models import Organisation
from tenants.models import Venue

from .models import CrossSiteBooking

if TYPE_CHECKING:
    from tenants.coworking.models import Booking

logger = logging.getLogger(__name__)


def month_of(moment: dt.datetime, venue: Venue) -> dt.date:
    """The first day of the month `moment` falls in, on the venue's calendar."""
    return moment.astimezone(venue.tzinfo).date().replace(day=1)


def record_booking(*, host: Venue, organisation: Organisation, booking: Booking) -> CrossSiteBooking:
    """Record a network booking just made at `host` (a `tenants.coworking.models.Booking`)."""
    start, end = booking.during.lower, booking.during.upper
    return CrossSiteBooking.objects.create(
        host=host,
        home_id=organisation.home_venue_id,
        organisation=organisation,
        booking_id=booking.pk,
        resource=booking.resource.name,
        resource_kind=booking.resource.kind,
        starts_at=start,
        ends_at=end,
        month=month_of(start, host),
        hours=(Decimal((end - start).total_seconds()) / 3600).quantize(Decimal("0.01")),
        rate_category=booking.rate_category,
        price_excl_vat=booking.price_excl_vat,
        vat_rate=booking.vat_rate,
        price_incl_vat=booking.price_incl_vat,
        covered=booking.subscription_id is not None,
    )


def record_cancellation(*, host: Venue, booking: Booking) -> None:
    """A network booking at `host` was cancelled: from now on it earns only its cancellation fee."""
    updated = CrossSiteBooking.objects.filter(host=host, booking_id=booking.pk).update(
        cancelled_at=booking.cancelled_at, cancellation_fee=booking.cancellation_fee
    )
    if not updated:  # a booking older than the ledger: `manage.py rebuild_settlement` records it
        logger.warning("network booking %s at %s is not in the settlement ledger", booking.pk, host.schema_name)


@transaction.atomic
def rebuild(host: Venue) -> int:
    """Record the network bookings of `host` the ledger lacks (made before it existed) and bring their
    cancellations up to date. Idempotent; returns how many rows it wrote."""
    from tenants.coworking.models import Booking

    known = {row.booking_id: row for row in CrossSiteBooking.objects.filter(host=host)}
    written = 0
    with tenant_context(host):
        rows = Booking.objects.filter(network=True, organisation__isnull=False).select_related(
            "resource", "organisation"
        )
        for booking in rows.order_by("pk"):
            row = known.get(booking.pk)
            assert booking.organisation is not None
            if row is None:
                row = record_booking(host=host, organisation=booking.organisation, booking=booking)
                written += 1
            if (row.cancelled_at, row.cancellation_fee) != (booking.cancelled_at, booking.cancellation_fee):
                record_cancellation(host=host, booking=booking)
                written += booking.pk in known  # a new row was counted when written
    return written
