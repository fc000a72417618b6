"""A venue programme for the events tests: at venue A (gresilles), people of every standing and a few events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from federation import services as federation
from federation.models import Organisation, User
from federation.tokens import create_api_token
from tenants.events import services
from tenants.events.models import Event, Visibility

from .factories import UserFactory
from .federation_fixtures import VALID_SIRET, Cast

SIRET_B = "89160976300018"  # another SIRET with a valid checksum


@dataclass
class Programme:
    cast: Cast
    network_member: User  # of an organisation homed at venue B
    outsider: User  # a person of no organisation
    cafe: Event  # network, capacity 2, free for members, 5 € network, 12 € public
    workshop: Event  # the venue's members only
    opening: Event  # public

    @property
    def member(self) -> User:  # of an organisation homed at venue A
        return self.cast.people["member"]

    @property
    def staff(self) -> User:
        return self.cast.people["staff_a"]

    def token(self, person: User) -> str:
        return create_api_token(user=person).secret


def soon(days: int = 3, hour: int = 9) -> dt.datetime:
    day = timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def make_event(staff: User, **fields: Any) -> Event:
    values: dict[str, Any] = {
        "kind": Event.Kind.CAFE,
        "title": "Café pro",
        "starts_at": soon(),
        "ends_at": soon() + dt.timedelta(hours=2),
        "capacity": 10,
        "visibility": Visibility.NETWORK,
    } | fields
    return services.save_event(event=Event(), changes=values, actor=staff)


def make_programme(cast: Cast) -> Programme:
    network_member = UserFactory.create(email="nora@bobine.example")
    organisation = federation.apply_for_membership(
        applicant=network_member,
        home_venue=cast.venue_b,
        name="Bobine Films",
        sector="cinema",
        siret=SIRET_B,
        directory_consent=True,
    )
    federation.change_organisation_status(organisation=organisation, status=Organisation.Status.ACTIVE, actor=None)
    outsider = UserFactory.create(email="visiteur@example.org")
    staff = cast.people["staff_a"]
    with schema_context(cast.venue_a.schema_name):
        cafe = make_event(
            staff,
            capacity=2,
            price_member=Decimal("0"),
            price_network=Decimal("5"),
            price_public=Decimal("12"),
        )
        workshop = make_event(
            staff,
            kind=Event.Kind.WORKSHOP,
            title="Atelier résidents",
            visibility=Visibility.VENUE,
            starts_at=soon(4),
            ends_at=soon(4) + dt.timedelta(hours=3),
        )
        opening = make_event(
            staff,
            kind=Event.Kind.OPENING,
            title="Vernissage",
            visibility=Visibility.PUBLIC,
            capacity=100,
            starts_at=soon(5, 17),
            ends_at=soon(5, 20),
        )
    return Programme(cast, network_member, outsider, cafe, workshop, opening)


@pytest.fixture
def programme(cast: Cast) -> Programme:
    return make_programme(cast)


__all__ = ["VALID_SIRET", "Programme", "make_event", "make_programme", "programme", "soon"]
