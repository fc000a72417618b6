"""Activity at the venues for the partners' figures, written the way the venues write it (model saves in the
venue's schema, so the outbox records what changed), plus partner clients."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg.types.range import Range

from federation.models import Organisation, Partner, User
from federation.services import create_partner
from federation.tokens import create_partner_token
from tenants.coworking.models import Booking, OpeningHours, Resource
from tenants.events.models import Event, Registration
from tenants.gallery.models import Artist, Artwork, Consignment, Sale
from tenants.models import Venue

from .factories import OrganisationFactory, UserFactory

PARIS = timezone.get_default_timezone()
_numbers = itertools.count(1)


def local(day: dt.date, hour: float) -> dt.datetime:
    minutes = round(hour * 60)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=PARIS)


@dataclass
class Stage:
    """Two venues open Monday to Friday 9:00–18:00, each with a desk space (10 seats), a meeting room and a
    studio; organisations are made on demand."""

    venue_a: Venue
    venue_b: Venue
    rooms: dict[tuple[str, str], int] = field(default_factory=dict)
    seller: User | None = None

    def organisation(self, sector: str, home: Venue | None = None, **fields: Any) -> Organisation:
        n = next(_numbers)
        return OrganisationFactory.create(
            name="Organisation %d" % n,
            slug="org-%d" % n,
            sector=sector,
            home_venue=home or self.venue_a,
            status=Organisation.Status.ACTIVE,
            activated_at=fields.pop("activated_at", dt.datetime(2024, 6, 3, 9, tzinfo=PARIS)),
            **fields,
        )

    def person(self) -> User:
        return UserFactory.create()

    def book(
        self,
        venue: Venue,
        day: dt.date,
        organisation: Organisation | None,
        *,
        kind: str = Resource.Kind.MEETING_ROOM,
        start: float = 9,
        hours: float = 2,
        seats: int = 1,
        network: bool = False,
        status: str = Booking.Status.CONFIRMED,
        member: User | None = None,
    ) -> Booking:
        with schema_context(venue.schema_name):
            resource = Resource.objects.get(pk=self.rooms[venue.schema_name, kind])
            during = Range(local(day, start), local(day, start + hours), "[)")
            booking = Booking(
                resource=resource,
                member=member or self.person(),
                organisation=organisation,
                during=during,
                blocks=during,
                exclusive=resource.mode == Resource.Mode.EXCLUSIVE,
                seats=seats,
                status=status,
                rate_category="member",
                price_excl_vat=Decimal("20.00"),
                vat_rate=Decimal("20.00"),
                price_incl_vat=Decimal("24.00"),
                network=network,
            )
            booking.save()
            return booking

    def sell(self, venue: Venue, day: dt.date, amount: str, organisation: Organisation | None) -> Sale:
        with schema_context(venue.schema_name):
            artist = Artist.objects.create(name="Artist %d" % next(_numbers), organisation=organisation)
            artwork = Artwork.objects.create(artist=artist, title="Work", price=Decimal(amount), status="sold")
            consignment = Consignment.objects.create(artist=artist, commission_rate=Decimal("30"), starts_on=day)
            price = Decimal(amount)
            sale = Sale(
                artwork=artwork,
                artist=artist,
                consignment=consignment,
                price=price,
                vat_regime=Sale.VatRegime.EXEMPT,
                vat_rate=Decimal("0"),
                vat_amount=Decimal("0"),
                price_excl_vat=price,
                commission_rate=Decimal("30"),
                commission=(price * Decimal("0.3")).quantize(Decimal("0.01")),
                artist_net=(price * Decimal("0.7")).quantize(Decimal("0.01")),
                contribution=Decimal("0"),
                author_due=(price * Decimal("0.7")).quantize(Decimal("0.01")),
                payment_method=Sale.PaymentMethod.CARD,
                sold_at=local(day, 15),
                sold_by=self.seller or self.person(),
            )
            sale.save()
            return sale

    def event(self, venue: Venue, day: dt.date, kind: str = Event.Kind.CAFE) -> Event:
        with schema_context(venue.schema_name):
            event = Event(
                kind=kind,
                title="Café %d" % next(_numbers),
                starts_at=local(day, 9),
                ends_at=local(day, 10),
                capacity=50,
                price_member=Decimal("0"),
                price_network=Decimal("0"),
                price_public=Decimal("5"),
                visibility="network",
            )
            event.save()
            return event

    def register(
        self, venue: Venue, event: Event, organisation: Organisation | None, status: str = "attended"
    ) -> Registration:
        with schema_context(venue.schema_name):
            registration = Registration(
                event=event,
                person=self.person(),
                organisation=organisation,
                status=status,
                category="member",
                price=Decimal("0"),
                attended_at=timezone.now() if status == "attended" else None,
            )
            registration.save()
            return registration


def make_stage(venue_a: Venue, venue_b: Venue) -> Stage:
    stage = Stage(venue_a, venue_b)
    for venue in (venue_a, venue_b):
        with schema_context(venue.schema_name):
            OpeningHours.objects.all().delete()
            for weekday in range(5):
                OpeningHours.objects.create(weekday=weekday, opens=dt.time(9), closes=dt.time(18))
            for kind, mode, capacity in (
                (Resource.Kind.DESK, Resource.Mode.POOLED, 10),
                (Resource.Kind.MEETING_ROOM, Resource.Mode.EXCLUSIVE, 8),
                (Resource.Kind.STUDIO, Resource.Mode.EXCLUSIVE, 4),
            ):
                resource = Resource.objects.create(
                    name="%s %s" % (kind, venue.schema_name), kind=kind, mode=mode, capacity=capacity
                )
                stage.rooms[venue.schema_name, kind] = resource.pk
    return stage


@pytest.fixture
def stage(venue_a: Venue, venue_b: Venue) -> Stage:
    return make_stage(venue_a, venue_b)


@dataclass
class PartnerClient:
    partner: Partner
    token: str


def partner_for(*venues: Venue, name: str = "Grand Dijon") -> PartnerClient:
    partner = create_partner(name=name, kind="agglomeration", territory=name, venues=list(venues))
    return PartnerClient(partner, create_partner_token(partner=partner).secret)
