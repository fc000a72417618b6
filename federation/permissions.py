"""Who may do what, where: the one place every API, the admin and services ask.

A principal is a person (`User`), a partner (from a partner token) or nobody (`AnonymousUser`). A venue
role (manager, staff) counts only at its own venue. Default deny: an action not listed here is refused.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from hub.http import current_venue
from tenants.models import Venue

from .models import ApiToken, Organisation, Partner, User, VenueRole
from .selectors import active_organisations, network_terms, roles_by_venue

Principal = User | Partner | AnonymousUser


class Action(StrEnum):
    DIRECTORY_READ = "directory.read"  # the public directory of organisations: anyone
    PROFILE = "profile"  # one's own profile, export, tokens: any active person
    APPLY = "organisation.apply"  # apply for an organisation's membership: any active person
    VENUE_BROWSE = "venue.browse"  # a venue's bookable offer: any active person
    VENUE_PUBLIC = "venue.public"  # a venue's public face: works on sale, exhibitions, events: anyone
    VENUE_BOOK = "venue.book"  # book at a venue: home members, and others as network passes allow
    VENUE_ADMIN = "venue.admin"  # enter the venue's admin: its staff and managers
    VENUE_OPERATE = "venue.operate"  # day-to-day work at the venue (bookings, gallery, members list)
    VENUE_MANAGE = "venue.manage"  # the venue's staff, rules and prices: its managers
    FEDERATION_ADMIN = "federation.admin"  # venues, organisations' status, partners, erasure
    STATS_READ = "stats.read"  # aggregated figures of a venue: partners that may see it, federation admins


def is_person(principal: Any) -> TypeGuard[User]:
    return isinstance(principal, User) and principal.is_active


def is_federation_admin(principal: Any) -> bool:
    """Federation admins are active superusers. `is_staff` alone opens the federation's admin with only the
    model permissions granted there, and no power at any venue."""
    return is_person(principal) and bool(principal.is_superuser)


def venue_role(principal: Any, venue: Venue | None) -> str | None:
    if venue is None or not is_person(principal):
        return None
    return roles_by_venue(principal).get(venue.pk)


def can(principal: Principal | None, action: Action | str, venue: Venue | None = None) -> bool:
    """May `principal` do `action` (at `venue`, for venue actions)? Unknown actions are refused."""
    if action == Action.DIRECTORY_READ:
        return True
    if action == Action.VENUE_PUBLIC:
        return venue is not None
    if isinstance(principal, Partner):
        return (
            action == Action.STATS_READ
            and venue is not None
            and principal.is_active
            and (principal.venues.filter(pk=venue.pk).exists())
        )
    if not is_person(principal):
        return False
    admin = is_federation_admin(principal)
    role = venue_role(principal, venue)
    match action:
        case Action.PROFILE | Action.APPLY:
            return True
        case Action.VENUE_BROWSE:
            return venue is not None
        case Action.VENUE_BOOK:
            return venue is not None and any(
                network_terms(organisation, venue).allowed for organisation in active_organisations(principal)
            )
        case Action.VENUE_ADMIN | Action.VENUE_OPERATE:
            return venue is not None and (admin or role in (VenueRole.Role.MANAGER, VenueRole.Role.STAFF))
        case Action.VENUE_MANAGE:
            return venue is not None and (admin or role == VenueRole.Role.MANAGER)
        case Action.FEDERATION_ADMIN:
            return admin
        case Action.STATS_READ:
            return admin
    return False


def owns(principal: Principal | None, organisation: Organisation) -> bool:
    """Is `principal` one of the organisation's owners?"""
    return is_person(principal) and organisation.memberships.filter(user=principal, role="owner").exists()


def can_edit_organisation(principal: Principal | None, organisation: Organisation) -> bool:
    """Its owners and the federation admins may change an organisation's profile."""
    return is_federation_admin(principal) or owns(principal, organisation)


def principal_of(request: Request) -> Principal:
    token = request.auth
    if isinstance(token, ApiToken) and token.partner is not None:
        return token.partner
    return request.user


def token_allows_method(request: Request) -> bool:
    """A token acts only within its scopes: `read` for safe methods, `write` for the others."""
    token = request.auth
    if not isinstance(token, ApiToken):
        return True
    if token.kind == ApiToken.Kind.PARTNER:
        return request.method in SAFE_METHODS and "stats:read" in token.scopes
    return ("read" if request.method in SAFE_METHODS else "write") in token.scopes


def allows(action: Action) -> type[BasePermission]:
    """A DRF permission class for `action` at the venue of the request's host."""

    class Allows(BasePermission):
        message = _("You may not do this here.")

        def has_permission(self, request: Request, view: Any) -> bool:
            return token_allows_method(request) and can(principal_of(request), action, current_venue(request))

    Allows.__name__ = Allows.__qualname__ = "Allows_%s" % action.name
    Allows.action = action  # type: ignore[attr-defined]  # read by the OpenAPI document (api.rest.schema)
    return Allows


class DenyAll(BasePermission):
    """The project-wide default permission: nobody."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return False
