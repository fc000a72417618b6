"""Bookings and availability as the federation API shows them. Venue rows are copied into plain values
inside the venue's schema (see `core.at`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import graphene

from tenants.coworking.models import Booking
from tenants.models import Venue

from ..catalogue.types import VenueType
from ..core import Ref, connection_of


@dataclass(frozen=True)
class BookingView:
    venue: Venue
    pk: int
    resource_ref: str
    resource_name: str
    resource_kind: str
    start: dt.datetime
    end: dt.datetime
    seats: int
    status: str
    rate_category: str
    price_excl_vat: Decimal
    vat_rate: Decimal
    price_incl_vat: Decimal
    cancellation_fee: Decimal
    network: bool
    created_at: dt.datetime
    cancelled_at: dt.datetime | None

    @property
    def id(self) -> str:
        return Ref.of(self.venue, "booking", self.pk)

    @classmethod
    def of(cls, venue: Venue, booking: Booking) -> BookingView:
        """Read inside the venue's schema, with `resource` selected."""
        return cls(
            venue=venue,
            pk=booking.pk,
            resource_ref=Ref.of(venue, "resource", booking.resource_id),
            resource_name=booking.resource.name,
            resource_kind=booking.resource.kind,
            start=booking.during.lower,
            end=booking.during.upper,
            seats=booking.seats,
            status=booking.status,
            rate_category=booking.rate_category,
            price_excl_vat=booking.price_excl_vat,
            vat_rate=booking.vat_rate,
            price_incl_vat=booking.price_incl_vat,
            cancellation_fee=booking.cancellation_fee,
            network=booking.network,
            created_at=booking.created_at,
            cancelled_at=booking.cancelled_at,
        )


BookingStatus = graphene.Enum.from_enum(Booking.Status, name="BookingStatus")


class BookingType(graphene.ObjectType):
    """A booking of a resource at a venue. Prices are EUR; `rateCategory` is resident, network or public."""

    class Meta:
        name = "Booking"

    id = graphene.ID(required=True)
    venue = graphene.Field(VenueType, required=True)
    resource_ref = graphene.ID(required=True, name="resource")
    resource_name = graphene.String(required=True)
    resource_kind = graphene.String(required=True)
    start = graphene.DateTime(required=True)
    end = graphene.DateTime(required=True)
    seats = graphene.Int(required=True)
    status = graphene.Field(BookingStatus, required=True)
    rate_category = graphene.String(required=True)
    price_excl_vat = graphene.Decimal(required=True)
    vat_rate = graphene.Decimal(required=True)
    price_incl_vat = graphene.Decimal(required=True)
    cancellation_fee = graphene.Decimal(required=True)
    network = graphene.Boolean(required=True, description="Booked away from the organisation's home venue.")
    created_at = graphene.DateTime(required=True)
    cancelled_at = graphene.DateTime()

    @staticmethod
    def resolve_status(view: BookingView, info: object) -> Booking.Status:
        return Booking.Status(view.status)


BookingConnection = connection_of(BookingType, "Booking")


class FreeSlotType(graphene.ObjectType):
    class Meta:
        name = "FreeSlot"

    start = graphene.DateTime(required=True)
    end = graphene.DateTime(required=True)
    seats_left = graphene.Int(required=True)


class AvailabilityDayType(graphene.ObjectType):
    class Meta:
        name = "AvailabilityDay"

    date = graphene.Date(required=True, description="The venue's local day.")
    slots = graphene.List(graphene.NonNull(FreeSlotType), required=True)


class AvailabilityType(graphene.ObjectType):
    class Meta:
        name = "Availability"

    resource = graphene.ID(required=True)
    name = graphene.String(required=True)
    venue = graphene.Field(VenueType, required=True)
    timezone = graphene.String(required=True)
    days = graphene.List(graphene.NonNull(AvailabilityDayType), required=True)
