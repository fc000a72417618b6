"""The events app's part of GDPR export and erasure (run once per venue schema). Registrations hold no
personal field of their own (they point at the person, pseudonymised by the federation) and past ones stay
for the partners' attendance figures; erasure gives up the person's coming seats to the waiting lists."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from federation.models import User

from . import registrations
from .models import Event, Registration


def export_person(person: User) -> dict[str, Any]:
    return {
        "registrations": [
            {
                "event": r.event.title,
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "price": str(r.price),
                "registered_at": r.created_at.isoformat(),
            }
            for r in Registration.objects.filter(person=person).select_related("event").order_by("created_at")
        ],
        "advice_given": [
            {"event": e.title, "starts_at": e.starts_at.isoformat()}
            for e in Event.objects.filter(advisor=person).order_by("starts_at")
        ],
    }


def anonymise_person(person: User) -> int:
    """Cancel the person's registrations to coming events (their seats go to the first in line)."""
    coming = Registration.objects.filter(
        person=person,
        status__in=(Registration.Status.CONFIRMED, Registration.Status.WAITLISTED),
        event__starts_at__gt=timezone.now(),
    )
    cancelled = 0
    for registration in coming.order_by("event_id"):
        registrations.cancel(registration=registration, actor=person)
        cancelled += 1
    return cancelled
