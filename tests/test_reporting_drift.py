"""The partners' rollups stay equal to a recount from the venue schemas after the changes that used to leave
them behind: an organisation's sector, a resource's kind or no-show release, a booking, sale or registration
moved to another day, an artist's organisation, and the services' bulk updates (released no-shows, a room
an event gives back)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg.types.range import Range

from reporting import recount, rollups
from reporting.models import Area, DailyFigure, MonthlyFigure
from sync.models import OutboxEvent
from sync.relay import drain
from tenants.coworking.models import Booking, Resource
from tenants.events.models import Event, Registration
from tenants.gallery.models import Artist
from tenants.models import Venue

from .events_fixtures import make_event, soon
from .reporting_fixtures import Stage, local
from .test_reporting import MARCH, counted, daily

FIRST, LAST = dt.date(2025, 3, 1), dt.date(2025, 3, 31)


def monthly(venue: Venue, area: str) -> list[tuple]:
    rows = MonthlyFigure.objects.filter(venue=venue, area=area, month__range=(FIRST, LAST))
    return sorted(
        (r.month, r.metric, r.kind, r.sector, r.contributor, r.value.normalize())
        for r in rows.exclude(metric="bookable_minutes")
    )


def counted_monthly(venue: Venue, area: str) -> list[tuple]:
    return sorted(
        (month, metric, kind, sector, who, value.normalize())
        for month, metric, kind, sector, who, value in recount.rows(venue, area, FIRST, LAST, "month")
        if metric != "bookable_minutes"
    )


def assert_in_step(venue: Venue, area: str, first: dt.date = FIRST, last: dt.date = LAST) -> None:
    """The kept days and months (March 2025) of `area` at `venue` are what a recount gives now."""
    assert daily(venue, area, first, last) == counted(venue, area, first, last), (venue.schema_name, area)
    assert monthly(venue, area) == counted_monthly(venue, area), (venue.schema_name, area)


def kept(venue: Venue, area: str, **filters: object) -> list[tuple]:
    rows = DailyFigure.objects.filter(venue=venue, area=area, **filters)
    return sorted(rows.values_list("day", "metric", "kind", "sector", "contributor"))


def pending() -> int:
    return OutboxEvent.objects.filter(event_type=rollups.EVENT_TYPE, processed_at=None).count()


# -- 1. an organisation's sector --------------------------------------------------------------------------------


def test_a_sector_change_recounts_the_organisation_everywhere(stage: Stage) -> None:
    a, b = stage.venue_a, stage.venue_b
    organisation = stage.organisation("music", a)
    stage.book(a, MARCH[0], organisation)
    stage.book(b, MARCH[1], organisation, kind=Resource.Kind.STUDIO)  # a network booking at the other venue
    stage.sell(a, MARCH[2], "300", organisation)
    stage.register(b, stage.event(b, MARCH[3]), organisation)
    drain()
    assert {row[3] for row in kept(a, Area.COWORKING, contributor="o%d" % organisation.pk)} == {"music"}

    organisation.sector = "web"
    organisation.save()
    drain()

    for venue in (a, b):
        for area in Area.values:
            assert_in_step(venue, area)
    for venue, area in ((a, Area.COWORKING), (b, Area.COWORKING), (a, Area.GALLERY), (b, Area.EVENTS)):
        assert {row[3] for row in kept(venue, area, contributor="o%d" % organisation.pk)} == {"web"}, (venue, area)


def test_only_a_real_sector_change_recounts(stage: Stage) -> None:
    organisation = stage.organisation("music", stage.venue_a)
    stage.book(stage.venue_a, MARCH[0], organisation)
    drain()

    organisation.description = "Still music."
    organisation.save()
    organisation.save(update_fields=["description"])
    assert pending() == 0

    organisation.sector = "web"
    organisation.save(update_fields=["sector"])
    assert pending() > 0


# -- 2. a resource's kind (and its no-show release) -----------------------------------------------------------------


def test_a_resource_kind_change_recounts_its_past_bookings(stage: Stage) -> None:
    a = stage.venue_a
    organisation = stage.organisation("design", a)
    for day in MARCH[:3]:
        stage.book(a, day, organisation)  # the meeting room
    drain()
    rollups.rebuild(a, FIRST, LAST, areas=(Area.COWORKING,))  # bookable minutes of March too
    assert {row[2] for row in kept(a, Area.COWORKING, metric="bookings")} == {"meeting_room"}

    with schema_context(a.schema_name):
        room = Resource.objects.get(pk=stage.rooms[a.schema_name, Resource.Kind.MEETING_ROOM])
        room.kind = Resource.Kind.STUDIO
        room.save()
    drain()

    assert_in_step(a, Area.COWORKING)
    assert {row[2] for row in kept(a, Area.COWORKING, metric="bookings")} == {"studio"}
    bookable = {
        (day, kind): minutes
        for (day, kind), minutes in recount.bookable_minutes(a, FIRST, LAST).items()
        if day in (MARCH[0], MARCH[-1])
    }
    rows = DailyFigure.objects.filter(venue=a, metric="bookable_minutes", day__in=(MARCH[0], MARCH[-1]))
    assert {(r.day, r.kind): r.value for r in rows} == bookable  # the past days' kinds too


def test_a_no_show_release_change_recounts_the_past_no_shows(stage: Stage) -> None:
    a = stage.venue_a
    stage.book(a, MARCH[0], stage.organisation("web", a), hours=2, status=Booking.Status.NO_SHOW)
    drain()
    occupied = DailyFigure.objects.filter(venue=a, day=MARCH[0], metric="occupied_minutes")
    assert occupied.get().value == Decimal(30)

    with schema_context(a.schema_name):
        room = Resource.objects.get(pk=stage.rooms[a.schema_name, Resource.Kind.MEETING_ROOM])
        room.no_show_minutes = 45
        room.save(update_fields=["no_show_minutes"])
    drain()

    assert_in_step(a, Area.COWORKING)
    assert occupied.get().value == Decimal(45)


def test_a_resource_saved_unchanged_recounts_only_ahead(stage: Stage) -> None:
    a = stage.venue_a
    drain()
    with schema_context(a.schema_name):
        room = Resource.objects.get(pk=stage.rooms[a.schema_name, Resource.Kind.MEETING_ROOM])
        room.name = "Salle Lumière"
        room.save()
    events = OutboxEvent.objects.filter(event_type=rollups.EVENT_TYPE, processed_at=None)
    assert [e.payload["first"] for e in events] == [timezone.localdate().isoformat()]


# -- 3. a booking, a sale, a registration moved to another day -------------------------------------------------


def test_a_booking_moved_to_another_day_leaves_the_first(stage: Stage) -> None:
    a = stage.venue_a
    booking = stage.book(a, MARCH[0], stage.organisation("cinema", a))
    drain()
    assert kept(a, Area.COWORKING, day=MARCH[0], metric="bookings")

    with schema_context(a.schema_name):
        booking.during = booking.blocks = Range(local(MARCH[3], 14), local(MARCH[3], 16), "[)")
        booking.save()
    drain()

    assert_in_step(a, Area.COWORKING)
    assert not kept(a, Area.COWORKING, day=MARCH[0], metric="bookings")
    assert kept(a, Area.COWORKING, day=MARCH[3], metric="bookings")


def test_a_sale_moved_to_another_day_leaves_the_first(stage: Stage) -> None:
    a = stage.venue_a
    sale = stage.sell(a, MARCH[0], "120", stage.organisation("design", a))
    drain()

    with schema_context(a.schema_name):
        sale.sold_at = local(MARCH[4], 11)
        sale.save()
    drain()

    assert_in_step(a, Area.GALLERY)
    assert not kept(a, Area.GALLERY, day=MARCH[0]) and kept(a, Area.GALLERY, day=MARCH[4], metric="sales")


def test_a_registration_moved_to_another_event_leaves_the_first(stage: Stage) -> None:
    a = stage.venue_a
    first, second = stage.event(a, MARCH[0]), stage.event(a, MARCH[5])
    registration = stage.register(a, first, stage.organisation("music", a))
    drain()

    with schema_context(a.schema_name):
        registration = Registration.objects.get(pk=registration.pk)
        registration.event = second
        registration.save()
    drain()

    assert_in_step(a, Area.EVENTS)
    assert not kept(a, Area.EVENTS, day=MARCH[0], metric="registrations")


# -- 4. a gallery artist's organisation ---------------------------------------------------------------------------


def test_an_artist_joining_another_organisation_takes_their_sales_along(stage: Stage) -> None:
    a = stage.venue_a
    before, after = stage.organisation("design", a), stage.organisation("cinema", a)
    sales = [stage.sell(a, day, "200", before) for day in (MARCH[0], MARCH[6])]
    drain()

    with schema_context(a.schema_name):
        artist = Artist.objects.get(pk=sales[0].artist_id)
        artist.organisation = after
        artist.save()
    drain()

    assert_in_step(a, Area.GALLERY)
    assert kept(a, Area.GALLERY, day=MARCH[0], metric="sales") == [(MARCH[0], "sales", "", "cinema", "o%d" % after.pk)]

    with schema_context(a.schema_name):
        artist.organisation = None  # now on their own: the artist contributes
        artist.save(update_fields=["organisation"])
        Artist.objects.filter(pk=sales[1].artist_id).get().save(update_fields=["name"])  # not counted: no event
    drain()

    assert_in_step(a, Area.GALLERY)
    assert kept(a, Area.GALLERY, day=MARCH[0], metric="sales") == [(MARCH[0], "sales", "", "", "a%d" % artist.pk)]


def test_an_artist_saved_with_the_same_organisation_recounts_nothing(stage: Stage) -> None:
    a = stage.venue_a
    sale = stage.sell(a, MARCH[0], "200", stage.organisation("design", a))
    drain()
    with schema_context(a.schema_name):
        artist = Artist.objects.get(pk=sale.artist_id)
        artist.bio = "Paints."
        artist.save()
    assert pending() == 0


# -- 5. the services' bulk updates ----------------------------------------------------------------------------------


def test_released_no_shows_are_recounted(stage: Stage) -> None:
    from tenants.coworking.services import release_no_shows

    a = stage.venue_a
    stage.book(a, MARCH[0], stage.organisation("web", a), start=9, hours=2)
    drain()
    assert DailyFigure.objects.get(venue=a, day=MARCH[0], metric="occupied_minutes").value == Decimal(120)

    with schema_context(a.schema_name):
        assert release_no_shows(now=local(MARCH[0], 10)) == 1
    drain()

    assert_in_step(a, Area.COWORKING)
    assert DailyFigure.objects.get(venue=a, day=MARCH[0], metric="occupied_minutes").value == Decimal(30)


def _room_event(stage: Stage, days: int) -> tuple[Event, int]:
    from tenants.events import services

    a = stage.venue_a
    staff = stage.person()
    room = stage.rooms[a.schema_name, Resource.Kind.MEETING_ROOM]
    with schema_context(a.schema_name):
        event = make_event(staff, capacity=8, starts_at=soon(days, 14), ends_at=soon(days, 16))
        event = services.save_event(event=event, changes={}, room=room, actor=staff)
    assert event.room_booking is not None
    return event, room


def test_a_room_an_event_gives_back_is_counted_out(stage: Stage) -> None:
    from tenants.events import services

    a = stage.venue_a
    event, _room = _room_event(stage, days=10)
    day = event.starts_at.astimezone(a.tzinfo).date()
    drain()
    assert kept(a, Area.COWORKING, day=day, metric="bookings") == [(day, "bookings", "meeting_room", "", "v")]

    with schema_context(a.schema_name):
        services.cancel_event(event=event, actor=stage.person())
    drain()

    assert_in_step(a, Area.COWORKING, day, day)
    assert not kept(a, Area.COWORKING, day=day, metric="bookings")


def test_an_event_moved_with_its_room_leaves_the_first_day(stage: Stage) -> None:
    from tenants.events import services

    a = stage.venue_a
    event, _room = _room_event(stage, days=10)
    day = event.starts_at.astimezone(a.tzinfo).date()
    drain()

    with schema_context(a.schema_name):
        moved = {"starts_at": soon(12, 14), "ends_at": soon(12, 16)}
        services.save_event(event=event, changes=moved, actor=stage.person())
    drain()

    later = soon(12, 14).astimezone(a.tzinfo).date()
    assert_in_step(a, Area.COWORKING, day, later)
    assert not kept(a, Area.COWORKING, day=day, metric="bookings")
    assert kept(a, Area.COWORKING, day=later, metric="bookings")


def test_a_long_span_is_touched_whole_in_bounded_recounts(stage: Stage) -> None:
    from django.db import transaction

    a = stage.venue_a
    drain()
    with transaction.atomic():
        rollups.touch_span(a, Area.GALLERY, dt.date(2018, 5, 17), dt.date(2026, 2, 3))
    spans = sorted(
        (e.payload["first"], e.payload["last"])
        for e in OutboxEvent.objects.filter(event_type=rollups.EVENT_TYPE, processed_at=None)
    )
    assert spans[0] == ("2018-05-17", "2019-04-30") and spans[1] == ("2019-05-01", "2020-04-30")
    assert spans[-1] == ("2025-05-01", "2026-02-03") and len(spans) == 8
    assert all(dt.date.fromisoformat(first).day == 1 for first, _ in spans[1:])
