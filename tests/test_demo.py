"""The demo federation loads, is idempotent, and stays out of modes that do not allow it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from federation.demo import DEMO_ORGANISATIONS, DEMO_PASSWORD
from federation.models import AuditEvent, Membership, Organisation, Partner, Sector, User, VenueRole
from federation.permissions import Action, can
from federation.selectors import network_terms
from federation.validators import validate_siret
from reporting.demo import HISTORY_ORGANISATIONS, KEY, history_start
from reporting.models import DailyFigure, MemberSpell, MonthlyFigure, SurveyAnswer, SurveyCampaign
from settlement.models import CrossSiteBooking
from sync.reconcile import reconcile
from tenants.coworking.models import Booking, Resource
from tenants.events.models import Event, Registration
from tenants.gallery.models import Artist, Artwork, ConsignedWork, Exhibition, Hold, Sale
from tenants.models import Domain, Venue


def _snapshot() -> dict[str, object]:
    history = (SurveyCampaign, SurveyAnswer, MemberSpell, DailyFigure, MonthlyFigure)
    counts: dict[str, object] = {
        model.__name__: model.objects.count()
        for model in (Venue, Domain, User, Organisation, Membership, VenueRole, *history)
    }
    counts["activated"] = sorted(Organisation.objects.values_list("slug", "activated_at", "left_at"))
    for slug in ("gresilles", "battants"):
        with schema_context(slug):
            counts[slug] = sorted(Resource.objects.values_list("name", flat=True))
            counts[slug + " bookings"] = Booking.objects.count()
            counts[slug + " gallery"] = [m.objects.count() for m in (Artist, Artwork, Exhibition, Hold, Sale)]
            counts[slug + " events"] = [Event.objects.count(), Registration.objects.count()]
    return counts


def test_load_demo_is_idempotent(db: None) -> None:
    call_command("load_demo")
    first = _snapshot()
    call_command("load_demo")

    assert _snapshot() == first
    assert first["Venue"] == 2 and first["Organisation"] == len(DEMO_ORGANISATIONS) + len(HISTORY_ORGANISATIONS)
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


def test_demo_has_two_years_of_history_at_both_venues(db: None) -> None:
    call_command("load_demo")
    today = timezone.localdate()
    first = history_start(today)
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time()))

    # members join over the two years, a few leave; every sector has members, one has a single one at a venue
    active = Organisation.objects.exclude(activated_at=None).exclude(status="applicant")
    assert 25 <= active.count() <= 35
    joined = {timezone.localdate(o.activated_at).replace(day=1) for o in active if o.activated_at}
    assert len([month for month in joined if month >= first]) >= 12
    assert Organisation.objects.filter(status="left", left_at__gte=start_of_today - dt.timedelta(days=730)).count() >= 3
    assert set(active.values_list("sector", flat=True)) == set(Sector.values)
    assert active.filter(home_venue__schema_name="gresilles", sector=Sector.VIDEO_GAMES).count() == 1
    assert MemberSpell.objects.count() == active.count()

    for slug in ("gresilles", "battants"):
        with schema_context(slug):
            past = Booking.objects.filter(idempotency_key__startswith=KEY)
            assert past.filter(during__startswith__lt=start_of_today).count() == past.count() > 4000
            lowest = timezone.localdate(past.order_by("during").first().during.lower)  # type: ignore[union-attr]
            assert lowest < first + dt.timedelta(days=7)
            assert past.filter(network=True).count() > past.count() // 20  # visitors from the other venue
            assert past.filter(organisation=None).exists() and past.filter(status="cancelled").exists()
            sales = Sale.objects.filter(idempotency_key__startswith=KEY)
            assert sales.count() >= 48 and sales.values("artist").distinct().count() >= 4
            assert not sales.filter(sold_at__gte=start_of_today).exists()
            events = Event.objects.filter(starts_at__lt=start_of_today)
            assert set(events.values_list("kind", flat=True)) == set(Event.Kind.values)
            assert Registration.objects.filter(event__in=events, status="attended").count() > 300

    closed = SurveyCampaign.objects.get(year=today.year - 1)
    assert closed.closed_at is not None
    assert closed.answers.filter(version=2).exists() and closed.answers.filter(consent=False).exists()
    assert closed.answers.filter(version=1).count() >= 20
    current = SurveyCampaign.objects.get(year=today.year)
    assert current.closed_at is None and current.opens_on <= today <= current.closes_on
    assert current.answers.exists()
    assert MonthlyFigure.objects.filter(month=first).exists()

    for venue in Venue.objects.exclude(schema_name="public"):  # the catalogue shows the history's events too
        assert reconcile(venue).counts() | {"checked": 0} == {"checked": 0, "missing": 0, "stale": 0, "orphan": 0}
