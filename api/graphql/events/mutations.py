from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLResolveInfo

from federation.models import User
from hub.errors import Conflict, NotFound
from tenants.events import registrations
from tenants.events.models import Registration
from tenants.selectors import active_venue

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


class RegisterForProgramme(HubMutation):
    """Register for every coming session of a programme (a training course) at any venue, with a seat in each,
    or for none: when one session cannot take you, `errors` says which and why and nothing is written."""

    class Arguments:
        programme = graphene.ID(required=True, description="A programme's `ref` from the catalogue.")

    registrations = graphene.List(graphene.NonNull(RegistrationType))

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        venue, pk = Ref.parse(arguments["programme"], "programme", "programme")
        with at(venue):
            try:
                registrations.register_programme(programme_id=pk, person=person, as_staff=False)
            except registrations.ProgrammeRefused as refused:
                raise Conflict(refused.message, fields={"sessions": _session_reasons(refused)}) from refused
            rows = mine(person).filter(event__programme_id=pk, status__in=Registration.ACTIVE)
            return {"registrations": [RegistrationView.of(venue, r) for r in rows.order_by("event__starts_at", "pk")]}


def _session_reasons(refused: registrations.ProgrammeRefused) -> list[str]:
    """One line per refused session: its reference, then why."""
    venue = active_venue()
    lines = []
    for report in refused.sessions:
        if report.refused:
            why = " ".join(message for messages in report.refused.values() for message in messages)
            lines.append("%s: %s" % (Ref.of(venue, "event", report.event.pk), why))
    return lines


class EventsMutations(graphene.ObjectType):
    register_for_event = RegisterForEvent.Field()
    register_for_programme = RegisterForProgramme.Field()
    cancel_registration = CancelRegistration.Field()
