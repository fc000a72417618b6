from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLResolveInfo

from federation.models import Organisation, User
from federation.permissions import owns
from hub.errors import InvalidInput, NotFound
from marketplace import services
from marketplace.models import ServiceOffer
from marketplace.selectors import offers_for, venues_named
from marketplace.services import EDITABLE

from ..core import HubMutation, whole_number
from .types import SectorEnum, ServiceOfferType, ServiceRequestType


def _offer_id(value: str, field: str = "offer") -> int:
    """An offer's id, or its catalogue `ref` (`<venue>/service/<id>`)."""
    parts = str(value).split("/")
    text = parts[-1] if len(parts) == 1 or (len(parts) == 3 and parts[1] == "service") else ""
    number = whole_number(text)
    if number is None:
        raise NotFound(_("No such offer."), fields={field: [_("Not found.")]})
    return number


def _changes(data: dict[str, Any]) -> tuple[dict[str, Any], list[str] | None]:
    """The offer's fields from the input (the service checks them, as it does for REST), and its venues."""
    changes = {name: data[name] for name in EDITABLE if name in data}
    if changes.get("sector") is not None:
        changes["sector"] = changes["sector"].value  # a graphene enum member
    return changes, data.get("venues")


class ServiceOfferInput(graphene.InputObjectType):
    title = graphene.String()
    description = graphene.String()
    sector = SectorEnum()
    price_indication = graphene.String(description="e.g. from €350 a day, on quotation")
    price_from = graphene.Decimal(description="EUR")
    venues = graphene.List(graphene.NonNull(graphene.String), description="Slugs of the venues where it is delivered.")
    is_published = graphene.Boolean()


class CreateServiceOffer(HubMutation):
    """Offer a service for an organisation you own; `title`, `sector` and `venues` are required."""

    class Arguments:
        organisation = graphene.String(required=True, description="The organisation's slug.")
        input = ServiceOfferInput(required=True)

    offer = graphene.Field(ServiceOfferType)

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        data = arguments["input"]
        organisation = Organisation.objects.filter(slug=arguments["organisation"]).first()
        if organisation is None or not owns(person, organisation):  # as a member: admins use the admin
            raise NotFound(_("No such organisation."), fields={"organisation": [_("Not one of yours.")]})
        changes, slugs = _changes(data)
        offer = services.save_offer(
            offer=ServiceOffer(organisation=organisation),
            changes=changes,
            venues=venues_named(slugs or []),
            actor=person,
        )
        return {"offer": offers_for(person).get(pk=offer.pk)}


class UpdateServiceOffer(HubMutation):
    """Change an offer of an organisation you own: only the fields given change."""

    class Arguments:
        id = graphene.ID(required=True)
        input = ServiceOfferInput(required=True)

    offer = graphene.Field(ServiceOfferType)

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        offer = offers_for(person).filter(pk=_offer_id(arguments["id"], "id")).first()
        if offer is None or not owns(person, offer.organisation):
            raise NotFound(_("No such offer."), fields={"id": [_("Not one of your organisations' offers.")]})
        changes, slugs = _changes(arguments["input"])
        venues = venues_named(slugs) if slugs is not None else None
        services.save_offer(offer=offer, changes=changes, venues=venues, actor=person)
        return {"offer": offers_for(person).get(pk=offer.pk)}


class RequestService(HubMutation):
    """Write to a member organisation about one of its published offers; its owners are e-mailed."""

    class Arguments:
        offer = graphene.ID(required=True, description="An offer's id, or its catalogue `ref`.")
        message = graphene.String(required=True)

    request = graphene.Field(ServiceRequestType)

    @classmethod
    def perform(cls, info: GraphQLResolveInfo, person: User, **arguments: Any) -> dict[str, Any]:
        offer = offers_for(person).filter(is_published=True, pk=_offer_id(arguments["offer"])).first()
        if offer is None:
            raise NotFound(_("No such offer."), fields={"offer": [_("Not found.")]})
        if len(arguments["message"]) > 5000:
            raise InvalidInput(_("The message is too long."), fields={"message": [_("5000 characters at most.")]})
        return {"request": services.request_service(offer=offer, requester=person, message=arguments["message"])}


class MarketplaceMutations(graphene.ObjectType):
    request_service = RequestService.Field()
    create_service_offer = CreateServiceOffer.Field()
    update_service_offer = UpdateServiceOffer.Field()
