from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Q
from django.utils import timezone
from graphql import GraphQLResolveInfo

from federation.models import Organisation, User
from federation.selectors import directory, network_allowances, profile
from settlement.selectors import ZERO, hours_used_by, parse_month
from settlement.services import month_of

from ..core import across_venues, decode, encode, page_of, page_size, person_or_none, query_errors
from ..coworking.queries import booking_position, bookings_page
from ..coworking.types import BookingConnection
from ..events.queries import registration_position, registrations_page
from ..events.types import RegistrationConnection
from ..fields import moment
from ..marketplace.types import SectorEnum
from .types import MembershipType, NetworkQuotaType, OrganisationConnection, VenueRoleType


class MeType(graphene.ObjectType):
    """You: your profile, organisations and venue roles, and your bookings and registrations at every venue."""

    class Meta:
        name = "Me"

    email = graphene.String(required=True)
    full_name = graphene.String(required=True)
    memberships = graphene.List(graphene.NonNull(MembershipType), required=True)
    venue_roles = graphene.List(graphene.NonNull(VenueRoleType), required=True)
    network_quota = graphene.List(
        graphene.NonNull(NetworkQuotaType),
        required=True,
        description="Network hours of each of your active organisations in `month` (YYYY-MM; this month when omitted).",
        month=graphene.String(),
    )
    bookings = graphene.Field(
        BookingConnection,
        required=True,
        description="Your bookings at every venue, by start time; `since` keeps those ending after it.",
        first=graphene.Int(),
        after=graphene.String(),
        since=graphene.DateTime(),
    )
    registrations = graphene.Field(
        RegistrationConnection,
        required=True,
        description="Your event registrations at every venue, by the event's start.",
        first=graphene.Int(),
        after=graphene.String(),
        since=graphene.DateTime(),
    )

    @staticmethod
    def resolve_memberships(person: User, info: GraphQLResolveInfo) -> Any:
        return person.memberships.all()  # prefetched by `profile`

    @staticmethod
    def resolve_venue_roles(person: User, info: GraphQLResolveInfo) -> Any:
        return person.venue_roles.all()

    @staticmethod
    @query_errors
    def resolve_network_quota(person: User, info: GraphQLResolveInfo, month: str | None = None) -> list[dict[str, Any]]:
        organisations = [
            m.organisation for m in person.memberships.all() if m.organisation.status == Organisation.Status.ACTIVE
        ]
        wanted = parse_month(month) if month is not None else None
        months = {o.pk: wanted or month_of(timezone.now(), o.home_venue) for o in organisations}
        used_by: dict[int, Any] = {}
        for month_start in set(months.values()):  # one query a month (one month but across time zones)
            used_by |= hours_used_by([o for o in organisations if months[o.pk] == month_start], month_start)
        allowances = network_allowances(organisations)
        rows = []
        for organisation in organisations:
            month_start = months[organisation.pk]
            used = used_by.get(organisation.pk, ZERO)
            allowed = allowances[organisation.pk]
            rows.append(
                {
                    "organisation": organisation.slug,
                    "month": month_start,
                    "hours_allowed": allowed,
                    "hours_used": used,
                    "hours_left": None if allowed is None else max(allowed - used, ZERO),
                }
            )
        return rows

    @staticmethod
    @query_errors
    def resolve_bookings(person: User, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        first = page_size(args.get("first"))
        since = moment(args.get("since"), "since")
        return across_venues(first, args.get("after"), bookings_page(person, since), booking_position)

    @staticmethod
    @query_errors
    def resolve_registrations(person: User, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        first = page_size(args.get("first"))
        since = moment(args.get("since"), "since")
        return across_venues(first, args.get("after"), registrations_page(person, since), registration_position)


class FederationQueries(graphene.ObjectType):
    me = graphene.Field(MeType, description="You (null when not signed in).")
    organisations = graphene.Field(
        OrganisationConnection,
        required=True,
        description="The member directory: organisations that agreed to be listed, by name.",
        sector=SectorEnum(),
        first=graphene.Int(),
        after=graphene.String(),
    )

    @staticmethod
    def resolve_me(root: Any, info: GraphQLResolveInfo) -> User | None:
        person = person_or_none(info)
        return profile(person) if person is not None else None

    @staticmethod
    @query_errors
    def resolve_organisations(root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        first = page_size(args.get("first"))
        rows = directory().order_by("name", "id")
        if args.get("sector"):
            rows = rows.filter(sector=args["sector"].value)
        after = decode(args.get("after"), (str, int))
        if after is not None:
            rows = rows.filter(Q(name__gt=after[0]) | Q(name=after[0], id__gt=after[1]))
        found = list(rows[: first + 1])
        return page_of([{"cursor": encode([o.name, o.pk]), "node": o} for o in found[:first]], len(found) > first)
