from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLResolveInfo

from federation.models import User
from hub.errors import NotFound
from tenants.events import registrations

from ..core import HubMutation, Ref, at
from .queries import mine
from .types import RegistrationType, RegistrationView


class RegisterForEvent(HubMutation):
    """Register for an event of any venue open to you: a seat if one is free, else a place on its waiting list
    (`status` tells which). Your category (member, network, public) sets the price."""

    class Arguments:
        event = graphene.ID(required=True, description="An event's `ref` from the catalogue.")

    registration = graphene.Field(RegistrationType)

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        venue, pk = Ref.parse(arguments["event"], "event", "event")
        with at(venue):
            made = registrations.register(event_id=pk, person=person, as_staff=False)
            return {"registration": RegistrationView.of(venue, mine(person).get(pk=made.pk))}


class CancelRegistration(HubMutation):
    """Give up your seat (or your place on the waiting list); the first person waiting gets the seat."""

    class Arguments:
        registration = graphene.ID(required=True, description="The registration's `id`.")

    registration = graphene.Field(RegistrationType)

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        venue, pk = Ref.parse(arguments["registration"], "registration", "registration")
        with at(venue):
            found = mine(person).filter(pk=pk).first()
            if found is None:
                raise NotFound(_("No such registration."), fields={"registration": [_("Not found.")]})
            registrations.cancel(registration=found, actor=person, as_staff=False)
            return {"registration": RegistrationView.of(venue, mine(person).get(pk=pk))}


class EventsMutations(graphene.ObjectType):
    register_for_event = RegisterForEvent.Field()
    cancel_registration = CancelRegistration.Field()
