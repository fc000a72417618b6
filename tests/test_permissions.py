"""The permission matrix: every endpoint × role × host → status, driven from one table; and `can()`."""

from __future__ import annotations

from typing import Any

import pytest

from federation.permissions import Action, can
from federation.services import set_network_pass

from .federation_fixtures import ROLES, Cast

A, B, F = "gresilles.localhost", "battants.localhost", "localhost"
APPLY = {"name": "Nouvelle Structure", "sector": "design", "home_venue": "battants"}

# method, host, path, body, {role: status} for anonymous, member, staff_a, manager_a, staff_b, partner, admin
PERSONAL = dict(zip(ROLES, [401, 200, 200, 200, 200, 403, 200], strict=True))
BROWSE = PERSONAL
VENUE_A_WORK = dict(zip(ROLES, [401, 403, 200, 200, 403, 403, 200], strict=True))
VENUE_B_WORK = dict(zip(ROLES, [401, 403, 403, 403, 200, 403, 200], strict=True))
VENUE_A_MANAGE = dict(zip(ROLES, [401, 403, 403, 201, 403, 403, 201], strict=True))
EVERYONE = dict.fromkeys(ROLES, 200)
NOWHERE = dict.fromkeys(ROLES, 404)

MATRIX: list[tuple[str, str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("get", F, "/api/v1/me/", None, PERSONAL),
    ("get", A, "/api/v1/me/", None, PERSONAL),
    ("get", B, "/api/v1/me/", None, PERSONAL),
    ("patch", A, "/api/v1/me/", {"full_name": "Nouveau Nom"}, PERSONAL),
    ("get", F, "/api/v1/me/export/", None, PERSONAL),
    ("get", A, "/api/v1/me/tokens/", None, PERSONAL),
    ("post", B, "/api/v1/me/tokens/", {"name": "ci"}, PERSONAL | {r: 201 for r, s in PERSONAL.items() if s == 200}),
    ("get", A, "/api/v1/venue/", None, BROWSE),
    ("get", B, "/api/v1/resources/", None, BROWSE),
    ("get", A, "/api/v1/members/", None, VENUE_A_WORK),
    ("get", B, "/api/v1/members/", None, VENUE_B_WORK),
    ("get", A, "/api/v1/staff/", None, VENUE_A_WORK),
    ("post", A, "/api/v1/staff/", {"email": "member@label.example", "role": "staff"}, VENUE_A_MANAGE),
    ("get", F, "/api/v1/organisations/", None, EVERYONE),
    ("get", F, "/api/v1/organisations/label-test/", None, EVERYONE),
    ("post", F, "/api/v1/organisations/", APPLY, PERSONAL | {r: 201 for r, s in PERSONAL.items() if s == 200}),
    (
        "patch",
        F,
        "/api/v1/organisations/label-test/",
        {"description": "Nouveau texte"},
        dict(zip(ROLES, [401, 200, 403, 403, 403, 403, 200], strict=True)),
    ),
    (
        "post",
        F,
        "/api/v1/organisations/label-test/status/",
        {"status": "suspended"},
        dict(zip(ROLES, [401, 403, 403, 403, 403, 403, 200], strict=True)),
    ),
    ("get", A, "/api/v1/artworks/", None, EVERYONE),
    ("get", B, "/api/v1/exhibitions/", None, EVERYONE),
    ("get", A, "/api/v1/sales/", None, VENUE_A_WORK),
    ("get", B, "/api/v1/holds/", None, VENUE_B_WORK),
    ("get", A, "/api/v1/payouts/", None, VENUE_A_WORK),
    ("get", A, "/api/v1/consignments/", None, VENUE_A_WORK),
    (
        "post",
        A,
        "/api/v1/artists/",
        {"name": "Camille Martin"},
        VENUE_A_WORK | {"staff_a": 201, "manager_a": 201, "admin": 201},
    ),
    ("get", A, "/api/v1/events/", None, EVERYONE),
    ("get", B, "/api/v1/programmes/", None, EVERYONE),
    ("get", A, "/api/v1/registrations/", None, PERSONAL),
    (
        "post",
        A,
        "/api/v1/programmes/",
        {"title": "Parcours", "visibility": "public"},
        VENUE_A_WORK | {"staff_a": 201, "manager_a": 201, "admin": 201},
    ),
    ("get", A, "/api/v1/resources/{a_resource}/", None, BROWSE),
    ("get", B, "/api/v1/resources/{a_resource}/", None, PERSONAL | {r: 404 for r, s in PERSONAL.items() if s == 200}),
    # Only its holder deletes a token; to everyone else it does not exist.
    (
        "delete",
        A,
        "/api/v1/me/tokens/{member_token}/",
        None,
        dict(zip(ROLES, [401, 204, 404, 404, 404, 403, 404], strict=True)),
    ),
    (
        "delete",
        A,
        "/api/v1/staff/{staff_a_role}/",
        None,
        dict(zip(ROLES, [401, 403, 403, 204, 403, 403, 204], strict=True)),
    ),
    (
        "delete",
        B,
        "/api/v1/staff/{staff_a_role}/",
        None,  # A's role named on B's host
        dict(zip(ROLES, [401, 403, 403, 403, 403, 403, 404], strict=True)),
    ),
    (
        "post",
        B,
        "/api/v1/staff/",
        {"email": "member@label.example", "role": "staff"},
        dict(zip(ROLES, [401, 403, 403, 403, 403, 403, 201], strict=True)),
    ),
    # A venue's API does not exist on the federation host, nor the federation's on a venue host.
    ("get", F, "/api/v1/resources/", None, NOWHERE),
    ("get", F, "/api/v1/members/", None, NOWHERE),
    ("get", A, "/api/v1/organisations/", None, NOWHERE),
    ("get", "elsewhere.localhost", "/api/v1/me/", None, NOWHERE),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "host", "path", "body", "expected"), MATRIX, ids=[f"{m.upper()} {h}{p}" for m, h, p, _b, _e in MATRIX]
)
def test_permission_matrix(
    cast: Cast, role: str, method: str, host: str, path: str, body: dict[str, Any] | None, expected: dict[str, int]
) -> None:
    client = cast.client(role, host)
    path = path.format(**cast.ids())
    response = getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)
    assert response.status_code == expected[role], (role, response.content[:300])


# role, action, venue ("a" / "b" / None), allowed
CAN = [
    *[(role, Action.DIRECTORY_READ, None, True) for role in ROLES],
    *[(role, Action.PROFILE, None, role not in ("anonymous", "partner")) for role in ROLES],
    *[(role, Action.VENUE_ADMIN, "a", role in ("staff_a", "manager_a", "admin")) for role in ROLES],
    *[(role, Action.VENUE_ADMIN, "b", role in ("staff_b", "admin")) for role in ROLES],
    *[(role, Action.VENUE_OPERATE, "a", role in ("staff_a", "manager_a", "admin")) for role in ROLES],
    *[(role, Action.VENUE_MANAGE, "a", role in ("manager_a", "admin")) for role in ROLES],
    *[(role, Action.VENUE_MANAGE, "b", role == "admin") for role in ROLES],
    *[(role, Action.VENUE_BOOK, "a", role == "member") for role in ROLES],
    *[(role, Action.FEDERATION_ADMIN, None, role == "admin") for role in ROLES],
    *[(role, Action.STATS_READ, "a", role in ("partner", "admin")) for role in ROLES],
    *[(role, Action.STATS_READ, "b", role == "admin") for role in ROLES],
    *[(role, "no.such.action", "a", False) for role in ROLES],
]


@pytest.mark.parametrize(("role", "action", "where", "allowed"), CAN, ids=[f"{r}-{a}-{w}" for r, a, w, _x in CAN])
def test_can(cast: Cast, role: str, action: str, where: str | None, allowed: bool) -> None:
    venue = {"a": cast.venue_a, "b": cast.venue_b, None: None}[where]
    assert can(cast.principal(role), action, venue) is allowed


def test_booking_elsewhere_follows_the_network_passes(cast: Cast) -> None:
    member = cast.people["member"]
    assert not can(member, Action.VENUE_BOOK, cast.venue_b)  # no pass at all: closed

    set_network_pass(allowed=True, monthly_hours=20)  # federation-wide default
    assert can(member, Action.VENUE_BOOK, cast.venue_b)

    set_network_pass(venue=cast.venue_b, allowed=False)  # the host venue closes its doors to the network…
    assert not can(member, Action.VENUE_BOOK, cast.venue_b)

    set_network_pass(organisation=cast.organisation, venue=cast.venue_b, allowed=True)  # …but for this label
    assert can(member, Action.VENUE_BOOK, cast.venue_b)
    assert can(member, Action.VENUE_BOOK, cast.venue_a)  # home, whatever the passes say


def test_a_deactivated_person_may_do_nothing(cast: Cast) -> None:
    admin = cast.people["admin"]
    admin.is_active = False
    public = {Action.DIRECTORY_READ, Action.VENUE_PUBLIC}  # what anyone may do, signed in or not
    assert not any(can(admin, action, cast.venue_a) for action in Action if action not in public)
