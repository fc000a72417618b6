from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from federation.models import Sector
from marketplace.models import ServiceOffer, ServiceRequest

from ..catalogue.types import VenueType

SectorEnum = graphene.Enum.from_enum(Sector, name="Sector")


class OfferOrganisationType(graphene.ObjectType):
    class Meta:
        name = "OfferOrganisation"

    slug = graphene.String(required=True)
    name = graphene.String(required=True)


class ServiceOfferType(graphene.ObjectType):
    """A member organisation's service (its competences), delivered at the venues listed."""

    class Meta:
        name = "ServiceOffer"

    id = graphene.ID(required=True)
    organisation = graphene.Field(OfferOrganisationType, required=True)
    title = graphene.String(required=True)
    description = graphene.String(required=True)
    sector = graphene.String(required=True)
    price_indication = graphene.String(required=True)
    price_from = graphene.Decimal()
    venues = graphene.List(graphene.NonNull(VenueType), required=True)
    is_published = graphene.Boolean(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_venues(offer: ServiceOffer, info: GraphQLResolveInfo) -> Any:
        return offer.venues.all()  # prefetched


class ServiceRequestType(graphene.ObjectType):
    class Meta:
        name = "ServiceRequest"

    id = graphene.ID(required=True)
    offer = graphene.Field(ServiceOfferType, required=True)
    message = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_offer(request: ServiceRequest, info: GraphQLResolveInfo) -> ServiceOffer:
        return request.offer
