"""GDPR: export everything held about a person, and erase a person, across the federation and every venue.

Apps plug in with `register(...)` from their `AppConfig.ready()`: a *federation* plugin runs once in the
public schema; a *venue* plugin runs once in every venue's schema. Erasure anonymises personal fields and
keeps accounting rows (bookings, sales) pointing at the pseudonymised person. Everything happens in one
database transaction, so an erasure is complete in every schema or in none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Venue

from . import audit
from .models import ApiToken, AuditEvent, User
from .selectors import audit_trail_of, profile, tokens_of

Scope = Literal["federation", "venue"]
Exporter = Callable[[User], Any]
Anonymiser = Callable[[User], int]  # returns how many rows it changed


@dataclass(frozen=True)
class Plugin:
    name: str
    scope: Scope
    export: Exporter
    anonymise: Anonymiser


_plugins: dict[str, Plugin] = {}


def register(name: str, *, scope: Scope, export: Exporter, anonymise: Anonymiser) -> None:
    """Add (or replace) an app's exporter and anonymiser."""
    if scope not in ("federation", "venue"):
        raise ValueError("scope must be 'federation' or 'venue'")
    _plugins[name] = Plugin(name, scope, export, anonymise)


def unregister(name: str) -> None:
    _plugins.pop(name, None)


def plugins(scope: Scope) -> list[Plugin]:
    return [plugin for plugin in _plugins.values() if plugin.scope == scope]


def export_person(*, person: User, request: HttpRequest | None = None) -> dict[str, Any]:
    """Everything held about `person`, as JSON-ready data: {"federation": {...}, "venues": {slug: {...}}}."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "federation": {plugin.name: plugin.export(person) for plugin in plugins("federation")},
        "venues": {},
    }
    venue_plugins = plugins("venue")
    for venue in Venue.objects.order_by("schema_name"):
        with schema_context(venue.schema_name):
            data["venues"][venue.schema_name] = {plugin.name: plugin.export(person) for plugin in venue_plugins}
    audit.record(AuditEvent.Action.PERSON_EXPORTED, actor=person, target=person, request=request)
    return data


@dataclass(frozen=True)
class ErasureReport:
    person_id: int
    federation: dict[str, int]
    venues: dict[str, dict[str, int]]


@transaction.atomic
def erase_person(*, person: User, actor: User | None, request: HttpRequest | None = None) -> ErasureReport:
    """Anonymise `person` everywhere (federation and every venue schema), in one transaction; audited."""
    person = User.objects.select_for_update().get(pk=person.pk)
    venues: dict[str, dict[str, int]] = {}
    venue_plugins = plugins("venue")
    for venue in Venue.objects.order_by("schema_name"):
        with schema_context(venue.schema_name):
            venues[venue.schema_name] = {plugin.name: plugin.anonymise(person) for plugin in venue_plugins}
    federation = {plugin.name: plugin.anonymise(person) for plugin in plugins("federation")}
    audit.record(
        AuditEvent.Action.PERSON_ERASED, actor=actor, target=person, request=request, detail={"venues": sorted(venues)}
    )
    return ErasureReport(person_id=person.pk, federation=federation, venues=venues)


def erased_email(person: User) -> str:
    return "erased-%d@erased.invalid" % person.pk


# The federation's own plugin: profile, memberships, venue roles, tokens (metadata), audit trail.


def _export_federation(person: User) -> dict[str, Any]:
    person = profile(person)
    return {
        "profile": {
            "id": person.pk,
            "email": person.email,
            "full_name": person.full_name,
            "date_joined": person.date_joined.isoformat(),
            "last_login": person.last_login.isoformat() if person.last_login else None,
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_slug": m.organisation.slug,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in person.memberships.all()
        ],
        "venue_roles": [{"venue": r.venue.schema_name, "role": r.role} for r in person.venue_roles.all()],
        "api_tokens": [
            {
                "prefix": t.prefix,
                "name": t.name,
                "scopes": t.scopes,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens_of(person)
        ],
        "audit_trail": [
            {"at": e.created_at.isoformat(), "action": e.action, "ip_address": e.ip_address}
            for e in audit_trail_of(person)
        ],
    }


def _anonymise_federation(person: User) -> int:
    email, label = person.email, "erased person #%d" % person.pk
    changed = AuditEvent.objects.filter(actor=person).update(actor_label=label, ip_address=None)
    changed += AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_label__iexact=email).update(
        actor_label=label, ip_address=None
    )
    # The admin's history names the objects it changed: the person, or rows labelled with their name.
    mentions = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk))
    for identifier in filter(None, (email, person.full_name)):
        mentions |= Q(object_repr__icontains=identifier) | Q(change_message__icontains=identifier)
    changed += LogEntry.objects.filter(mentions).update(object_repr=label, change_message="[]")
    changed += ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    changed += person.venue_roles.all().delete()[0]
    person.email, person.full_name, person.is_active, person.is_staff, person.is_superuser = (
        erased_email(person),
        "",
        False,
        False,
        False,
    )
    person.set_unusable_password()
    person.save()
    return changed + 1


register("federation", scope="federation", export=_export_federation, anonymise=_anonymise_federation)
