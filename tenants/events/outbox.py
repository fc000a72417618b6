"""Outbox events of a venue's programme for the shared catalogue: its events and programmes that members of
other venues or the public may see, with the seats left (and attendance, for the partners' rollups). Call in
the transaction of the change, with the row locked; `published` false tells the catalogue to drop it."""

from __future__ import annotations

from sync.outbox import record
from tenants.selectors import active_venue

from .models import Event, Programme, Registration, Visibility

CATALOGUE = (Visibility.NETWORK, Visibility.PUBLIC)  # a venue-only event stays off the shared catalogue


def event_payload(event: Event) -> dict[str, object]:
    held = event.registrations.filter(status__in=Registration.HOLDS_A_SEAT).count()
    attended = event.registrations.filter(status=Registration.Status.ATTENDED).count()
    published = event.is_published and event.status == Event.Status.SCHEDULED and event.visibility in CATALOGUE
    if event.visibility not in CATALOGUE:  # the venue's own: what the partners' figures need, nothing more
        return {
            "id": event.pk,
            "kind": event.kind,
            "starts_at": event.starts_at.isoformat(),
            "attended": attended,
            "published": False,
        }
    return {
        "id": event.pk,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "visibility": event.visibility,
        "prices": {
            "member": str(event.price_member),
            "network": str(event.price_network),
            "public": str(event.price_public),
        },
        "capacity": event.capacity,
        "seats_left": max(event.capacity - held, 0),
        "attended": attended,  # for the partners' attendance figures
        "programme": event.programme_id,
        "published": published,
    }


def record_event(event: Event) -> None:
    record(
        venue=active_venue(),
        aggregate_type="event",
        aggregate_id=event.pk,
        event_type="event.upserted",
        payload=event_payload(event),
    )


def programme_payload(programme: Programme) -> dict[str, object]:
    # the sessions its audience may see: a public programme lists its public sessions only
    audience = [Visibility.PUBLIC] if programme.visibility == Visibility.PUBLIC else list(CATALOGUE)
    sessions = programme.sessions.filter(
        status=Event.Status.SCHEDULED, is_published=True, visibility__in=audience
    ).order_by("starts_at", "id")
    return {
        "id": programme.pk,
        "title": programme.title,
        "description": programme.description,
        "visibility": programme.visibility,
        "sessions": [
            {"id": s.pk, "title": s.title, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()}
            for s in sessions
        ],
        "published": programme.is_published and programme.visibility in CATALOGUE,
    }


def record_programme(programme: Programme) -> None:
    record(
        venue=active_venue(),
        aggregate_type="programme",
        aggregate_id=programme.pk,
        event_type="programme.upserted",
        payload=programme_payload(programme),
    )
