"""The isolation matrix: every route of both URL confs × every method it answers × every role × host.

Generated from the URL confs: a route, or a method a view has a handler for, without a row fails
`test_every_route_and_method_has_a_row`. Each venue row is called three ways, as every role of the cast, whose
statuses a row lists in this order: anonymous, member, staff of A, manager of A, staff of B, partner,
federation admin.

- `a`: on venue A's host, naming A's objects;
- `b`: on venue B's host, naming A's objects (which do not exist there);
- `x`: on venue A's host, naming B's objects.

Each call must answer the status of the row (so never a 5xx), never a 2xx for the other venue's object,
and never show the other venue's mark (`tests/isolation_world.py` marks every name with its venue) nor,
on A's host, an id of B (B's ids start at 1 000 000). Where a row has `sees`, each role's answer on A's
host shows A's mark or not as it says: who sees what inside a venue, and proof that the check reads real
data. Every call runs in a savepoint rolled back afterwards, so the calls of a row do not see each other's
writes.

Writes send the bodies of BODIES: valid with the venue's own objects, so that the one named from the other
venue is what makes them fail. Federation rows (`f`) are called on the federation host.

GraphQL: who may call each root field is tests/test_graphql_permissions.py (generated from both schemas);
here every root field that names a venue's object is called with the other venue's id."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from hub.db import connection
from tenants.coworking.rules import is_public_holiday

from .federation_fixtures import ROLES, Cast
from .isolation_world import B_IDS_FROM, MARK, Place, World, make_world

A, B, F = "gresilles.localhost", "battants.localhost", "localhost"
VENUE, FEDERATION = "hub.urls_venue", "hub.urls_federation"
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Row:
    """Statuses in the order of ROLES, as one string: "401 200 200 200 200 403 200"."""

    a: str = ""
    b: str = ""
    x: str = ""
    f: str = ""
    sees: str = ""  # per role, on `a`: "+" a 200 shows venue A's mark, "-" it does not
    personal: bool = False  # a person's own data, from every venue: no venue mark is checked
    only: tuple[str, ...] = ()  # the roles called, when the answer cannot depend on the role


def _routes(patterns: list[Any], prefix: str = "") -> dict[str, Any]:
    """route -> view, for every route but the admin sites' (tests/test_admin.py)."""
    routes: dict[str, Any] = {}
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                routes |= _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes[route] = pattern.callback
    return routes


ROUTES = {urlconf: _routes(get_resolver(urlconf).url_patterns) for urlconf in (VENUE, FEDERATION)}

ROWS: dict[tuple[str, str, str], Row] = {
    (VENUE, "", "get"): Row(
        a="200 200 200 200 200 200 200", b="200 200 200 200 200 200 200", x="200 200 200 200 200 200 200"
    ),
    (VENUE, "health/", "get"): Row(
        only=("anonymous",),
        a="503 503 503 503 503 503 503",
        b="503 503 503 503 503 503 503",
        x="503 503 503 503 503 503 503",
    ),
    (VENUE, "calendar/me/{calendar_token}.ics", "get"): Row(
        personal=True,
        a="404 200 200 200 200 404 200",
        b="404 200 200 200 200 404 200",
        x="404 200 200 200 200 404 200",
        sees="- + - - - - -",
    ),
    (VENUE, "calendar/resources/{resource}/{calendar_token}.ics", "get"): Row(
        a="404 200 200 200 200 404 200",
        b="404 404 404 404 404 404 404",
        x="404 404 404 404 404 404 404",
        sees="- + + + + - +",
    ),
    (VENUE, "calendar/events.ics", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="200 200 200 200 200 200 200",
        x="200 200 200 200 200 200 200",
        sees="+ + + + + + +",
    ),
    (VENUE, "calendar/me/events/{calendar_token}.ics", "get"): Row(
        personal=True,
        a="404 200 200 200 200 404 200",
        b="404 200 200 200 200 404 200",
        x="404 200 200 200 200 404 200",
        sees="- + - - - - -",
    ),
    (VENUE, "api/v1/me/", "get"): Row(
        personal=True, a="401 200 200 200 200 403 200", b="401 200 200 200 200 403 200", x="401 200 200 200 200 403 200"
    ),
    (VENUE, "api/v1/me/", "patch"): Row(
        personal=True, a="401 200 200 200 200 403 200", b="401 200 200 200 200 403 200", x="401 200 200 200 200 403 200"
    ),
    (VENUE, "api/v1/me/export/", "get"): Row(
        personal=True, a="401 200 200 200 200 403 200", b="401 200 200 200 200 403 200", x="401 200 200 200 200 403 200"
    ),
    (VENUE, "api/v1/me/tokens/", "get"): Row(
        personal=True, a="401 200 200 200 200 403 200", b="401 200 200 200 200 403 200", x="401 200 200 200 200 403 200"
    ),
    (VENUE, "api/v1/me/tokens/", "post"): Row(
        personal=True, a="401 201 201 201 201 403 201", b="401 201 201 201 201 403 201", x="401 201 201 201 201 403 201"
    ),
    (VENUE, "api/v1/me/tokens/{member_token}/", "delete"): Row(
        personal=True, a="401 204 404 404 404 403 404", b="401 204 404 404 404 403 404", x="401 204 404 404 404 403 404"
    ),
    (VENUE, "api/v1/schema/", "get"): Row(
        only=("anonymous", "staff_b"),
        a="200 200 200 200 200 200 200",
        b="200 200 200 200 200 200 200",
        x="200 200 200 200 200 200 200",
    ),
    (VENUE, "api/v1/docs/", "get"): Row(
        only=("anonymous", "staff_b"),
        a="200 200 200 200 200 200 200",
        b="200 200 200 200 200 200 200",
        x="200 200 200 200 200 200 200",
    ),
    (VENUE, "api/v1/venue/", "get"): Row(
        a="401 200 200 200 200 403 200", b="401 200 200 200 200 403 200", x="401 200 200 200 200 403 200"
    ),
    (VENUE, "api/v1/resources/", "get"): Row(
        a="401 200 200 200 200 403 200",
        b="401 200 200 200 200 403 200",
        x="401 200 200 200 200 403 200",
        sees="- + + + + - +",
    ),
    (VENUE, "api/v1/resources/{resource}/", "get"): Row(
        a="401 200 200 200 200 403 200",
        b="401 404 404 404 404 403 404",
        x="401 404 404 404 404 403 404",
        sees="- + + + + - +",
    ),
    (VENUE, "api/v1/bookings/", "get"): Row(
        a="401 200 200 200 200 403 200", b="401 200 200 200 200 403 200", x="401 200 200 200 200 403 200"
    ),
    (VENUE, "api/v1/bookings/", "post"): Row(
        a="401 201 403 403 403 403 403", b="401 403 403 403 403 403 403", x="401 404 403 403 403 403 403"
    ),
    (VENUE, "api/v1/bookings/series/", "post"): Row(
        a="401 201 403 403 403 403 403", b="401 403 403 403 403 403 403", x="401 409 403 403 403 403 403"
    ),
    (VENUE, "api/v1/bookings/{booking}/cancel/", "post"): Row(
        a="401 200 200 200 404 403 200", b="401 404 404 404 404 403 404", x="401 404 404 404 404 403 404"
    ),
    (VENUE, "api/v1/bookings/{booking}/check-in/", "post"): Row(
        a="401 409 409 409 404 403 409", b="401 404 404 404 404 403 404", x="401 404 404 404 404 403 404"
    ),
    (VENUE, "api/v1/resources/{resource}/availability/", "get"): Row(
        a="401 422 422 422 422 403 422", b="401 404 404 404 404 403 404", x="401 404 404 404 404 403 404"
    ),
    (VENUE, "api/v1/availability/", "get"): Row(
        a="401 422 422 422 422 403 422", b="401 422 422 422 422 403 422", x="401 422 422 422 422 403 422"
    ),
    (VENUE, "api/v1/plans/", "get"): Row(
        a="401 200 200 200 200 403 200",
        b="401 200 200 200 200 403 200",
        x="401 200 200 200 200 403 200",
        sees="- + + + + - +",
    ),
    (VENUE, "api/v1/subscriptions/", "get"): Row(
        a="401 200 200 200 200 403 200",
        b="401 200 200 200 200 403 200",
        x="401 200 200 200 200 403 200",
        sees="- + + + - - +",
    ),
    (VENUE, "api/v1/subscriptions/", "post"): Row(
        a="401 403 201 201 403 403 201",
        b="401 403 403 403 422 403 422",
        x="401 403 422 422 403 403 422",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/members/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 200 403 200",
        x="401 403 200 200 403 403 200",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/settlements/{month}/", "get"): Row(
        a="401 403 403 200 403 403 200", b="401 403 403 403 403 403 200", x="401 403 403 200 403 403 200"
    ),
    (VENUE, "api/v1/settlements/{month}/{other}.csv", "get"): Row(
        a="401 403 403 200 403 403 200", b="401 403 403 403 403 403 404", x="401 403 403 200 403 403 200"
    ),
    (VENUE, "api/v1/staff/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 200 403 200",
        x="401 403 200 200 403 403 200",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/staff/", "post"): Row(
        a="401 403 403 201 403 403 201", b="401 403 403 403 403 403 201", x="401 403 403 201 403 403 201"
    ),
    (VENUE, "api/v1/staff/{staff_role}/", "delete"): Row(
        a="401 403 403 204 403 403 204", b="401 403 403 403 403 403 404", x="401 403 403 404 403 403 404"
    ),
    (VENUE, "api/v1/artists/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 200 403 200",
        x="401 403 200 200 403 403 200",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/artists/", "post"): Row(
        a="401 403 201 201 403 403 201", b="401 403 403 403 201 403 201", x="401 403 201 201 403 403 201"
    ),
    (VENUE, "api/v1/artists/{artist}/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/artists/{artist}/", "patch"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/artworks/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="200 200 200 200 200 200 200",
        x="200 200 200 200 200 200 200",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/artworks/", "post"): Row(
        a="401 403 201 201 403 403 201",
        b="401 403 403 403 422 403 422",
        x="401 403 422 422 403 403 422",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/artworks/{artwork}/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="404 404 404 404 404 404 404",
        x="404 404 404 404 404 404 404",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/artworks/{artwork}/", "patch"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/artworks/{artwork}/status/", "post"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/artworks/{artwork}/history/", "get"): Row(
        a="401 403 200 200 403 403 200", b="401 403 403 403 404 403 404", x="401 403 404 404 403 403 404"
    ),
    (VENUE, "api/v1/consignments/", "get"): Row(
        a="401 403 200 200 403 403 200", b="401 403 403 403 200 403 200", x="401 403 200 200 403 403 200"
    ),
    (VENUE, "api/v1/consignments/", "post"): Row(
        a="401 403 409 409 403 403 409", b="401 403 403 403 422 403 422", x="401 403 422 422 403 403 422"
    ),
    (VENUE, "api/v1/consignments/{consignment}/", "get"): Row(
        a="401 403 200 200 403 403 200", b="401 403 403 403 404 403 404", x="401 403 404 404 403 403 404"
    ),
    (VENUE, "api/v1/consignments/{consignment}/end/", "post"): Row(
        a="401 403 200 200 403 403 200", b="401 403 403 403 404 403 404", x="401 403 404 404 403 403 404"
    ),
    (VENUE, "api/v1/exhibitions/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="200 200 200 200 200 200 200",
        x="200 200 200 200 200 200 200",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/exhibitions/", "post"): Row(
        a="401 403 201 201 403 403 201",
        b="401 403 403 403 422 403 422",
        x="401 403 422 422 403 403 422",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/exhibitions/{exhibition}/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="404 404 404 404 404 404 404",
        x="404 404 404 404 404 404 404",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/exhibitions/{exhibition}/", "patch"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/holds/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 200 403 200",
        x="401 403 200 200 403 403 200",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/holds/", "post"): Row(
        a="401 403 201 201 403 403 201", b="401 403 403 403 422 403 422", x="401 403 422 422 403 403 422"
    ),
    (VENUE, "api/v1/holds/{hold}/release/", "post"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/sales/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 200 403 200",
        x="401 403 200 200 403 403 200",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/sales/", "post"): Row(
        a="401 403 201 201 403 403 201", b="401 403 403 403 422 403 422", x="401 403 422 422 403 403 422"
    ),
    (VENUE, "api/v1/sales/{sale}/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/sales/{sale}/cancel/", "post"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/payouts/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 200 403 200",
        x="401 403 200 200 403 403 200",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/payouts/", "post"): Row(
        a="401 403 201 201 403 403 201",
        b="401 403 403 403 422 403 422",
        x="401 403 422 422 403 403 422",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/payouts/{payout}/", "get"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/payouts/{payout}/paid/", "post"): Row(
        a="401 403 403 200 403 403 200",
        b="401 403 403 403 403 403 404",
        x="401 403 403 404 403 403 404",
        sees="- - - + - - +",
    ),
    (VENUE, "api/v1/payouts/{payout}/statement.csv", "get"): Row(
        a="401 403 200 200 403 403 200", b="401 403 403 403 404 403 404", x="401 403 404 404 403 403 404"
    ),
    (VENUE, "api/v1/events/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="200 200 200 200 200 200 200",
        x="200 200 200 200 200 200 200",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/events/", "post"): Row(
        a="401 403 201 201 403 403 201", b="401 403 403 403 422 403 422", x="401 403 422 422 403 403 422"
    ),
    (VENUE, "api/v1/events/{event}/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="404 404 404 404 404 404 404",
        x="404 404 404 404 404 404 404",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/events/{event}/", "patch"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/events/{event}/cancel/", "post"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/events/{event}/registrations/", "get"): Row(
        a="401 200 200 200 200 403 200",
        b="401 404 404 404 404 403 404",
        x="401 404 404 404 404 403 404",
        sees="- + + + - - +",
    ),
    (VENUE, "api/v1/events/{event}/registrations/", "post"): Row(
        a="401 409 201 201 201 403 201",
        b="401 404 404 404 404 403 404",
        x="401 404 404 404 404 403 404",
        sees="- - + + + - +",
    ),
    (VENUE, "api/v1/events/{event}/registrations/{registration}/cancel/", "post"): Row(
        a="401 200 200 200 404 403 200",
        b="401 404 404 404 404 403 404",
        x="401 404 404 404 404 403 404",
        sees="- + + + - - +",
    ),
    (VENUE, "api/v1/events/{event}/registrations/{registration}/check-in/", "post"): Row(
        a="401 403 409 409 403 403 409", b="401 403 403 403 404 403 404", x="401 403 404 404 403 403 404"
    ),
    (VENUE, "api/v1/registrations/", "get"): Row(
        a="401 200 200 200 200 403 200",
        b="401 200 200 200 200 403 200",
        x="401 200 200 200 200 403 200",
        sees="- + - - - - -",
    ),
    (VENUE, "api/v1/programmes/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="200 200 200 200 200 200 200",
        x="200 200 200 200 200 200 200",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/programmes/", "post"): Row(
        a="401 403 201 201 403 403 201", b="401 403 403 403 201 403 201", x="401 403 201 201 403 403 201"
    ),
    (VENUE, "api/v1/programmes/{programme}/", "get"): Row(
        a="200 200 200 200 200 200 200",
        b="404 404 404 404 404 404 404",
        x="404 404 404 404 404 404 404",
        sees="+ + + + + + +",
    ),
    (VENUE, "api/v1/programmes/{programme}/", "patch"): Row(
        a="401 403 200 200 403 403 200",
        b="401 403 403 403 404 403 404",
        x="401 403 404 404 403 403 404",
        sees="- - + + - - +",
    ),
    (VENUE, "api/v1/programmes/{programme}/register/", "post"): Row(
        a="401 409 201 201 201 403 201",
        b="401 404 404 404 404 403 404",
        x="401 404 404 404 404 403 404",
        sees="- - + + + - +",
    ),
    (FEDERATION, "", "get"): Row(f="200 200 200 200 200 200 200"),
    (FEDERATION, "health/", "get"): Row(only=("anonymous",), f="503 503 503 503 503 503 503"),
    (FEDERATION, "api/v1/me/", "get"): Row(personal=True, f="401 200 200 200 200 403 200"),
    (FEDERATION, "api/v1/me/", "patch"): Row(personal=True, f="401 200 200 200 200 403 200"),
    (FEDERATION, "api/v1/me/export/", "get"): Row(personal=True, f="401 200 200 200 200 403 200"),
    (FEDERATION, "api/v1/me/tokens/", "get"): Row(personal=True, f="401 200 200 200 200 403 200"),
    (FEDERATION, "api/v1/me/tokens/", "post"): Row(personal=True, f="401 201 201 201 201 403 201"),
    (FEDERATION, "api/v1/me/tokens/{member_token}/", "delete"): Row(personal=True, f="401 204 404 404 404 403 404"),
    (FEDERATION, "api/v1/schema/", "get"): Row(only=("anonymous", "staff_b"), f="200 200 200 200 200 200 200"),
    (FEDERATION, "api/v1/docs/", "get"): Row(only=("anonymous", "staff_b"), f="200 200 200 200 200 200 200"),
    (FEDERATION, "api/v1/catalogue/", "get"): Row(f="200 200 200 200 200 200 200"),
    (FEDERATION, "api/v1/offers/", "get"): Row(f="200 200 200 200 200 200 200"),
    (FEDERATION, "api/v1/offers/", "post"): Row(f="401 201 422 422 422 403 201"),
    (FEDERATION, "api/v1/offers/{offer}/", "get"): Row(f="200 200 200 200 200 200 200"),
    (FEDERATION, "api/v1/offers/{offer}/", "patch"): Row(f="401 200 403 403 403 403 200"),
    (FEDERATION, "api/v1/offers/{offer}/requests/", "get"): Row(f="401 200 200 200 200 403 200"),
    (FEDERATION, "api/v1/offers/{offer}/requests/", "post"): Row(f="401 422 422 422 422 403 422"),
    (FEDERATION, "api/v1/organisations/", "get"): Row(f="200 200 200 200 200 200 200"),
    (FEDERATION, "api/v1/organisations/", "post"): Row(f="401 201 201 201 201 403 201"),
    (FEDERATION, "api/v1/organisations/{org}/", "get"): Row(f="200 200 200 200 200 200 200"),
    (FEDERATION, "api/v1/organisations/{org}/", "patch"): Row(f="401 200 403 403 403 403 200"),
    (FEDERATION, "api/v1/organisations/{org}/status/", "post"): Row(f="401 403 403 403 403 403 200"),
    (FEDERATION, "api/v1/organisations/{org}/survey/{year}/", "get"): Row(f="401 200 404 404 404 403 200"),
    (FEDERATION, "api/v1/organisations/{org}/survey/{year}/", "patch"): Row(f="401 422 404 404 404 403 422"),
    (FEDERATION, "graphql/", "get"): Row(f="400 400 400 400 400 403 400"),
    (FEDERATION, "graphql/", "post"): Row(f="400 400 400 400 400 403 400"),
    (FEDERATION, "graphql/partners/", "get"): Row(f="401 403 403 403 403 400 403"),
    (FEDERATION, "graphql/partners/", "post"): Row(f="401 403 403 403 403 400 403"),
    (FEDERATION, "partners/", "get"): Row(f="302 302 302 302 302 200 302"),
    (FEDERATION, "partners/sign-in/", "get"): Row(f="200 200 200 200 200 200 200"),
    (FEDERATION, "partners/sign-in/", "post"): Row(f="400 400 400 400 400 400 400"),
    (FEDERATION, "partners/sign-out/", "post"): Row(f="302 302 302 302 302 302 302"),
    (FEDERATION, "partners/stats.csv", "get"): Row(f="401 401 401 401 401 400 401"),
    (FEDERATION, "partners/stats.schema.json", "get"): Row(f="401 401 401 401 401 400 401"),
}


def _path(route: str, values: dict[str, Any]) -> str:
    path = route
    for name, value in values.items():
        path = path.replace("{%s}" % name, str(value))
    return "/" + path


class _Undo(Exception):
    pass


def _call(cast: Cast, role: str, host: str, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, str]:
    client: APIClient = cast.client(role, host)
    answer: list[Any] = []
    try:
        with transaction.atomic():
            kwargs: dict[str, Any] = {"format": "json"} if body is not None else {}
            response = (
                getattr(client, method)(path, body, **kwargs) if body is not None else getattr(client, method)(path)
            )
            answer.append(response)
            raise _Undo
    except _Undo:
        pass
    connection.set_schema_to_public()
    response = answer[0]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content.decode("utf-8", "replace")


def _statuses(text: str) -> dict[str, int]:
    statuses = [int(s) for s in text.split()]
    assert len(statuses) == len(ROLES), text
    return dict(zip(ROLES, statuses, strict=True))


@pytest.fixture
def world(cast: Cast) -> World:
    return make_world(cast)


def _day(days: int) -> dt.date:
    day = timezone.now().astimezone(ZoneInfo("Europe/Paris")).date() + dt.timedelta(days=days)
    while is_public_holiday(day):
        day += dt.timedelta(days=1)
    return day


def _at(days: int, hour: int) -> str:
    return dt.datetime.combine(_day(days), dt.time(hour), tzinfo=ZoneInfo("Europe/Paris")).isoformat()


TODAY = "{today}"
BUYER = {"buyer_name": "Léon Marchal", "buyer_email": "leon@example.org"}
# The bodies of writes that name objects: each venue's own on its host (`a`), the other venue's (`x`).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("api/v1/bookings/", "post"): {"resource": "{resource}", "start": _at(10, 10), "end": _at(10, 11)},
    ("api/v1/bookings/series/", "post"): {
        "resource": "{resource}",
        "start": _at(10, 14),
        "end": _at(10, 15),
        "frequency": "weekly",
        "count": 2,
    },
    ("api/v1/subscriptions/", "post"): {"organisation": "{home_org}", "plan": "{plan}", "starts_on": TODAY},
    ("api/v1/staff/", "post"): {"email": "member@label.example", "role": "staff"},
    ("api/v1/artists/", "post"): {"name": "Camille Martin"},
    ("api/v1/artworks/", "post"): {"artist": "{artist}", "title": "Nouvelle œuvre", "price": "120.00"},
    ("api/v1/artworks/{artwork}/status/", "post"): {"status": "not_for_sale"},
    ("api/v1/consignments/", "post"): {
        "artist": "{artist}",
        "artworks": ["{spare}"],
        "commission_rate": "30",
        "starts_on": TODAY,
    },
    ("api/v1/consignments/{consignment}/end/", "post"): {"ends_on": TODAY},
    ("api/v1/exhibitions/", "post"): {
        "title": "Accrochage",
        "starts_on": TODAY,
        "ends_on": TODAY,
        "artworks": ["{artwork}"],
    },
    ("api/v1/holds/", "post"): {"artwork": "{spare}", "expires_at": _at(2, 18), **BUYER},
    ("api/v1/sales/", "post"): {"artwork": "{spare}", "vat_regime": "exempt", "payment_method": "card", **BUYER},
    ("api/v1/payouts/", "post"): {"artist": "{artist}", "period_start": "{ten_days_ago}", "period_end": "{yesterday}"},
    ("api/v1/events/", "post"): {
        "kind": "cafe",
        "title": "Café du matin",
        "starts_at": _at(12, 9),
        "ends_at": _at(12, 10),
        "capacity": 10,
        "visibility": "public",
        "programme": "{programme}",
    },
    ("api/v1/programmes/", "post"): {"title": "Parcours", "visibility": "public"},
    ("api/v1/me/", "patch"): {"full_name": "Nouveau Nom"},
    ("api/v1/me/tokens/", "post"): {"name": "ci"},
    ("api/v1/organisations/", "post"): {"name": "Nouvelle Structure", "sector": "design", "home_venue": "battants"},
    ("api/v1/organisations/{org}/", "patch"): {"description": "Nouveau texte"},
    ("api/v1/organisations/{org}/status/", "post"): {"status": "suspended"},
    ("api/v1/offers/", "post"): {"organisation": "{org}", "title": "Son", "sector": "music", "venues": ["gresilles"]},
}


def _filled(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _filled(v, values) for key, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, values) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        name = value[1:-1]
        today = timezone.now().astimezone(ZoneInfo("Europe/Paris")).date()
        days = {
            "today": today,
            "yesterday": today - dt.timedelta(days=1),
            "ten_days_ago": today - dt.timedelta(days=10),
        }
        return days[name].isoformat() if name in days else values[name]
    return value


def _templated(route: str) -> str:
    names = {
        "resources": "resource",
        "bookings": "booking",
        "artists": "artist",
        "artworks": "artwork",
        "consignments": "consignment",
        "exhibitions": "exhibition",
        "holds": "hold",
        "sales": "sale",
        "payouts": "payout",
        "programmes": "programme",
        "events": "event",
        "staff": "staff_role",
        "tokens": "member_token",
        "offers": "offer",
    }

    def replace(match: re.Match[str]) -> str:
        before = route[: match.start()].rstrip("/").split("/")[-1]
        name = match.group(2)
        if name == "registration":
            return "{registration}"
        if name in ("token",):
            return "{calendar_token}"
        if name in ("slug",):
            return "{org}"
        if name in ("month", "year", "other"):
            return "{%s}" % name
        return "{%s}" % names.get(before, before)

    return re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)


NOT_ANSWERED = {401, 403, 404, 405}  # what a method a route does not answer may say: who asks comes first
B_ID = re.compile(r"(?<![\d.])%d\d{3}(?!\d)" % (B_IDS_FROM // 1000))


def _ways(world: World, urlconf: str) -> dict[str, tuple[str, Place, Place]]:
    """way -> (host, the venue whose objects are named, the venue of the host)."""
    if urlconf == FEDERATION:
        return {"f": (F, world.a, world.a)}
    return {"a": (A, world.a, world.a), "b": (B, world.a, world.b), "x": (A, world.b, world.a)}


def _foreign_mark(here: Place) -> str:
    return MARK["battants" if here.venue.schema_name == "gresilles" else "gresilles"]


def _cases() -> list[tuple[str, str, str]]:
    return sorted(ROWS)


@pytest.mark.parametrize(
    ("urlconf", "route", "method"), _cases(), ids=[f"{u.split('_')[-1]}: {m.upper()} /{r}" for u, r, m in _cases()]
)
def test_isolation_matrix(world: World, urlconf: str, route: str, method: str) -> None:
    row = ROWS[urlconf, route, method]
    template = BODIES.get((route, method), {} if method in ("post", "put", "patch") else None)
    for way, (host, place, here) in _ways(world, urlconf).items():
        expected = _statuses(getattr(row, way))
        sees = dict(zip(ROLES, row.sees.split(), strict=True)) if row.sees and way == "a" else {}
        for role in row.only or ROLES:
            values = world.values(place, role)
            body = _filled(template, values) if template is not None else None
            status, content = _call(world.cast, role, host, method, _path(route, values), body)
            where = f"{way}: {role} {method.upper()} {host}{_path(route, values)}"
            if route == "health/" and status in (200, 503):
                continue  # 503 while no Celery worker answers, as in most tests
            assert status == expected[role], (where, status, content[:300])
            if way in ("b", "x") and not row.personal:  # the other venue's object named
                assert not 200 <= status < 300 or route in NAMES_NO_OBJECT, (where, status)
            if urlconf == FEDERATION or row.personal:
                continue  # the federation's own data, or a person's own data at every venue
            assert _foreign_mark(here) not in content, (where, "the other venue's data shows", content[:300])
            if way == "a":
                assert not B_ID.search(content), (where, "an id of venue B shows", content[:300])
            if role in sees:
                assert (MARK[here.venue.schema_name] in content) is (sees[role] == "+"), (where, content[:300])


# Routes that name no object of a venue (a month, a token, an organisation of the federation…): on the
# other host they answer for that venue, as they should.
VENUE_OBJECTS = set(re.findall(r"\{(\w+)\}", " ".join(route for _u, route, _m in ROWS))) - {
    "month",
    "other",
    "calendar_token",
    "year",
    "org",
    "member_token",
    "offer",
}
NAMES_NO_OBJECT = {route for _u, route, _m in ROWS if not set(re.findall(r"\{(\w+)\}", route)) & VENUE_OBJECTS}


def _declared_methods(callback: Any) -> set[str]:
    """The methods a class-based view has handlers for; empty for a function, or a view that dispatches
    itself (GraphQL)."""
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return {method for method in METHODS if hasattr(view, method)} if view is not None else set()


@pytest.mark.parametrize("urlconf", [VENUE, FEDERATION])
def test_every_route_and_method_has_a_row(world: World, urlconf: str) -> None:
    """A new route, or a new method on a route, without a row fails here. Class-based views: the methods
    they have handlers for are exactly the rows. Other views: every method without a row answers like a
    method that does not exist (401/403 before the method is looked at, or 405)."""
    rowed: dict[str, set[str]] = {}
    for u, route, method in ROWS:
        if u == urlconf:
            rowed.setdefault(route, set()).add(method)
    callbacks = {_templated(route): callback for route, callback in ROUTES[urlconf].items()}
    assert set(rowed) <= set(callbacks), "rows for routes that do not exist: %s" % (set(rowed) - set(callbacks))
    host, place = (F, world.a) if urlconf == FEDERATION else (A, world.a)
    missing = []
    for route, callback in callbacks.items():
        declared = _declared_methods(callback)
        if declared:
            if declared != rowed.get(route, set()):
                missing.append(f"/{route}: handlers {sorted(declared)}, rows {sorted(rowed.get(route, ()))}")
            continue
        for method in set(METHODS) - rowed.get(route, set()):
            body: dict[str, Any] | None = {} if method in ("post", "put", "patch") else None
            for role in ("anonymous", "admin"):
                status = _call(world.cast, role, host, method, _path(route, world.values(place, role)), body)[0]
                if status not in NOT_ANSWERED:
                    missing.append(f"{method.upper()} /{route} as {role}: {status}")
    assert not missing, "add rows for: %s" % missing


def test_every_name_in_a_route_is_known(world: World) -> None:
    names = set(re.findall(r"\{(\w+)\}", " ".join(route for _u, route, _m in ROWS)))
    assert names <= set(world.values(world.a, "admin")), names - set(world.values(world.a, "admin"))


def test_routes_of_one_kind_of_host_are_not_found_on_the_other(world: World) -> None:
    admin = world.cast.client("admin", F)
    for route in set(ROUTES[VENUE]) - set(ROUTES[FEDERATION]):
        path = _path(_templated(route), world.values(world.a, "admin"))
        assert admin.get(path).status_code == 404, path
    for host in (A, B):
        client = world.cast.client("admin", host)
        for route in set(ROUTES[FEDERATION]) - set(ROUTES[VENUE]):
            path = _path(_templated(route), world.values(world.a, "admin"))
            assert client.get(path).status_code == 404, (host, path)


# -- GraphQL: references to a venue's objects ----------------------------------------------------------------
# Root fields that name a venue's object take a reference, `<venue>/<kind>/<id>`; the venue in it is where
# the id is looked up. Named with one venue and the other venue's id, the object does not exist: nothing is
# done and nothing of the other venue shows. `{ref}` is the reference, `{day}` a day ten days ahead.
REFERENCES: dict[str, tuple[str, str, str]] = {  # field: (operation, kind, who succeeds with the right one)
    "availability": ('{ availability(resource: "{ref}", from: "{day}") { name } }', "resource", "member"),
    "createBooking": (
        'mutation { createBooking(input: {resource: "{ref}", start: "{day}T10:00:00", end: "{day}T11:00:00"})'
        " { booking { id } errors { code } } }",
        "resource",
        "member",
    ),
    "cancelBooking": ('mutation { cancelBooking(booking: "{ref}") { errors { code } } }', "booking", "member"),
    "registerForEvent": ('mutation { registerForEvent(event: "{ref}") { errors { code } } }', "event", "staff_b"),
    "registerForProgramme": (
        'mutation { registerForProgramme(programme: "{ref}") { errors { code } } }',
        "programme",
        "staff_b",
    ),
    "cancelRegistration": (
        'mutation { cancelRegistration(registration: "{ref}") { errors { code } } }',
        "registration",
        "member",
    ),
}
# Root fields whose ids name the federation's own objects (catalogue entries, offers): no venue in them.
FEDERATION_REFERENCES = {"catalogueEntry", "requestService", "updateServiceOffer"}
PERSONS = ["member", "staff_a", "manager_a", "staff_b", "admin"]


def _takes_an_id(field: Any) -> bool:
    from graphql import GraphQLInputObjectType, get_named_type

    def ids(type_: Any) -> bool:
        named = get_named_type(type_)
        if isinstance(named, GraphQLInputObjectType):
            return any(ids(f.type) for f in named.fields.values())
        return named.name == "ID"

    return any(ids(argument.type) for argument in field.args.values())


def test_every_root_field_naming_an_object_is_checked_across_venues() -> None:
    from api.graphql.schema import schema

    graphql_schema = schema.graphql_schema
    fields = graphql_schema.query_type.fields | graphql_schema.mutation_type.fields
    taking_ids = {name for name, field in fields.items() if _takes_an_id(field)}
    assert taking_ids == set(REFERENCES) | FEDERATION_REFERENCES, taking_ids ^ (set(REFERENCES) | FEDERATION_REFERENCES)


def _answer(world: World, role: str, operation: str) -> tuple[str, str]:
    from .graphql_fixtures import post

    status, body = post(world.cast.client(role, F), operation)
    assert status == 200, (role, body)
    field = next(iter(body.get("data") or {"": None}))
    value = (body.get("data") or {}).get(field)
    if body.get("errors"):
        outcome = body["errors"][0]["extensions"]["code"]
    elif value is None:
        outcome = "null"
    elif isinstance(value, dict) and value.get("errors"):
        outcome = value["errors"][0]["code"]
    else:
        outcome = "ok"
    return outcome, json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("field", sorted(REFERENCES))
def test_a_reference_to_one_venue_with_the_other_venues_id_names_nothing(world: World, field: str) -> None:
    operation, kind, succeeds = REFERENCES[field]
    day = _day(10).isoformat()
    for slug, place, other in (("gresilles", world.b, "battants"), ("battants", world.a, "gresilles")):
        ref = "%s/%s/%d" % (slug, kind, place.ids[kind])
        for role in PERSONS:
            outcome, body = _answer(world, role, operation.replace("{ref}", ref).replace("{day}", day))
            # NOT_ALLOWED: who may not book at all is told so before any lookup, whatever the reference.
            assert outcome in ("null", "NOT_FOUND", "NOT_ALLOWED"), (field, ref, role, outcome, body[:300])
            assert MARK[other] not in body, (field, ref, role, body[:300])
    # The same operation with the right venue's reference succeeds, or the check above proves nothing.
    ref = "gresilles/%s/%d" % (kind, world.a.ids[kind])
    outcome, body = _answer(world, succeeds, operation.replace("{ref}", ref).replace("{day}", day))
    assert outcome == "ok", (field, ref, succeeds, body[:300])
