"""Outbox events of the gallery: works on sale and exhibitions, as the shared catalogue shows them.

Call inside the transaction of the change, with the row locked. `published` false tells the catalogue to
drop the entry (a work sold, returned or withdrawn; an exhibition unpublished)."""

from __future__ import annotations

from sync.outbox import record
from tenants.selectors import active_venue

from .models import Artwork, Exhibition

ON_SALE = (Artwork.Status.AVAILABLE, Artwork.Status.ON_HOLD)


def artwork_payload(artwork: Artwork) -> dict[str, object]:
    return {
        "id": artwork.pk,
        "title": str(artwork),
        "artist": artwork.artist.name,
        "year": artwork.year,
        "medium": artwork.medium,
        "dimensions": artwork.dimensions,
        "description": artwork.description,
        "image_url": artwork.image_url,
        "price": str(artwork.price),
        "status": artwork.status,
        "edition": (
            {"number": artwork.edition_number, "size": artwork.edition_size}
            if artwork.edition_number is not None
            else None
        ),
        "published": artwork.status in ON_SALE,
    }


def record_artwork(artwork: Artwork) -> None:
    record(
        venue=active_venue(),
        aggregate_type="artwork",
        aggregate_id=artwork.pk,
        event_type="artwork.upserted",
        payload=artwork_payload(artwork),
    )


def exhibition_payload(exhibition: Exhibition) -> dict[str, object]:
    return {
        "id": exhibition.pk,
        "title": exhibition.title,
        "text": exhibition.text,
        "starts_on": exhibition.starts_on.isoformat(),
        "ends_on": exhibition.ends_on.isoformat(),
        "image_url": exhibition.image_url,
        "artists": sorted({item.artwork.artist.name for item in exhibition.items.select_related("artwork__artist")}),
        "artworks": [item.artwork_id for item in exhibition.items.all()],
        "published": exhibition.is_published,
    }


def record_exhibition(exhibition: Exhibition) -> None:
    record(
        venue=active_venue(),
        aggregate_type="exhibition",
        aggregate_id=exhibition.pk,
        event_type="exhibition.upserted",
        payload=exhibition_payload(exhibition),
    )
