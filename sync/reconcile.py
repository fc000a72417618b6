"""Reconciliation: rebuild a venue's catalogue entries from the venue's own tables (the source of truth) and
report drift: entries missing, stale (showing something else) or orphaned (showing what is gone or hidden);
with `fix`, repair it — through the outbox: a fresh event with the rebuilt document is recorded under the
source's row lock and relayed like any other, so versions stay in order and a later change is never lost.
Sources with events still waiting in the outbox are not counted as drift (the relay is about to apply them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_catalog.models import CatalogueEntry
from tenants.models import Venue

from . import projectors
from .models import OutboxEvent
from .outbox import record

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


@dataclass(frozen=True)
class Source:
    source_type: str
    source_id: str
    event_type: str
    payload: dict[str, Any]
    availability: dict[str, Any] | None = None

    def document(self, venue: Venue) -> dict[str, Any]:
        return projectors.document_of(venue, self.event_type, self.payload)


def sources(venue: Venue) -> Iterator[Source]:
    """Everything the venue has that the catalogue may show, shown or not, as the services would record it."""
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
            summary = {"id": resource.pk, "days": SUMMARY_DAYS} | availability_summary(
                venue=venue, resource=resource, now=now
            )
            yield Source("resource", str(resource.pk), "resource.upserted", resource_payload(resource), summary)
        for artwork in Artwork.objects.select_related("artist").exclude(edition_size__isnull=False, edition_of=None):
            yield Source("artwork", str(artwork.pk), "artwork.upserted", artwork_payload(artwork))
        for exhibition in Exhibition.objects.order_by("pk"):
            yield Source("exhibition", str(exhibition.pk), "exhibition.upserted", exhibition_payload(exhibition))
        for event in Event.objects.order_by("pk"):
            yield Source("event", str(event.pk), "event.upserted", event_payload(event))
        for programme in Programme.objects.order_by("pk"):
            yield Source("programme", str(programme.pk), "programme.upserted", programme_payload(programme))
    for offer in ServiceOffer.objects.filter(venues=venue).select_related("organisation").order_by("pk"):
        yield Source("service", str(offer.pk), "service.upserted", offer_payload(offer, venue))


def _differs(entry: CatalogueEntry, document: dict[str, Any]) -> bool:
    return any(name in document and getattr(entry, name) != document[name] for name in COMPARED)


def reconcile(venue: Venue, *, fix: bool = False) -> Drift:
    drift = Drift(venue.schema_name)
    entries = {(e.source_type, e.source_id): e for e in CatalogueEntry.objects.filter(venue=venue)}
    waiting = set(
        OutboxEvent.objects.filter(venue=venue, processed_at__isnull=True, parked_at__isnull=True).values_list(
            "aggregate_type", "aggregate_id"
        )
    )
    repairs: list[Source] = []
    seen = set()
    for source in sources(venue):
        key = (source.source_type, source.source_id)
        seen.add(key)
        drift.checked += 1
        if key in waiting:
            continue
        document = source.document(venue)
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
        repairs.append(source)
    for key, entry in entries.items():
        if key not in seen and key not in waiting and entry.published:  # its source is gone
            drift.orphan.append("%s:%s" % key)
            repairs.append(Source(key[0], key[1], "%s.upserted" % key[0], {"id": key[1], "published": False}))
    if fix and repairs:
        for source in repairs:
            _repair(venue, source)
        from .relay import drain

        drain()
    return drift


SOURCE_MODELS = {
    "resource": "coworking.Resource",
    "artwork": "gallery.Artwork",
    "exhibition": "gallery.Exhibition",
    "event": "events.Event",
    "programme": "events.Programme",
    "service": "marketplace.ServiceOffer",
}


@transaction.atomic
def _repair(venue: Venue, source: Source) -> None:
    """Record the rebuilt document as a new event of its source, under the source's row lock (so it takes
    its place in the source's version order)."""
    from django.apps import apps

    with schema_context(venue.schema_name):
        model = apps.get_model(SOURCE_MODELS[source.source_type])
        model._default_manager.select_for_update().filter(pk=source.source_id).first()
        record(
            venue=venue,
            aggregate_type=source.source_type,
            aggregate_id=source.source_id,
            event_type=source.event_type,
            payload=source.payload,
        )
        if source.availability is not None:
            record(
                venue=venue,
                aggregate_type=source.source_type,
                aggregate_id=source.source_id,
                event_type="resource.availability",
                payload=source.availability,
            )
