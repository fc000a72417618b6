from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from settlement.selectors import Statement

from ..catalogue.types import VenueType


class FlowType(graphene.ObjectType):
    """What `host` earned in the month from the people of organisations at home at `home` (EUR)."""

    class Meta:
        name = "SettlementFlow"

    host = graphene.Field(VenueType, required=True)
    home = graphene.Field(VenueType, required=True)
    bookings = graphene.Int(required=True, description="Bookings kept (not cancelled).")
    hours = graphene.Decimal(required=True)
    price_excl_vat = graphene.Decimal(required=True)
    price_incl_vat = graphene.Decimal(required=True)
    cancelled = graphene.Int(required=True)
    cancellation_fees = graphene.Decimal(required=True)
    due = graphene.Decimal(required=True, description="What `home` owes `host`: prices kept plus late fees.")


class StatementType(graphene.ObjectType):
    """The month between two venues: who hosted whom, and who owes whom the balance (incl. VAT). The CSV with
    every booking is at `/api/v1/settlements/<YYYY-MM>/<other venue>.csv` on a venue's host (its managers)."""

    class Meta:
        name = "SettlementStatement"

    month = graphene.Date(required=True, description="The first day of the month.")
    flows = graphene.List(graphene.NonNull(FlowType), required=True)
    balance = graphene.Decimal(required=True)
    debtor = graphene.Field(VenueType, description="Owes the balance (null when even).")
    creditor = graphene.Field(VenueType)

    @staticmethod
    def resolve_flows(statement: Statement, info: GraphQLResolveInfo) -> Any:
        return [statement.first, statement.second]
