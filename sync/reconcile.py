"""Reconciliation: rebuild a venue's catalogue entries from the venue's own tables (the source of truth) and
report drift: entries missing, stale (showing something else) or orphaned (showing what is gone or hidden);
with `fix`, repair it. A repaired entry takes the latest outbox version of its source, so an older event still
on its way cannot undo the repair."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_catalog.models import CatalogueEntry
from tenants.models import Venue

from . import projectors
from .models import OutboxEvent

COMPARED = ("published", "kind", "title", "summary", "price_from", "starts_at", "ends_at", "visibility", "tags")


@dataclass
class Drift:
    venue: str
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphan: list[str] = field(default_factory=list)
    checked: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "missing": len(self.missing),
            "stale": len(self.stale),
            "orphan": len(self.orphan),
        }

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.orphan)


def sources(venue: Venue) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any] | None]]:
    """(source type, source id, document, availability) of everything the venue has, shown or not."""
    from marketplace.models import ServiceOffer
    from marketplace.services import offer_payload
    from tenants.coworking.events import SUMMARY_DAYS, availability_summary, resource_payload
    from tenants.coworking.models import Resource
    from tenants.events.models import Event, Programme
    from tenants.events.outbox import event_payload, programme_payload
    from tenants.gallery.events import artwork_payload, exhibition_payload
    from tenants.gallery.models import Artwork, Exhibition

    now = timezone.now()
    with schema_context(venue.schema_name):
        for resource in Resource.objects.order_by("pk"):
            summary = availability_summary(venue=venue, resource=resource, now=now)
            document = projectors.resource(venue, resource_payload(resource))
            yield "resource", str(resource.pk), document, summary | {"days": SUMMARY_DAYS}
        for artwork in Artwork.objects.select_related("artist").filter(edition_size__isnull=True).order_by("pk"):
            yield "artwork", str(artwork.pk), projectors.artwork(venue, artwork_payload(artwork)), None
        for artwork in Artwork.objects.select_related("artist").filter(edition_of__isnull=False).order_by("pk"):
            yield "artwork", str(artwork.pk), projectors.artwork(venue, artwork_payload(artwork)), None
        for exhibition in Exhibition.objects.order_by("pk"):
            yield "exhibition", str(exhibition.pk), projectors.exhibition(venue, exhibition_payload(exhibition)), None
        for event in Event.objects.order_by("pk"):
            yield "event", str(event.pk), projectors.event(venue, event_payload(event)), None
        for programme in Programme.objects.order_by("pk"):
            yield "programme", str(programme.pk), projectors.programme(venue, programme_payload(programme)), None
    for offer in ServiceOffer.objects.filter(venues=venue).select_related("organisation").order_by("pk"):
        yield "service", str(offer.pk), projectors.service(venue, offer_payload(offer, venue)), None


def _differs(entry: CatalogueEntry, document: dict[str, Any]) -> bool:
    return any(name in document and getattr(entry, name) != document[name] for name in COMPARED)


def reconcile(venue: Venue, *, fix: bool = False) -> Drift:
    drift = Drift(venue.schema_name)
    entries = {(e.source_type, e.source_id): e for e in CatalogueEntry.objects.filter(venue=venue)}
    latest = {
        (row["aggregate_type"], row["aggregate_id"]): row["v"]
        for row in OutboxEvent.objects.filter(venue=venue)
        .values("aggregate_type", "aggregate_id")
        .annotate(v=Max("version"))
    }
    seen = set()
    for source_type, source_id, document, availability in sources(venue):
        key = (source_type, source_id)
        seen.add(key)
        drift.checked += 1
        entry = entries.get(key)
        shown = entry is not None and entry.published
        if document.get("published"):
            if not shown:
                drift.missing.append("%s:%s" % key)
            elif _differs(entry, document):  # type: ignore[arg-type]
                drift.stale.append("%s:%s" % key)
            else:
                continue
        elif shown:
            drift.orphan.append("%s:%s" % key)
        else:
            continue
        if fix:
            _repair(venue, key, document, availability, latest.get(key, 0), entry)
    for key, entry in entries.items():
        if key not in seen and entry.published:  # its source is gone
            drift.orphan.append("%s:%s" % key)
            if fix:
                _repair(venue, key, {"published": False}, None, latest.get(key, 0), entry)
    return drift


@transaction.atomic
def _repair(
    venue: Venue,
    key: tuple[str, str],
    document: dict[str, Any],
    availability: dict[str, Any] | None,
    latest: int,
    entry: CatalogueEntry | None,
) -> None:
    version = max(latest, entry.version + 1 if entry is not None else 1)
    if entry is not None:
        CatalogueEntry.objects.filter(pk=entry.pk).update(version=version - 1)  # let the guarded write through
    projectors.upsert(venue, key[0], key[1], version, document)
    if availability is not None:
        CatalogueEntry.objects.filter(venue=venue, source_type=key[0], source_id=key[1]).update(
            availability=availability, availability_version=max(latest, version)
        )
