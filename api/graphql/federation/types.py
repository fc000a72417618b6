from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from federation.models import Membership, VenueRole

from ..catalogue.types import VenueType
from ..core import connection_of


class DirectoryOrganisationType(graphene.ObjectType):
    """A member organisation as the public directory shows it: only organisations that agreed to be listed,
    and only what they publish (no identifiers, no people)."""

    class Meta:
        name = "Organisation"

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    kind = graphene.String(required=True)
    sector = graphene.String(required=True)
    description = graphene.String(required=True)
    website = graphene.String(required=True)
    city = graphene.String(required=True)
    home_venue = graphene.Field(VenueType, required=True)


OrganisationConnection = connection_of(DirectoryOrganisationType, "Organisation")


class MembershipType(graphene.ObjectType):
    class Meta:
        name = "Membership"

    organisation = graphene.String(required=True, description="The organisation's slug.")
    organisation_name = graphene.String(required=True)
    organisation_status = graphene.String(required=True)
    home_venue = graphene.Field(VenueType, required=True)
    role = graphene.String(required=True)

    @staticmethod
    def resolve_organisation(membership: Membership, info: GraphQLResolveInfo) -> str:
        return membership.organisation.slug

    @staticmethod
    def resolve_organisation_name(membership: Membership, info: GraphQLResolveInfo) -> str:
        return membership.organisation.name

    @staticmethod
    def resolve_organisation_status(membership: Membership, info: GraphQLResolveInfo) -> str:
        return membership.organisation.status

    @staticmethod
    def resolve_home_venue(membership: Membership, info: GraphQLResolveInfo) -> Any:
        return membership.organisation.home_venue


class VenueRoleType(graphene.ObjectType):
    class Meta:
        name = "VenueRole"

    venue = graphene.Field(VenueType, required=True)
    role = graphene.String(required=True)

    @staticmethod
    def resolve_venue(role: VenueRole, info: GraphQLResolveInfo) -> Any:
        return role.venue


class NetworkQuotaType(graphene.ObjectType):
    """An organisation's network hours this month (bookings away from its home venue, at every venue)."""

    class Meta:
        name = "NetworkQuota"

    organisation = graphene.String(required=True, description="The organisation's slug.")
    month = graphene.Date(required=True)
    hours_allowed = graphene.Int(description="Null: no monthly limit.")
    hours_used = graphene.Decimal(required=True)
    hours_left = graphene.Decimal(description="Null: no monthly limit.")
