"""Celery tasks of the coworking app: thin, they call services with the venue named by the message."""

from __future__ import annotations

from hub.celery import VenueTask, app

from .services import release_no_shows


@app.task(base=VenueTask, name="coworking.release_no_shows", acks_late=True)
def release_no_shows_at_venue() -> int:
    """Release the no-shows of the venue the message names."""
    return release_no_shows()


@app.task(name="coworking.release_no_shows_everywhere")
def release_no_shows_everywhere() -> list[str]:
    """Beat entry point (public schema): one venue task per venue, so one venue's failure stays its own."""
    return release_no_shows_at_venue.apply_everywhere()
