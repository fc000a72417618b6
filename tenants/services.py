"""Writes for venues: provisioning a venue with its schema and its domain."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_domain_name
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hub.errors import Conflict, InvalidInput

from .models import Domain, Venue
from .schema_template import refresh_template

# Stricter than a PostgreSQL schema name (django-tenants' check): lower-case ASCII, digits and underscores,
# starting with a letter, so a slug is also safe as a cache-key part, a media folder and a log label.
SLUG_RE = re.compile(r"[a-z][a-z0-9_]{1,39}")
RESERVED_SLUGS = frozenset(
    {
        "public",
        "information_schema",
        "pg_catalog",
        "pg_toast",
        "template0",
        "template1",
        "postgres",
        "hub",
        "federation",
        "admin",
        "api",
        "www",
        "static",
        "media",
    }
)


@dataclass(frozen=True)
class VenueProvisioning:
    venue: Venue
    created: bool
    changed: list[str]


def slug_errors(slug: str) -> list[str]:
    if not SLUG_RE.fullmatch(slug) or slug.startswith("pg_"):
        return [_("Use 2 to 40 lower-case letters, digits or underscores, starting with a letter.")]
    if slug in RESERVED_SLUGS:
        return [_("“%(slug)s” is reserved.") % {"slug": slug}]
    return []


def domain_errors(domain: str) -> list[str]:
    """What is wrong with `domain` as a venue's host name (an empty list when nothing is)."""
    try:
        validate_domain_name(domain)
        if domain != domain.lower() or ":" in domain or "/" in domain or len(domain) > 253:
            raise ValidationError("not a host name")
    except ValidationError:
        return [_("“%(domain)s” is not a valid host name.") % {"domain": domain}]
    if domain in settings.HUB_FEDERATION_HOSTS:
        return [_("“%(domain)s” is the federation's host.") % {"domain": domain}]
    return []


def _validate(venue: Venue, domain: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        venue.full_clean(exclude=["schema_name"], validate_unique=False)  # lengths, required, time zone
    except ValidationError as exc:
        errors.update({field: [str(m) for m in messages] for field, messages in exc.message_dict.items()})
    for field, problems in (("slug", slug_errors(venue.schema_name)), ("domain", domain_errors(domain))):
        if problems:
            errors[field] = problems
    return errors


def create_venue(
    *,
    slug: str,
    name: str,
    city: str,
    domain: str,
    timezone: str = "Europe/Paris",
    address: str = "",
) -> VenueProvisioning:
    """Create a venue, its schema (migrated) and its primary domain; idempotent.

    Running it again for an existing slug updates name, city, time zone and address and adds the
    domain if the venue lacks it. Raises `InvalidInput` (with field errors) before writing anything
    when a value is unacceptable, and `Conflict` when the domain serves another venue (or another
    provisioning of the same venue won a race).
    """
    wanted = {"name": name.strip(), "city": city.strip(), "timezone": timezone, "address": address.strip()}
    candidate = Venue(schema_name=slug.strip(), **wanted)
    domain = domain.strip()
    errors = _validate(candidate, domain)
    if errors:
        raise InvalidInput(_("The venue cannot be created."), fields=errors)
    if not transaction.get_connection().in_atomic_block:
        refresh_template()  # committed, so that the new schema can be a copy of it
    try:
        with transaction.atomic():
            return _provision(candidate, domain, wanted)
    except IntegrityError as exc:
        raise Conflict(
            _("The venue is being provisioned by someone else: try again."),
            fields={"slug": [_("Provisioned concurrently.")]},
        ) from exc


def _provision(candidate: Venue, domain: str, wanted: dict[str, str]) -> VenueProvisioning:
    owner = Domain.objects.select_for_update().filter(domain=domain).select_related("tenant").first()
    if owner is not None and owner.tenant.schema_name != candidate.schema_name:
        raise Conflict(
            _("The venue cannot be created."),
            fields={"domain": [_("“%(domain)s” already serves another venue.") % {"domain": domain}]},
        )
    venue = Venue.objects.select_for_update().filter(schema_name=candidate.schema_name).first()
    if venue is None:
        candidate.save(verbosity=0)  # creates and migrates the schema
        Domain.objects.create(domain=domain, tenant=candidate, is_primary=True)
        return VenueProvisioning(venue=candidate, created=True, changed=["venue", "schema", "domain"])

    changed = [field for field, value in wanted.items() if getattr(venue, field) != value]
    for field in changed:
        setattr(venue, field, wanted[field])
    if changed:
        venue.save(update_fields=changed)
    if owner is None:
        Domain.objects.create(domain=domain, tenant=venue, is_primary=not venue.domains.exists())
        changed.append("domain")
    return VenueProvisioning(venue=venue, created=False, changed=changed)
