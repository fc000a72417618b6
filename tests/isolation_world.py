"""The world of the isolation matrix: both venues hold one of everything their APIs serve, every name marked
with its venue, so a response can be searched for the other venue's mark.

Venue B's ids are moved far above venue A's (sequences are not transactional: the jump stays for the session,
which no test minds), so an id of one venue names nothing at the other and "not found" is the only right
answer there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg.types.range import Range

from federation import services as federation
from federation.models import ApiToken, Organisation, User, VenueRole
from federation.tokens import create_api_token
from marketplace.models import ServiceOffer
from reporting.models import SurveyCampaign
from tenants.coworking.models import Booking, OpeningHours, Plan, Resource, Subscription
from tenants.events.models import Event, Programme, Registration
from tenants.gallery.models import Artist, ArtistPayout, Artwork, ConsignedWork, Consignment, Exhibition, Hold, Sale
from tenants.models import Venue

from .events_fixtures import SIRET_B
from .factories import UserFactory
from .federation_fixtures import Cast

MARK = {"gresilles": "Repère-Grésilles-Q7", "battants": "Repère-Battants-K4"}
B_IDS_FROM = 1_000_000


@dataclass
class Place:
    """One venue's objects, by the name the matrix's paths use: `{resource}`, `{booking}`…"""

    venue: Venue
    ids: dict[str, int] = field(default_factory=dict)
    org: str = ""  # an organisation at home there


@dataclass
class World:
    cast: Cast
    a: Place
    b: Place
    calendar_tokens: dict[str, str]  # role -> a token with the calendar scope (anonymous: one that is not)
    common: dict[str, str | int]  # what does not belong to a venue: `{org}`, `{member_token}`, `{year}`…

    def values(self, place: Place, role: str) -> dict[str, str | int]:
        return {**self.common, **place.ids, "home_org": place.org, "calendar_token": self.calendar_tokens[role]}


def _jump_sequences(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%%I.%%I', schemaname, sequencename) FROM pg_sequences "
            "WHERE schemaname = %s AND coalesce(last_value, 0) < %s",
            [schema, B_IDS_FROM],
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute("SELECT setval(%s::regclass, %s)", [sequence, B_IDS_FROM])


def _furnish(venue: Venue, member: User, organisation: Organisation, staff: User) -> Place:
    mark = MARK[venue.schema_name]
    today = timezone.now().astimezone(venue.tzinfo).date()
    start = dt.datetime.combine(today + dt.timedelta(days=6), dt.time(10), tzinfo=venue.tzinfo)
    place = Place(venue)
    with schema_context(venue.schema_name):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        resource = Resource.objects.create(name="Salle " + mark, kind=Resource.Kind.MEETING_ROOM, capacity=8)
        during = Range(start, start + dt.timedelta(hours=2), "[)")
        booking = Booking.objects.create(
            resource=resource,
            member=member,
            organisation=organisation,
            during=during,
            blocks=during,
            exclusive=True,
            rate_category="member",
            price_excl_vat=Decimal("20.00"),
            vat_rate=Decimal("20.00"),
            price_incl_vat=Decimal("24.00"),
        )
        plan = Plan.objects.create(name="Forfait " + mark, kind="desk", price_excl_vat=Decimal("150.00"))
        Subscription.objects.create(organisation=organisation, plan=plan, starts_on=today.replace(day=1))
        artist = Artist.objects.create(name="Artiste " + mark, email="artiste@%s.example" % venue.schema_name)
        artwork, sold, spare = (
            Artwork.objects.create(artist=artist, title=title + mark, price=Decimal("400.00"), status=status)
            for title, status in (
                ("Œuvre ", Artwork.Status.AVAILABLE),
                ("Vendue ", Artwork.Status.SOLD),
                ("Réserve ", Artwork.Status.AVAILABLE),
            )
        )
        consignment = Consignment.objects.create(
            artist=artist, commission_rate=Decimal("30"), starts_on=today - dt.timedelta(days=30)
        )
        for work in (artwork, sold, spare):
            ConsignedWork.objects.create(consignment=consignment, artwork=work, period=(consignment.starts_on, None))
        exhibition = Exhibition.objects.create(
            title="Exposition " + mark, starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=30)
        )
        exhibition.artworks.add(artwork)
        hold = Hold.objects.create(
            artwork=artwork, buyer_name="Acheteur " + mark, expires_at=timezone.now() + dt.timedelta(days=2)
        )
        sale = Sale.objects.create(
            artwork=sold,
            artist=artist,
            consignment=consignment,
            price=Decimal("400.00"),
            vat_regime=Sale.VatRegime.EXEMPT,
            vat_rate=Decimal("0"),
            vat_amount=Decimal("0"),
            price_excl_vat=Decimal("400.00"),
            commission_rate=Decimal("30"),
            commission=Decimal("120.00"),
            artist_net=Decimal("280.00"),
            contribution=Decimal("0"),
            author_due=Decimal("280.00"),
            payment_method=Sale.PaymentMethod.CARD,
            buyer_name="Acheteuse " + mark,
            sold_at=timezone.now() - dt.timedelta(days=2),
            sold_by=staff,
        )
        first_of_month = today.replace(day=1) - dt.timedelta(days=40)
        period_end = first_of_month.replace(day=28)
        payout = ArtistPayout.objects.create(
            artist=artist, period_start=first_of_month, period_end=period_end, period=(first_of_month, period_end)
        )
        programme = Programme.objects.create(title="Parcours " + mark, visibility="public")
        event = Event.objects.create(
            kind=Event.Kind.CAFE,
            title="Café " + mark,
            starts_at=start + dt.timedelta(days=1),
            ends_at=start + dt.timedelta(days=1, hours=2),
            capacity=20,
            visibility="public",
            programme=programme,
        )
        registration = Registration.objects.create(
            event=event, person=member, organisation=organisation, status="confirmed", category="member", price=0
        )
        place.ids = {
            "resource": resource.pk,
            "booking": booking.pk,
            "artist": artist.pk,
            "artwork": artwork.pk,
            "spare": spare.pk,  # consigned, available, not held
            "consignment": consignment.pk,
            "exhibition": exhibition.pk,
            "hold": hold.pk,
            "sale": sale.pk,
            "payout": payout.pk,
            "programme": programme.pk,
            "event": event.pk,
            "registration": registration.pk,
            "plan": plan.pk,
            "staff_role": VenueRole.objects.filter(venue=venue).earliest("pk").pk,
        }
        place.org = organisation.slug
    return place


def make_world(cast: Cast) -> World:
    _jump_sequences(cast.venue_b.schema_name)
    a_member = cast.people["member"]
    b_member = UserFactory.create(email="nora@bobine.example", full_name="Nora " + MARK["battants"])
    b_organisation = federation.apply_for_membership(
        applicant=b_member,
        home_venue=cast.venue_b,
        name="Bobine " + MARK["battants"],
        sector="cinema",
        siret=SIRET_B,
        directory_consent=True,
    )
    federation.change_organisation_status(organisation=b_organisation, status="active", actor=None)
    Organisation.objects.filter(pk=cast.organisation.pk).update(name="Label " + MARK["gresilles"])
    for role, slug in (("staff_a", "gresilles"), ("manager_a", "gresilles"), ("staff_b", "battants")):
        User.objects.filter(pk=cast.people[role].pk).update(full_name="Équipe " + MARK[slug])
    a = _furnish(cast.venue_a, a_member, cast.organisation, cast.people["staff_a"])
    b = _furnish(cast.venue_b, b_member, b_organisation, cast.people["staff_b"])
    offer = ServiceOffer.objects.create(organisation=cast.organisation, title="Mixage", sector="music")
    offer.venues.add(cast.venue_a)
    year = timezone.now().year
    SurveyCampaign.objects.create(year=year, opens_on=dt.date(year, 1, 1), closes_on=dt.date(year, 12, 31))
    calendar_tokens = {
        role: create_api_token(user=person, scopes=["calendar"]).secret for role, person in cast.people.items()
    }
    calendar_tokens |= {"anonymous": "hub_not-a-token", "partner": cast.tokens["partner"]}
    common: dict[str, str | int] = {
        "org": cast.organisation.slug,
        "member_token": ApiToken.objects.filter(user=cast.people["member"]).earliest("pk").pk,
        "offer": offer.pk,
        "year": year,
        "month": (timezone.now() - dt.timedelta(days=40)).strftime("%Y-%m"),
        "other": cast.venue_b.schema_name,
    }
    return World(cast, a, b, calendar_tokens, common)
