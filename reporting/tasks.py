"""Celery tasks of the partners' rollups: every night, each venue's coworking figures are recounted from
yesterday (late check-ins, released no-shows) to the bookable-hours horizon, which moves one day ahead."""

from __future__ import annotations

from hub.celery import VenueTask, app

from . import rollups


@app.task(base=VenueTask, name="reporting.extend_horizon", acks_late=True)
def extend_horizon_at_venue() -> str:
    from tenants.selectors import active_venue

    venue = active_venue()
    rollups.extend_horizon(venue)
    return venue.schema_name


@app.task(name="reporting.extend_horizon_everywhere")
def extend_horizon_everywhere() -> list[str]:
    return extend_horizon_at_venue.apply_everywhere()
