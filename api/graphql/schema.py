"""The federation's GraphQL schema, assembled from its domains (`http://localhost:8000/graphql/`).

`schema.graphql` beside this file is its SDL, written by
`manage.py graphql_schema --out api/graphql/schema.graphql`; a test fails when it drifts from the code."""

from __future__ import annotations

import graphene

from .catalogue.queries import CatalogueQueries
from .coworking.mutations import CoworkingMutations
from .coworking.queries import CoworkingQueries
from .events.mutations import EventsMutations
from .federation.queries import FederationQueries
from .marketplace.mutations import MarketplaceMutations
from .settlement.queries import SettlementQueries


class Query(CatalogueQueries, CoworkingQueries, FederationQueries, SettlementQueries, graphene.ObjectType):
    pass


class Mutation(CoworkingMutations, EventsMutations, MarketplaceMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
