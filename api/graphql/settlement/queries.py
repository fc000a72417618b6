from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLResolveInfo

from federation.permissions import Action, can, is_federation_admin
from hub.errors import NotFound
from settlement.selectors import Statement, parse_month, statements

from ..core import person_or_none, query_errors, refused, venues_by_slug
from .types import StatementType


class SettlementQueries(graphene.ObjectType):
    settlements = graphene.List(
        graphene.NonNull(StatementType),
        required=True,
        description="Statements of a month between venues (each pair with cross-site bookings): every pair for "
        "federation admins, the pairs of the venues you manage otherwise. `venue` keeps one venue's pairs.",
        month=graphene.String(required=True, description="YYYY-MM"),
        venue=graphene.String(),
    )

    @staticmethod
    @query_errors
    def resolve_settlements(root: Any, info: GraphQLResolveInfo, month: str, venue: str | None = None) -> Any:
        person = person_or_none(info)
        if person is None:
            raise refused(_("Sign in to see settlements."), "UNAUTHENTICATED")
        first_day = parse_month(month)
        everywhere = venues_by_slug()
        managed = [v for v in everywhere.values() if can(person, Action.VENUE_MANAGE, v)]
        if venue is not None:
            managed = [v for v in managed if v.schema_name == venue]
            if not managed:  # unknown, or not yours: the same answer
                raise NotFound(_("No such venue."), fields={"venue": [_("Not one you manage.")]})
        elif not managed:
            raise refused(_("Settlements are for the venues' managers."), "NOT_ALLOWED")
        found: list[Statement] = statements(
            first_day, involving=None if is_federation_admin(person) and venue is None else managed
        )
        return found
