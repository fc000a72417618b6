"""Who sees which venues' figures, and the audit of every partner query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from federation import audit
from federation.models import ApiToken, AuditEvent, Partner
from federation.permissions import Action, can, is_federation_admin
from tenants.models import Venue


def reading_partner(token: ApiToken | None) -> Partner | None:
    """The partner of a partner token that may read the statistics (`stats:read`), if the partner is active:
    the one rule for Bearer tokens, the dashboard's session and the partners' GraphQL."""
    if token is None or token.kind != ApiToken.Kind.PARTNER or "stats:read" not in token.scopes:
        return None
    partner = token.partner
    return partner if partner is not None and partner.is_active else None


def scope(principal: Any) -> list[Venue]:
    """The venues whose figures `principal` may read: a partner's territory, every venue for a federation
    admin, none for anyone else (default deny)."""
    venues = Venue.objects.exclude(schema_name="public").order_by("schema_name")
    if isinstance(principal, Partner):
        if not principal.is_active:
            return []
        return list(venues.filter(partners=principal))
    if is_federation_admin(principal):
        return list(venues)
    return [venue for venue in venues if can(principal, Action.STATS_READ, venue)]


def audit_query(
    principal: Any, operation: str, arguments: dict[str, Any], *, cells: int, request: HttpRequest | None = None
) -> None:
    """One audit row per partner query (GraphQL field, CSV export, dashboard view), refused ones included."""
    partner = principal if isinstance(principal, Partner) else None
    audit.record(
        AuditEvent.Action.PARTNER_QUERY,
        actor=None if partner else principal,
        actor_label=partner.name if partner else "",
        target=partner,
        detail={"operation": operation, "arguments": arguments, "cells": cells},
        request=request,
    )
