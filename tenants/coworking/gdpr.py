"""The coworking app's part of GDPR export and erasure (run once per venue schema)."""

from __future__ import annotations

from typing import Any

from federation.models import User

from .models import Booking


def export_bookings(person: User) -> list[dict[str, Any]]:
    return [
        {
            "resource": b.resource.name,
            "start": b.during.lower.isoformat(),
            "end": b.during.upper.isoformat(),
            "status": b.status,
            "price_incl_vat": str(b.price_incl_vat),
            "cancellation_fee": str(b.cancellation_fee),
        }
        for b in Booking.objects.filter(member=person).select_related("resource").order_by("during")
    ]


def pseudonymise_bookings(person: User) -> int:
    """Bookings stay for accounting; they hold no personal field of their own and point at the erased
    (pseudonymised) person, so only the free-text idempotency keys a client chose are cleared."""
    return Booking.objects.filter(member=person).exclude(idempotency_key="").update(idempotency_key="")
