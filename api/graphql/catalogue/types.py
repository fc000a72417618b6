from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from shared_catalog.models import CatalogueEntry, Kind
from tenants.models import Venue

from ..core import Ref, connection_of

CatalogueKind = graphene.Enum.from_enum(Kind, name="CatalogueKind")


class VenueType(graphene.ObjectType):
    class Meta:
        name = "Venue"

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    city = graphene.String(required=True)
    timezone = graphene.String(required=True)
    address = graphene.String(required=True)

    @staticmethod
    def resolve_slug(venue: Venue, info: GraphQLResolveInfo) -> str:
        return venue.schema_name


class CatalogueEntryType(graphene.ObjectType):
    """Something a venue offers: a space, an event, a programme, an artwork, an exhibition, a member's service."""

    class Meta:
        name = "CatalogueEntry"

    id = graphene.ID(required=True)
    ref = graphene.ID(
        required=True,
        description="The offer itself, e.g. `battants/resource/3`: pass it to `availability`, `createBooking`, "
        "`registerForEvent` or `requestService`.",
    )
    kind = graphene.Field(CatalogueKind, required=True)
    venue = graphene.Field(VenueType, required=True)
    city = graphene.String(required=True)
    title = graphene.String(required=True)
    summary = graphene.String(required=True)
    category = graphene.String(required=True)
    sector = graphene.String(required=True)
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    price_from = graphene.Decimal(description="EUR, the lowest price asked.")
    starts_at = graphene.DateTime()
    ends_at = graphene.DateTime()
    availability = graphene.JSONString(required=True, description="A resource's free hours in the coming days.")
    image_url = graphene.String(required=True)
    visibility = graphene.String(required=True)
    details = graphene.JSONString(required=True)

    @staticmethod
    def resolve_ref(entry: CatalogueEntry, info: GraphQLResolveInfo) -> str:
        return Ref.of(entry.venue, entry.source_type, entry.source_id)

    @staticmethod
    def resolve_kind(entry: CatalogueEntry, info: GraphQLResolveInfo) -> Any:
        return Kind(entry.kind)

    @staticmethod
    def resolve_details(entry: CatalogueEntry, info: GraphQLResolveInfo) -> Any:
        return entry.data


CatalogueConnection = connection_of(CatalogueEntryType, "Catalogue")
