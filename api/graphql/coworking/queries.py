from __future__ import annotations

import datetime as dt
from typing import Any

import graphene
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from graphql import GraphQLResolveInfo

from federation.models import User
from federation.permissions import Action, can
from federation.selectors import active_organisations
from hub.errors import InvalidInput, NotFound
from tenants.coworking.availability import availability
from tenants.coworking.selectors import bookable_resources, bookings_of
from tenants.models import Venue

from ..core import Position, Ref, after_position, at, person_or_none, query_errors, refused
from .types import AvailabilityType, BookingView

MAX_DAYS = 31


class CoworkingQueries(graphene.ObjectType):
    availability = graphene.Field(
        AvailabilityType,
        description="Free slots of a resource (a catalogue entry's `ref`) from `from` to `to` (the venue's local "
        "days, 31 at most; `to` defaults to `from`).",
        resource=graphene.ID(required=True),
        from_=graphene.Date(required=True, name="from"),
        to=graphene.Date(),
    )

    @staticmethod
    @query_errors
    def resolve_availability(
        root: Any, info: GraphQLResolveInfo, resource: str, from_: dt.date, to: dt.date | None = None
    ) -> dict[str, Any]:
        person = person_or_none(info)
        if person is None:
            raise refused(_("Sign in to see free slots."), "UNAUTHENTICATED")
        venue, pk = Ref.parse(resource, "resource", "resource")
        to = to or from_
        days = (to - from_).days + 1
        today = timezone.now().date()
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput(_("At most 31 days."), fields={"to": [_("From 0 to 30 days after `from`.")]})
        if not today - dt.timedelta(days=366) <= from_ <= today + dt.timedelta(days=3 * 366):
            raise InvalidInput(_("Out of range."), fields={"from": [_("Within a year back and three years ahead.")]})
        if not can(person, Action.VENUE_BROWSE, venue):
            raise NotFound(_("No such resource."), fields={"resource": [_("Not found.")]})
        resident = active_organisations(person).filter(home_venue=venue).exists()
        with at(venue):
            resources = bookable_resources() if resident else bookable_resources().filter(network_bookable=True)
            found = resources.filter(pk=pk).first()
            if found is None:
                raise NotFound(_("No such resource."), fields={"resource": [_("Not found.")]})
            slots = availability([found], from_, days, venue.tzinfo, timezone.now())[found.pk]
        return {
            "resource": resource,
            "name": found.name,
            "venue": venue,
            "timezone": venue.timezone,
            "days": [{"date": day, "slots": free} for day, free in slots.items()],
        }


def bookings_page(person: User, since: dt.datetime | None) -> Any:
    """The loader of `me.bookings` at one venue (see `core.across_venues`)."""

    def load(venue: Venue, after: Position | None, n: int) -> list[BookingView]:
        rows = (
            bookings_of(person)
            .select_related("resource")
            .annotate(start=F("during__startswith"))
            .filter(after_position("start", venue, after))
            .order_by("start", "pk")
        )
        if since is not None:
            rows = rows.filter(during__endswith__gt=since)
        return [BookingView.of(venue, booking) for booking in rows[:n]]

    return load


def booking_position(view: BookingView) -> Position:
    return view.start, view.venue.schema_name, view.pk
