from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLResolveInfo

from federation.models import User
from hub.errors import InvalidInput, NotFound
from tenants.coworking.models import Booking
from tenants.coworking.selectors import bookings_of
from tenants.coworking.services import book_resource, cancel_booking

from ..core import HubMutation, Ref, at
from ..fields import moment
from .types import BookingType, BookingView


class CreateBookingInput(graphene.InputObjectType):
    resource = graphene.ID(required=True, description="A resource's `ref` from the catalogue.")
    start = graphene.DateTime(required=True, description="ISO 8601; without an offset, the venue's local time.")
    end = graphene.DateTime(required=True)
    seats = graphene.Int(default_value=1)
    idempotency_key = graphene.String(description="Send the same key again to retry safely (100 characters).")


class CreateBooking(HubMutation):
    """Book a resource at any venue: your home venue at the resident rate, elsewhere as your organisation's
    network pass allows (its rate; its monthly network hours, counted across every venue). The same rules
    and guarantees as the venue's own API."""

    class Arguments:
        input = CreateBookingInput(required=True)

    booking = graphene.Field(BookingType)
    replayed = graphene.Boolean(description="True when the idempotency key repeated an earlier request.")

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        data = arguments["input"]
        venue, pk = Ref.parse(data["resource"], "resource", "resource")
        seats = data.get("seats", 1)
        if seats is None:  # the rules check the number; null is not one
            raise InvalidInput(_("The booking cannot be made."), fields={"seats": [_("This field may not be null.")]})
        start = moment(data["start"], "start", venue.tzinfo)
        end = moment(data["end"], "end", venue.tzinfo)
        assert start is not None and end is not None  # required arguments
        with at(venue):
            result = book_resource(
                venue=venue,
                resource_id=pk,
                member=person,
                start=start,
                end=end,
                seats=seats,
                idempotency_key=data.get("idempotency_key") or "",
            )
            booking = Booking.objects.select_related("resource").get(pk=result.booking.pk)
            return {"booking": BookingView.of(venue, booking), "replayed": result.replayed}


class CancelBooking(HubMutation):
    """Cancel one of your bookings (a late cancellation costs the resource's fee)."""

    class Arguments:
        booking = graphene.ID(required=True, description="The booking's `id`.")

    booking = graphene.Field(BookingType)

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        venue, pk = Ref.parse(arguments["booking"], "booking", "booking")
        with at(venue):
            mine = bookings_of(person).select_related("resource").filter(pk=pk).first()
            if mine is None:  # another person's booking does not exist for you
                raise NotFound(_("No such booking."), fields={"booking": [_("Not found.")]})
            cancel_booking(booking=mine)
            return {"booking": BookingView.of(venue, bookings_of(person).select_related("resource").get(pk=pk))}


class CoworkingMutations(graphene.ObjectType):
    create_booking = CreateBooking.Field()
    cancel_booking = CancelBooking.Field()
