"""`can()`, the one answer to "may this principal do this action at this venue?", role by role. What each
endpoint answers every role on every host is tests/test_isolation_matrix.py."""

from __future__ import annotations

import pytest

from federation.permissions import Action, can
from federation.services import set_network_pass

from .federation_fixtures import ROLES, Cast

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
