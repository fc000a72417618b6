"""Demo coworking resources of each demo venue (idempotent, keyed by name)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django_tenants.utils import tenant_context

from tenants.models import Venue

from .events import save_resource
from .models import Booking, OpeningHours, Resource

K = Resource.Kind

DEMO_RESOURCES = {
    "gresilles": [
        ("Open space — postes nomades", K.DESK, 12, "Postes en accès libre, écrans et casiers."),
        ("Poste fixe 1", K.DESK, 1, "Poste attitré, près des fenêtres."),
        ("Bureau A (4 postes)", K.OFFICE, 4, "Bureau fermé à loyer modéré."),
        ("Salle de réunion Tilleul", K.MEETING_ROOM, 10, "Écran, visio, paperboard."),
        ("Studio d'enregistrement", K.STUDIO, 4, "Cabine traitée, console 16 pistes."),
        ("Vidéoprojecteur portable", K.EQUIPMENT, 1, ""),
    ],
    "battants": [
        ("Espace coworking", K.DESK, 16, "Grand plateau lumineux, cuisine partagée."),
        ("Bureau du 2e étage", K.OFFICE, 3, "Bureau fermé pour une petite équipe."),
        ("Salle de réunion Battant", K.MEETING_ROOM, 8, "Écran et visioconférence."),
    ],
}


# Hourly rates excluding VAT (resident, network, public) per kind: moderate, as the hub's mission asks.
DEMO_RATES = {
    K.DESK: ("2.00", "3.00", "5.00"),
    K.OFFICE: ("6.00", "8.00", "12.00"),
    K.MEETING_ROOM: ("8.00", "12.00", "20.00"),
    K.STUDIO: ("15.00", "20.00", "35.00"),
    K.EQUIPMENT: ("3.00", "4.00", "6.00"),
}


def load_resources(venue: Venue) -> int:
    """Create the venue's demo resources and opening hours that are missing; returns the resource count."""
    with tenant_context(venue):
        for name, kind, capacity, description in DEMO_RESOURCES.get(venue.schema_name, []):
            resident, network, public = (Decimal(rate) for rate in DEMO_RATES[kind])
            pooled = kind == K.DESK and capacity > 1
            if Resource.objects.filter(name=name).exists():
                continue
            save_resource(
                venue=venue,
                resource=Resource(
                    name=name,
                    **{
                        "kind": kind,
                        "capacity": capacity,
                        "description": description,
                        "mode": Resource.Mode.POOLED if pooled else Resource.Mode.EXCLUSIVE,
                        "hourly_rate_resident": resident,
                        "hourly_rate_network": network,
                        "hourly_rate_public": public,
                        "buffer_minutes": 15 if kind == K.MEETING_ROOM else 0,
                    },
                ),
            )
        if not OpeningHours.objects.exists():
            OpeningHours.objects.bulk_create(
                OpeningHours(weekday=day, opens=dt.time(8, 30), closes=dt.time(19, 0)) for day in range(5)
            )
        return Resource.objects.count()


def load_bookings(venue: Venue, members: list, weeks: int = 3) -> int:
    """A few weeks of bookings by demo members (once: a venue that has bookings gets no more)."""
    import datetime as dt

    from django.utils import timezone

    from hub.errors import HubError

    from .services import book_resource

    with tenant_context(venue):
        if Booking.objects.exists():
            return Booking.objects.count()
        rooms = list(Resource.objects.exclude(mode=Resource.Mode.POOLED).order_by("name"))
        today = timezone.now().astimezone(venue.tzinfo).date()
        for offset in range(1, weeks * 7 + 1):
            day = today + dt.timedelta(days=offset)
            for index, (hour, hours) in enumerate([(9, 2), (14, 3)]):
                if not rooms or not members:
                    break
                room = rooms[(offset + index) % len(rooms)]
                start = dt.datetime.combine(day, dt.time(hour), tzinfo=venue.tzinfo)
                try:
                    book_resource(
                        venue=venue,
                        resource_id=room.pk,
                        member=members[(2 * offset + index) % len(members)],  # not in step with the rooms
                        start=start,
                        end=start + dt.timedelta(hours=hours),
                    )
                except HubError:
                    continue  # weekends, holidays, network quotas: the demo skips what the rules refuse
        return Booking.objects.count()


# name, kind, price excl. VAT, day credits, hours included a month, kinds covered
DEMO_PLANS = [
    ("Pass journée", "day_pass", "15.00", 1, None, ["desk"]),
    ("Carte 10 jours", "ten_day_card", "120.00", 10, None, ["desk"]),
    ("Nomade mensuel", "monthly_hot_desk", "160.00", None, 20, ["desk", "meeting_room"]),
    ("Poste fixe", "fixed_desk", "220.00", None, None, []),
    ("Bureau fermé", "office_rent", "390.00", None, None, []),
]


def load_plans(venue: Venue, organisations: list) -> int:
    """The venue's plans, and a subscription or two for its demo members (once)."""

    from django.utils import timezone

    from .models import Plan, Subscription
    from .plans import subscribe

    with tenant_context(venue):
        for name, kind, price, days, hours, kinds in DEMO_PLANS:
            Plan.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "price_excl_vat": Decimal(price),
                    "day_credits": days,
                    "included_hours_per_month": hours,
                    "covers_kinds": kinds,
                },
            )
        if not Subscription.objects.exists() and organisations:
            first = timezone.now().astimezone(venue.tzinfo).date().replace(day=1)
            subscribe(organisation=organisations[0], plan=Plan.objects.get(name="Nomade mensuel"), starts_on=first)
            office = Resource.objects.filter(kind=K.OFFICE).order_by("name").first()
            if office is not None and len(organisations) > 1:
                subscribe(
                    organisation=organisations[1],
                    plan=Plan.objects.get(name="Bureau fermé"),
                    starts_on=first,
                    resource=office,
                )
        return Plan.objects.count()
