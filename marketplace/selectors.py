"""Reads of the marketplace."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from federation.models import Organisation
from federation.permissions import is_person
from hub.errors import InvalidInput
from tenants.models import Venue

from .models import ServiceOffer


def offers_for(person: object) -> QuerySet[ServiceOffer]:
    """The offers `person` sees: published ones of active organisations, and the drafts of their own."""
    rows = ServiceOffer.objects.select_related("organisation").prefetch_related("venues").order_by("title", "id")
    shown = rows.filter(is_published=True, organisation__status=Organisation.Status.ACTIVE)
    if not is_person(person):
        return shown
    mine = Organisation.objects.filter(memberships__user=person, memberships__role="owner")
    return (shown | rows.filter(organisation__in=mine)).distinct()


def venues_named(slugs: list[str]) -> list[Venue]:
    """The venues of `slugs`, in their order without repeats; InvalidInput on `venues` for unknown ones."""
    found = {v.schema_name: v for v in Venue.objects.filter(schema_name__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise InvalidInput(
            _("No such venue."), fields={"venues": [_("Unknown: %(slugs)s.") % {"slugs": ", ".join(missing)}]}
        )
    return [found[slug] for slug in dict.fromkeys(slugs)]
