"""The gallery's part of GDPR export and erasure (run once per venue schema).

Sales and payouts stay for accounting (ten years); erasure clears the personal fields they carry: an outside
buyer's name and e-mail on sales and holds, and an artist record's name, contact details and biography (its
works, sales and statements keep pointing at the renamed record)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from federation.models import User

from .models import Artist, Hold, Sale
from .services import republish_artist


def _as_buyer(person: User) -> Q:
    return Q(buyer_person=person) | Q(buyer_person=None, buyer_email__iexact=person.email)


def export_person(person: User) -> dict[str, Any]:
    artists = Artist.objects.filter(Q(person=person) | Q(email__iexact=person.email))
    return {
        "artist": [
            {
                "name": a.name,
                "email": a.email,
                "bio": a.bio,
                "website": a.website,
                "artworks": [w.title for w in a.artworks.order_by("id")],
                "payouts": [
                    {"from": p.period_start.isoformat(), "to": p.period_end.isoformat(), "net_due": str(p.net_due)}
                    for p in a.payouts.order_by("period_start")
                ],
            }
            for a in artists.order_by("id")
        ],
        "purchases": [
            {
                "artwork": str(s.artwork),
                "price": str(s.price),
                "sold_at": s.sold_at.isoformat(),
                "status": s.status,
                "buyer_name": s.buyer_name,
                "buyer_email": s.buyer_email,
            }
            for s in Sale.objects.filter(_as_buyer(person)).select_related("artwork").order_by("sold_at")
        ],
        "holds": [
            {"artwork": str(h.artwork), "expires_at": h.expires_at.isoformat(), "status": h.status}
            for h in Hold.objects.filter(_as_buyer(person)).select_related("artwork").order_by("created_at")
        ],
    }


def anonymise_person(person: User) -> int:
    changed = Sale.objects.filter(_as_buyer(person)).update(
        buyer_name="", buyer_email="", idempotency_key="", request_fingerprint="", cancel_reason=""
    )
    changed += Hold.objects.filter(_as_buyer(person)).update(buyer_name="", buyer_email="", note="")
    for artist in Artist.objects.filter(Q(person=person) | Q(email__iexact=person.email)):
        artist.name = _("Anonymised artist %(id)d") % {"id": artist.pk}
        artist.email = artist.bio = artist.website = ""
        artist.save(update_fields=["name", "email", "bio", "website"])
        republish_artist(artist)  # the catalogue shows the artist's name on works and exhibitions
        changed += 1
    return changed
