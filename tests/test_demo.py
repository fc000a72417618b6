"""The demo federation loads, is idempotent, and stays out of modes that do not allow it."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tenants.utils import schema_context

from federation.demo import DEMO_ORGANISATIONS, DEMO_PASSWORD
from federation.models import AuditEvent, Membership, Organisation, Partner, Sector, User, VenueRole
from federation.permissions import Action, can
from federation.selectors import network_terms
from federation.validators import validate_siret
from settlement.models import CrossSiteBooking
from tenants.coworking.models import Booking, Resource
from tenants.gallery.models import Artist, Artwork, ConsignedWork, Exhibition, Hold, Sale
from tenants.models import Domain, Venue


def _snapshot() -> dict[str, object]:
    counts: dict[str, object] = {
        model.__name__: model.objects.count() for model in (Venue, Domain, User, Organisation, Membership, VenueRole)
    }
    for slug in ("gresilles", "battants"):
        with schema_context(slug):
            counts[slug] = sorted(Resource.objects.values_list("name", flat=True))
            counts[slug + " bookings"] = Booking.objects.count()
            counts[slug + " gallery"] = [m.objects.count() for m in (Artist, Artwork, Exhibition, Hold, Sale)]
    return counts


def test_load_demo_is_idempotent(db: None) -> None:
    call_command("load_demo")
    first = _snapshot()
    call_command("load_demo")

    assert _snapshot() == first
    assert first["Venue"] == 2 and first["Organisation"] == len(DEMO_ORGANISATIONS)
    assert first["gresilles"] and first["battants"] and first["gresilles"] != first["battants"]
    assert first["gresilles bookings"] and first["battants bookings"]


def test_demo_covers_the_hubs_sectors_staff_and_accounts(db: None) -> None:
    call_command("load_demo")

    sectors = set(Organisation.objects.values_list("sector", flat=True))
    assert {
        Sector.MUSIC,
        Sector.VIDEO_GAMES,
        Sector.WEB,
        Sector.ADVERTISING,
        Sector.CINEMA,
        Sector.DESIGN,
        Sector.GRAPHIC_ARTS,
        Sector.THEATRE,
    } <= sectors
    for slug in ("gresilles", "battants"):
        roles = set(VenueRole.objects.filter(venue__schema_name=slug).values_list("role", flat=True))
        assert roles == {"manager", "staff"}
    admin = User.objects.get(email="admin@coursive.example")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    assert Organisation.objects.filter(kind=Organisation.Kind.INDIVIDUAL).exists()
    assert Organisation.objects.filter(status="applicant").count() == 1
    for organisation in Organisation.objects.all():
        validate_siret(organisation.siret)


def test_demo_partners_see_their_territory_and_members_book_across_venues(db: None) -> None:
    call_command("load_demo")

    venues = {p.name: sorted(p.venues.values_list("schema_name", flat=True)) for p in Partner.objects.all()}
    assert venues == {
        "Dijon Métropole": ["gresilles"],
        "Grand Besançon Métropole": ["battants"],
        "Région Bourgogne-Franche-Comté": ["battants", "gresilles"],
    }
    gresilles, battants = Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants")
    lea = User.objects.get(email="lea@sillon.example")  # Label Sillon, home: Grésilles
    hugo = User.objects.get(email="hugo@pixelcomtois.example")  # Pixel Comtois, home: 52 Battants
    assert can(lea, Action.VENUE_BOOK, battants) and can(hugo, Action.VENUE_BOOK, gresilles)
    assert network_terms(Organisation.objects.get(slug="label-sillon"), battants).monthly_hours == 20
    hosted = set(CrossSiteBooking.objects.values_list("host__schema_name", "home__schema_name"))
    assert hosted == {("battants", "gresilles"), ("gresilles", "battants")}  # the settlement has both ways
    assert AuditEvent.objects.filter(action="role.granted").count() == 4


@override_settings(HUB_DEMO_ALLOWED=False)
def test_load_demo_refuses_where_not_allowed(db: None) -> None:
    people = User.objects.count()
    with pytest.raises(CommandError, match="well-known passwords"):
        call_command("load_demo")
    assert User.objects.count() == people


def test_demo_galleries_show_member_artists_works_sales_and_a_hold(db: None) -> None:
    call_command("load_demo")
    consigned = 0
    for slug in ("gresilles", "battants"):
        with schema_context(slug):
            assert Exhibition.objects.filter(is_published=True).count() == 1
            assert Exhibition.objects.get().items.count() >= 3
            assert not Artist.objects.filter(person=None).exists()  # all are people of member organisations
            consigned += ConsignedWork.objects.count()
            assert Sale.objects.filter(status="completed").exists()
            assert Hold.objects.filter(status="active").count() == 1
            assert Artwork.objects.filter(status="available").exists()
    assert consigned >= 12
    with schema_context("battants"):
        assert Artwork.objects.filter(edition_size=30, edition_of=None).exists()  # a screen print in an edition
