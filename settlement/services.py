"""Writes of the settlement ledger, called by the coworking services inside the booking's transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from federation.models import Organisation
from tenants.models import Venue

from .models import CrossSiteBooking

if TYPE_CHECKING:
    from tenants.coworking.models import Booking


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
    CrossSiteBooking.objects.filter(host=host, booking_id=booking.pk).update(
        cancelled_at=booking.cancelled_at, cancellation_fee=booking.cancellation_fee
    )
