"""Celery tasks of the gallery: thin, they call services with the venue named by the message."""

from __future__ import annotations

from hub.celery import VenueTask, app

from .sales import release_expired_holds
from .services import withdraw_unconsigned


@app.task(base=VenueTask, name="gallery.release_expired_holds", acks_late=True)
def release_expired_holds_at_venue() -> dict[str, int]:
    """Release the expired holds of the venue the message names, and withdraw from sale the works whose
    consignment has ended."""
    return {"holds_released": release_expired_holds(), "works_withdrawn": withdraw_unconsigned()}


@app.task(name="gallery.release_expired_holds_everywhere")
def release_expired_holds_everywhere() -> list[str]:
    """Beat entry point (public schema): one venue task per venue."""
    return release_expired_holds_at_venue.apply_everywhere()
