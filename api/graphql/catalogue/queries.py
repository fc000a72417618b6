from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLResolveInfo

from federation.permissions import is_federation_admin
from federation.selectors import active_organisations
from hub.errors import InvalidInput, NotFound
from shared_catalog.models import CatalogueEntry
from shared_catalog.search import BadCursor, Filters, cursor_of, search, visible
from tenants.models import Venue

from ..core import cache, page_of, page_size, person_or_none, query_errors, whole_number
from ..fields import moment
from .types import CatalogueConnection, CatalogueEntryType, CatalogueKind, VenueType


def in_network(info: GraphQLResolveInfo) -> bool:
    """People of an active member organisation (and federation admins) also see the network's entries."""
    person = person_or_none(info)

    def load() -> bool:
        return person is not None and (is_federation_admin(person) or active_organisations(person).exists())

    return cache(info, "in_network", load)


class CatalogueQueries(graphene.ObjectType):
    venues = graphene.List(graphene.NonNull(VenueType), required=True, description="The venues of the hub.")
    catalogue = graphene.Field(
        CatalogueConnection,
        required=True,
        description="Search the offer of every venue. `search` is French full text (accents and small typos "
        "forgiven, prefixes match); `from`/`to` keep entries that overlap the period.",
        search=graphene.String(),
        kind=CatalogueKind(),
        venue=graphene.String(description="A venue's slug."),
        city=graphene.String(),
        sector=graphene.String(),
        from_=graphene.DateTime(name="from"),
        to=graphene.DateTime(),
        max_price=graphene.Decimal(),
        first=graphene.Int(description="1 to 50 (20 when omitted)."),
        after=graphene.String(),
    )
    catalogue_entry = graphene.Field(CatalogueEntryType, id=graphene.ID(required=True))

    @staticmethod
    def resolve_venues(root: Any, info: GraphQLResolveInfo) -> list[Venue]:
        return list(Venue.objects.exclude(schema_name="public").order_by("name"))

    @staticmethod
    @query_errors
    def resolve_catalogue(root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        first = page_size(args.get("first"))
        text = args.get("search") or ""
        if len(text) > 200:
            raise InvalidInput(_("The search is too long."), fields={"search": [_("200 characters at most.")]})
        max_price: Decimal | None = args.get("max_price")
        if max_price is not None:
            if not (max_price.is_finite() and 0 <= max_price < 10**10):
                raise InvalidInput(_("Not a price."), fields={"maxPrice": [_("A price in EUR, 0 or more.")]})
            max_price = max_price.quantize(Decimal("0.01"), rounding=ROUND_DOWN)  # 1e-20000 overflows numeric
        filters = Filters(
            kind=args["kind"].value if args.get("kind") else None,
            venue=args.get("venue") or None,
            city=args.get("city") or None,
            sector=args.get("sector") or None,
            starts=moment(args.get("from_"), "from"),
            ends=moment(args.get("to"), "to"),
            max_price=max_price,
        )
        try:
            found = search(text, filters, network=in_network(info), first=first, after=args.get("after"))
        except BadCursor as exc:
            raise InvalidInput(
                _("This cursor is not valid."), fields={"after": [_("Not a cursor of this list.")]}
            ) from exc
        edges = [{"cursor": cursor_of(entry), "node": entry} for entry in found.entries]
        return page_of(edges, has_next=found.next_cursor is not None)

    @staticmethod
    @query_errors
    def resolve_catalogue_entry(root: Any, info: GraphQLResolveInfo, id: str) -> CatalogueEntry | None:
        pk = whole_number(str(id))
        if pk is None:
            raise NotFound(_("No such entry."), fields={"id": [_("Not found.")]})
        return visible(network=in_network(info)).filter(pk=pk).first()
