"""Celery tasks of the gallery: thin, they call services with the venue named by the message."""

from __future__ import annotations

from hub.celery import VenueTask, app
from tenants.selectors import venues

from .sales import release_expired_holds


@app.task(base=VenueTask, name="gallery.release_expired_holds", acks_late=True)
def release_expired_holds_at_venue() -> int:
    """Release the expired holds of the venue the message names."""
    return release_expired_holds()


@app.task(name="gallery.release_expired_holds_everywhere")
def release_expired_holds_everywhere() -> list[str]:
    """Beat entry point (public schema): one venue task per venue."""
    slugs = list(venues().values_list("schema_name", flat=True))
    for slug in slugs:
        release_expired_holds_at_venue.apply_for_venue(slug)
    return slugs
