"""Demo programme of each demo venue: a month of professional cafés and workshops (three of them a training
programme), an opening, an advice-appointment schedule, and some registrations (once per venue)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import tenant_context

from federation.models import User
from hub.errors import HubError
from tenants.coworking.models import Resource
from tenants.models import Venue

from . import registrations, services
from .models import Event, Programme, Visibility

K = Event.Kind
WORKSHOPS = [
    ("Stratégie commerciale pour les structures culturelles", "Trouver ses marchés, fixer ses prix, vendre."),
    ("Comptabilité analytique : connaître le coût de ses projets", "Ventiler ses charges par projet."),
    ("Répondre aux marchés publics", "Lire un DCE, constituer un dossier, se grouper."),
]


def _next(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7 or 7)


def _at(venue: Venue, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=venue.tzinfo)


def _event(venue: Venue, staff: User, room: Resource | None, **fields: object) -> Event:
    try:  # in the meeting room if it is free then, elsewhere in the building otherwise
        return services.save_event(event=Event(), changes=fields, room=room.pk if room else None, actor=staff)
    except HubError:
        return services.save_event(event=Event(), changes=fields, room=None, actor=staff)


def load_events(venue: Venue, members: list[User]) -> int:
    """Create the venue's demo programme if it has none; returns how many events it has."""
    with tenant_context(venue):
        if Event.objects.exists():
            return Event.objects.count()
        staff = User.objects.get(email="staff.%s@coursive.example" % venue.schema_name)
        advisor = User.objects.get(email="manager.%s@coursive.example" % venue.schema_name)
        room = Resource.objects.filter(kind=Resource.Kind.MEETING_ROOM).order_by("pk").first()
        today = timezone.now().astimezone(venue.tzinfo).date()
        programme = services.save_programme(
            programme=Programme(
                title="Parcours entreprendre dans les industries créatives",
                description="Trois ateliers pour structurer son activité.",
                visibility=Visibility.NETWORK,
            )
        )
        cafe_day = _next(today, 1)  # Tuesdays
        for week in range(4):
            day = cafe_day + dt.timedelta(weeks=week)
            _event(
                venue,
                staff,
                None,
                kind=K.CAFE,
                title="Café pro : %s" % ["se présenter", "trouver des partenaires", "financer", "exporter"][week],
                description="Un café pour se rencontrer entre membres du pôle et faire naître des projets.",
                starts_at=_at(venue, day, 8, 30),
                ends_at=_at(venue, day, 10),
                capacity=25,
                visibility=Visibility.NETWORK,
            )
        workshop_day = _next(today, 3)  # Thursdays
        for week, (title, text) in enumerate(WORKSHOPS):
            day = workshop_day + dt.timedelta(weeks=week)
            _event(
                venue,
                staff,
                room,
                kind=K.WORKSHOP,
                title=title,
                description=text,
                starts_at=_at(venue, day, 14),
                ends_at=_at(venue, day, 17),
                capacity=8 if week == 0 else 12,
                price_member=Decimal("0"),
                price_network=Decimal("10"),
                price_public=Decimal("30"),
                visibility=Visibility.NETWORK,
                programme=programme,
            )
        opening = _next(today, 4) + dt.timedelta(weeks=1)  # a Friday evening
        _event(
            venue,
            staff,
            None,
            kind=K.OPENING,
            title="Vernissage de l'exposition",
            description="Ouvert à tous.",
            starts_at=_at(venue, opening, 18, 30),
            ends_at=_at(venue, opening, 21),
            capacity=120,
            visibility=Visibility.PUBLIC,
        )
        advice_day = _next(today, 2)  # Wednesdays: one-to-one advice with the venue's manager
        for week in range(4):
            for hour in (10, 11, 14, 15):
                day = advice_day + dt.timedelta(weeks=week)
                _event(
                    venue,
                    staff,
                    None,
                    kind=K.ADVICE,
                    title="Rendez-vous conseil création d'activité",
                    description="Une heure pour présenter son projet et être orienté.",
                    starts_at=_at(venue, day, hour),
                    ends_at=_at(venue, day, hour + 1),
                    capacity=1,
                    visibility=Visibility.NETWORK,
                    advisor=advisor,
                )
        for person in members:
            for event in Event.objects.filter(kind__in=[K.CAFE, K.OPENING]).order_by("starts_at")[:2]:
                try:
                    registrations.register(event_id=event.pk, person=person)
                except HubError:
                    pass  # not open to them: a venue-only event, or registered already
        return Event.objects.count()
