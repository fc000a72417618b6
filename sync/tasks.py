"""Celery tasks of the sync: the relay (nudged after each commit that wrote the outbox, and run by beat every
few seconds regardless) and the nightly reconciliation of every venue's catalogue entries."""

from __future__ import annotations

from hub.celery import VenueTask, app

from .reconcile import reconcile
from .relay import drain


@app.task(name="sync.drain_outbox", acks_late=True)
def drain_outbox() -> dict[str, int]:
    report = drain()
    return {"processed": report.processed, "failed": report.failed, "parked": report.parked}


@app.task(base=VenueTask, name="sync.reconcile_catalogue", acks_late=True)
def reconcile_catalogue_at_venue() -> dict[str, int]:
    """Rebuild the catalogue entries of the venue the message names and repair drift."""
    from tenants.selectors import active_venue

    return reconcile(active_venue(), fix=True).counts()


@app.task(name="sync.reconcile_everywhere")
def reconcile_everywhere() -> list[str]:
    return reconcile_catalogue_at_venue.apply_everywhere()
