from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import schema_exists


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), code="invalid", params={"value": value})


class Venue(TenantMixin):
    """A venue of the hub (Grésilles in Dijon, 52 Battants in Besançon…); its data lives in its own schema.

    `schema_name` is the venue's slug.
    """

    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris", validators=[validate_timezone])
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists: bool = False, sync_schema: bool = True, verbosity: int = 1) -> bool | None:
        """Create the venue's schema as a copy of the migrated template (see tenants.schema_template)."""
        if self.schema_name == "public" or not sync_schema or (check_if_exists and schema_exists(self.schema_name)):
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        from .schema_template import create_venue_schema

        create_venue_schema(self.schema_name, verbosity=max(verbosity - 1, 0))
        return None

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Domain(DomainMixin):
    """A host name that serves one venue (`gresilles.localhost`, `battants.coursive.example`)."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
