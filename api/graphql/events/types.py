from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import graphene

from tenants.events.models import Event, Registration
from tenants.models import Venue

from ..catalogue.types import VenueType
from ..core import Ref, connection_of


@dataclass(frozen=True)
class RegistrationView:
    venue: Venue
    pk: int
    event_ref: str
    event_title: str
    event_kind: str
    event_starts_at: dt.datetime
    event_ends_at: dt.datetime
    event_cancelled: bool
    status: str
    category: str
    price: Decimal
    created_at: dt.datetime
    cancelled_at: dt.datetime | None

    @property
    def id(self) -> str:
        return Ref.of(self.venue, "registration", self.pk)

    @classmethod
    def of(cls, venue: Venue, registration: Registration) -> RegistrationView:
        """Read inside the venue's schema, with `event` selected."""
        event = registration.event
        return cls(
            venue=venue,
            pk=registration.pk,
            event_ref=Ref.of(venue, "event", event.pk),
            event_title=event.title,
            event_kind=event.kind,
            event_starts_at=event.starts_at,
            event_ends_at=event.ends_at,
            event_cancelled=event.status == Event.Status.CANCELLED,
            status=registration.status,
            category=registration.category,
            price=registration.price,
            created_at=registration.created_at,
            cancelled_at=registration.cancelled_at,
        )


RegistrationStatus = graphene.Enum.from_enum(Registration.Status, name="RegistrationStatus")


class RegistrationType(graphene.ObjectType):
    """A seat at one of a venue's events (or a place on its waiting list). `price` is EUR incl. VAT."""

    class Meta:
        name = "Registration"

    id = graphene.ID(required=True)
    venue = graphene.Field(VenueType, required=True)
    event_ref = graphene.ID(required=True, name="event")
    event_title = graphene.String(required=True)
    event_kind = graphene.String(required=True)
    event_starts_at = graphene.DateTime(required=True)
    event_ends_at = graphene.DateTime(required=True)
    event_cancelled = graphene.Boolean(required=True)
    status = graphene.Field(RegistrationStatus, required=True)
    category = graphene.String(required=True)
    price = graphene.Decimal(required=True)
    created_at = graphene.DateTime(required=True)
    cancelled_at = graphene.DateTime()

    @staticmethod
    def resolve_status(view: RegistrationView, info: object) -> Registration.Status:
        return Registration.Status(view.status)


RegistrationConnection = connection_of(RegistrationType, "Registration")
