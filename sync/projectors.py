"""Projectors: what each outbox event does to the read models. The catalogue projector upserts the entry
keyed by (venue, source type, source id), guarded by version, and turns `published: false` into a tombstone;
rollup hooks (the partners' figures) are called for every event as well.

A projector must be idempotent: the relay may deliver an event again after a crash, and reconciliation
writes the same documents."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db.models import Value

from shared_catalog.models import CatalogueEntry, Kind
from tenants.models import Venue

from .models import OutboxEvent

Document = dict[str, Any]
Projector = Callable[[Venue, dict[str, Any]], Document]
RollupHook = Callable[[OutboxEvent], None]

ROLLUP_HOOKS: list[RollupHook] = []  # reporting.rollups.project registers here
HOOKED_EVENT_TYPES: set[str] = set()  # event types only hooks handle (reporting's `activity.changed`)


def fold(text: str) -> str:
    """Lower-case without accents: "Grésilles" → "gresilles" (search ignores accents both ways)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _money(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _day_start(day: str, venue: Venue) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=venue.tzinfo)


def resource(venue: Venue, p: dict[str, Any]) -> Document:
    prices = p.get("prices", {})
    return {
        "kind": Kind.RESOURCE,
        "title": p["name"],
        "summary": p.get("description", ""),
        "category": p.get("kind", ""),
        "tags": [p.get("kind", ""), p.get("mode", "")],
        "price_from": _money(prices.get("network")),
        "image_url": p.get("photo_url", ""),
        "visibility": CatalogueEntry.Visibility.NETWORK,  # members of any venue book; the public does not
        "published": bool(p.get("published")) and bool(p.get("network_bookable")),
        "data": {"capacity": p.get("capacity"), "mode": p.get("mode"), "prices": prices},
    }


def artwork(venue: Venue, p: dict[str, Any]) -> Document:
    return {
        "kind": Kind.ARTWORK,
        "title": p["title"],
        "summary": " — ".join(
            part for part in (p.get("artist", ""), p.get("medium", ""), p.get("description", "")) if part
        ),
        "sector": "graphic_arts",
        "category": p.get("medium", "")[:30],
        "tags": [tag for tag in (p.get("artist", ""), p.get("status", "")) if tag],
        "price_from": _money(p.get("price")),
        "image_url": p.get("image_url", ""),
        "visibility": CatalogueEntry.Visibility.PUBLIC,
        "published": bool(p.get("published")),
        "data": {
            "artist": p.get("artist"),
            "year": p.get("year"),
            "dimensions": p.get("dimensions"),
            "status": p.get("status"),
            "edition": p.get("edition"),
        },
    }


def exhibition(venue: Venue, p: dict[str, Any]) -> Document:
    return {
        "kind": Kind.EXHIBITION,
        "title": p["title"],
        "summary": p.get("text", ""),
        "tags": list(p.get("artists", []))[:20],
        "starts_at": _day_start(p["starts_on"], venue),
        "ends_at": _day_start(p["ends_on"], venue) + dt.timedelta(days=1),
        "image_url": p.get("image_url", ""),
        "visibility": CatalogueEntry.Visibility.PUBLIC,
        "published": bool(p.get("published")),
        "data": {"artworks": p.get("artworks", [])},
    }


def event(venue: Venue, p: dict[str, Any]) -> Document:
    if not p.get("published"):  # a venue-only or withdrawn event: a tombstone, whatever else it carries
        return {"published": False}
    prices = p.get("prices", {})
    # what a visitor of the catalogue pays: the public price of a public event, the network's otherwise
    visitor = "public" if p.get("visibility") == CatalogueEntry.Visibility.PUBLIC else "network"
    return {
        "kind": Kind.EVENT,
        "title": p["title"],
        "summary": p.get("description", ""),
        "category": p.get("kind", ""),
        "tags": [p.get("kind", "")],
        "price_from": _money(prices.get(visitor)),
        "starts_at": dt.datetime.fromisoformat(p["starts_at"]),
        "ends_at": dt.datetime.fromisoformat(p["ends_at"]),
        "visibility": p.get("visibility", CatalogueEntry.Visibility.NETWORK),
        "published": True,
        "data": {
            "prices": {category: price for category, price in prices.items() if category != "member"},
            "capacity": p.get("capacity"),
            "seats_left": p.get("seats_left"),
            "programme": p.get("programme"),
        },
    }


def programme(venue: Venue, p: dict[str, Any]) -> Document:
    sessions = p.get("sessions", [])
    return {
        "kind": Kind.PROGRAMME,
        "title": p["title"],
        "summary": p.get("description", ""),
        "tags": [session["title"] for session in sessions][:20],
        "starts_at": dt.datetime.fromisoformat(sessions[0]["starts_at"]) if sessions else None,
        "ends_at": dt.datetime.fromisoformat(sessions[-1]["ends_at"]) if sessions else None,
        "visibility": p.get("visibility", CatalogueEntry.Visibility.NETWORK),
        "published": bool(p.get("published")) and bool(sessions),
        "data": {"sessions": sessions},
    }


def service(venue: Venue, p: dict[str, Any]) -> Document:
    return {
        "kind": Kind.SERVICE,
        "title": p["title"],
        "summary": p.get("description", ""),
        "sector": p.get("sector", ""),
        "tags": [p.get("organisation", "")],
        "price_from": _money(p.get("price_from")),
        "visibility": CatalogueEntry.Visibility.PUBLIC,
        "published": bool(p.get("published")),
        "data": {"organisation": p.get("organisation"), "price_indication": p.get("price_indication", "")},
    }


PROJECTORS: dict[str, Projector] = {
    "resource.upserted": resource,
    "artwork.upserted": artwork,
    "exhibition.upserted": exhibition,
    "event.upserted": event,
    "programme.upserted": programme,
    "service.upserted": service,
}
SOURCE_TYPES = {"resource", "artwork", "exhibition", "event", "programme", "service"}


def document_of(venue: Venue, event_type: str, payload: dict[str, Any]) -> Document:
    """The catalogue document an event carries; a bare `{"id", "published": false}` is a removal."""
    if event_type not in PROJECTORS:
        raise ValueError("no projector for %r" % event_type)
    if set(payload) <= {"id", "published"} and not payload.get("published"):
        return {"published": False}
    return PROJECTORS[event_type](venue, payload)


def apply(outbox_event: OutboxEvent) -> None:
    """Apply one event to the read models (inside the relay's transaction)."""
    if outbox_event.event_type == "resource.availability":
        _availability(outbox_event)
    elif outbox_event.event_type not in PROJECTORS and outbox_event.event_type in HOOKED_EVENT_TYPES:
        pass  # not the catalogue's: the hooks below handle it
    else:
        document = document_of(outbox_event.venue, outbox_event.event_type, outbox_event.payload)
        upsert(
            outbox_event.venue, outbox_event.aggregate_type, outbox_event.aggregate_id, outbox_event.version, document
        )
    for hook in ROLLUP_HOOKS:
        hook(outbox_event)


def upsert(venue: Venue, source_type: str, source_id: str, version: int, document: Document) -> bool:
    """Write `document` as the entry of (venue, source type, source id) unless the entry already shows this
    version or a newer one. Returns whether it wrote."""
    entry = _locked_entry(venue, source_type, source_id)
    if entry is not None and entry.version >= version:
        return False  # re-delivered, or older than what is shown
    if entry is None:
        if not document.get("published", True) and "title" not in document:
            document = {**document, "title": "", "kind": source_type, "visibility": CatalogueEntry.Visibility.NETWORK}
        entry = CatalogueEntry(venue=venue, source_type=source_type, source_id=source_id)
    for name, value in document.items():
        setattr(entry, name, value)
    entry.tags = [tag[:100] for tag in entry.tags if tag][:20]
    entry.version = version
    entry.city = venue.city
    entry.title_folded = fold(entry.title)
    entry.save()
    CatalogueEntry.objects.filter(pk=entry.pk).update(
        search=SearchVector(Value(entry.title_folded), weight="A", config="french")
        + SearchVector(Value(fold(" ".join([entry.summary, *entry.tags]))), weight="B", config="french")
    )
    return True


def _locked_entry(venue: Venue, source_type: str, source_id: str) -> CatalogueEntry | None:
    """The entry, locked; when there is none yet, a placeholder row is inserted first (two workers creating
    the same entry would otherwise collide on its unique key, neither having anything to lock)."""
    CatalogueEntry.objects.bulk_create(
        [
            CatalogueEntry(
                venue=venue,
                source_type=source_type,
                source_id=source_id,
                kind=source_type,
                title="",
                visibility=CatalogueEntry.Visibility.NETWORK,
                published=False,
                city=venue.city,
            )
        ],
        ignore_conflicts=True,
    )
    return (
        CatalogueEntry.objects.select_for_update()
        .filter(venue=venue, source_type=source_type, source_id=source_id)
        .first()
    )


def _availability(outbox_event: OutboxEvent) -> None:
    p = outbox_event.payload
    entry = _locked_entry(outbox_event.venue, "resource", outbox_event.aggregate_id)
    if entry is None:  # before the resource's own document: a placeholder keeps the summary until it comes
        entry = CatalogueEntry(
            venue=outbox_event.venue,
            source_type="resource",
            source_id=outbox_event.aggregate_id,
            kind=Kind.RESOURCE,
            title="",
            visibility=CatalogueEntry.Visibility.NETWORK,
            published=False,
            city=outbox_event.venue.city,
        )
    elif entry.availability_version >= outbox_event.version:
        return
    entry.availability = {"days": p.get("days"), "free_hours": p.get("free_hours"), "next_free": p.get("next_free")}
    entry.availability_version = outbox_event.version
    entry.save()
