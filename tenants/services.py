"""Writes for venues: provisioning a venue with its schema and its domain."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_domain_name
from django.db import transaction
from django.utils.translation import gettext as _

from hub.errors import InvalidInput

from .models import Domain, Venue

# Lower-case ASCII, digits and underscores, starting with a letter: safe as a schema name, a cache-key
# part and a media folder. PostgreSQL reserves the `pg_` prefix.
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
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


def _validate(*, slug: str, name: str, city: str, domain: str, timezone: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not SLUG_RE.match(slug) or slug.startswith("pg_"):
        errors["slug"] = [_("Use 2 to 40 lower-case letters, digits or underscores, starting with a letter.")]
    elif slug in RESERVED_SLUGS:
        errors["slug"] = [_("“%(slug)s” is reserved.") % {"slug": slug}]
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if not city.strip():
        errors["city"] = [_("This field is required.")]
    if timezone not in zoneinfo.available_timezones():
        errors["timezone"] = [_("“%(tz)s” is not a known time zone.") % {"tz": timezone}]
    try:
        validate_domain_name(domain)
        if domain != domain.lower() or ":" in domain or "/" in domain:
            raise ValidationError("not a host name")
    except ValidationError:
        errors["domain"] = [_("“%(domain)s” is not a valid host name.") % {"domain": domain}]
    else:
        if domain in settings.HUB_FEDERATION_HOSTS:
            errors["domain"] = [_("“%(domain)s” is the federation's host.") % {"domain": domain}]
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
    when the slug, domain or time zone is unacceptable or the domain belongs to another venue.
    """
    domain = domain.strip()
    slug = slug.strip()
    errors = _validate(slug=slug, name=name, city=city, domain=domain, timezone=timezone)
    if errors:
        raise InvalidInput(_("The venue cannot be created."), fields=errors)

    with transaction.atomic():
        owner = Domain.objects.select_for_update().filter(domain=domain).select_related("tenant").first()
        if owner is not None and owner.tenant.schema_name != slug:
            raise InvalidInput(
                _("The venue cannot be created."),
                code="conflict",
                fields={"domain": [_("“%(domain)s” already serves another venue.") % {"domain": domain}]},
            )
        venue = Venue.objects.select_for_update().filter(schema_name=slug).first()
        if venue is None:
            venue = Venue(schema_name=slug, name=name, city=city, timezone=timezone, address=address)
            venue.save(verbosity=0)  # creates and migrates the schema
            Domain.objects.create(domain=domain, tenant=venue, is_primary=True)
            return VenueProvisioning(venue=venue, created=True, changed=["venue", "schema", "domain"])

        wanted = {"name": name, "city": city, "timezone": timezone, "address": address}
        changed = [field for field, value in wanted.items() if getattr(venue, field) != value]
        for field in changed:
            setattr(venue, field, wanted[field])
        if changed:
            venue.save(update_fields=changed)
        if owner is None:
            Domain.objects.create(domain=domain, tenant=venue, is_primary=not venue.domains.exists())
            changed.append("domain")
        return VenueProvisioning(venue=venue, created=False, changed=changed)
