"""The events services: visibility and prices, seats and the waiting list, promotion with its e-mail,
attendance, programmes all or nothing, rooms booked through the coworking service, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from hub.errors import Conflict, InvalidInput, NotFound
from sync.models import OutboxEvent
from tenants.coworking.models import Booking, Resource
from tenants.events import registrations, services
from tenants.events.models import Event, Programme, Registration, Visibility

from .events_fixtures import Programme as Stage
from .events_fixtures import make_event, soon

A = "gresilles"
R = Registration.Status


def _register(event: Event, person: Any, **extra: Any) -> Registration:
    return registrations.register(event_id=event.pk, person=person, **extra)


def test_each_standing_pays_its_price_and_sees_its_events(programme: Stage) -> None:
    with schema_context(A):
        member = _register(programme.cafe, programme.member)
        network = _register(programme.cafe, programme.network_member)
        public = _register(programme.opening, programme.outsider)
        assert [(r.category, r.price) for r in (member, network, public)] == [
            ("member", Decimal("0.00")),
            ("network", Decimal("5.00")),
            ("public", Decimal("0.00")),
        ]
        venue = programme.cast.venue_a
        seen = {
            name: set(registrations.visible_events(person, venue).values_list("title", flat=True))
            for name, person in [
                ("member", programme.member),
                ("network", programme.network_member),
                ("outsider", programme.outsider),
                ("staff", programme.staff),
            ]
        }
    assert seen == {
        "member": {"Café pro", "Atelier résidents", "Vernissage"},
        "network": {"Café pro", "Vernissage"},
        "outsider": {"Vernissage"},
        "staff": {"Café pro", "Atelier résidents", "Vernissage"},
    }


@pytest.mark.parametrize("who", ["network_member", "outsider"])
def test_beyond_visibility_an_event_does_not_exist(programme: Stage, who: str) -> None:
    with schema_context(A):
        with pytest.raises(NotFound):
            _register(programme.workshop, getattr(programme, who))
        assert not Registration.objects.filter(event=programme.workshop).exists()


def test_seats_then_the_waiting_list_in_order_and_promotion_by_mail(
    programme: Stage, django_capture_on_commit_callbacks: Any
) -> None:
    from .factories import UserFactory

    people = [programme.member, programme.network_member] + [
        UserFactory.create(email="p%d@example.org" % i) for i in range(3)
    ]
    with schema_context(A):
        Event.objects.filter(pk=programme.cafe.pk).update(visibility=Visibility.PUBLIC)
        made = [_register(programme.cafe, person) for person in people]
        assert [r.status for r in made] == [R.CONFIRMED, R.CONFIRMED, R.WAITLISTED, R.WAITLISTED, R.WAITLISTED]
        with django_capture_on_commit_callbacks(execute=True):
            registrations.cancel(registration=made[0], actor=programme.member)
        statuses = dict(Registration.objects.values_list("pk", "status"))
        assert [statuses[r.pk] for r in made] == [R.CANCELLED, R.CONFIRMED, R.CONFIRMED, R.WAITLISTED, R.WAITLISTED]
        assert Registration.objects.get(pk=made[2].pk).promoted_at is not None
    assert [m.to for m in mail.outbox] == [["p0@example.org"]]
    assert "Café pro" in mail.outbox[0].subject


def test_a_waitlisted_cancellation_promotes_no_one_and_raising_the_capacity_promotes(programme: Stage) -> None:
    from .factories import UserFactory

    people = [UserFactory.create(email="w%d@example.org" % i) for i in range(5)]
    with schema_context(A):
        Event.objects.filter(pk=programme.cafe.pk).update(visibility=Visibility.PUBLIC)
        made = [_register(programme.cafe, person) for person in people]
        registrations.cancel(registration=made[3], actor=people[3])
        assert Registration.objects.filter(event=programme.cafe, status=R.CONFIRMED).count() == 2
        services.save_event(event=programme.cafe, changes={"capacity": 4}, actor=programme.staff)
        confirmed = set(Registration.objects.filter(status=R.CONFIRMED).values_list("person__email", flat=True))
    assert confirmed == {"w0@example.org", "w1@example.org", "w2@example.org", "w4@example.org"}


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"starts_at": soon(-2), "ends_at": soon(-2) + dt.timedelta(hours=1)}, "event", InvalidInput),  # past
        ({"registration_deadline": soon(-1)}, "event", InvalidInput),  # closed
        ({"status": Event.Status.CANCELLED}, "event", Conflict),
    ],
)
def test_past_closed_or_cancelled_events_take_no_registration(
    programme: Stage, change: dict[str, Any], field: str, error: type[Exception]
) -> None:
    with schema_context(A):
        Event.objects.filter(pk=programme.cafe.pk).update(**change)
        with pytest.raises(error) as refused:
            _register(programme.cafe, programme.member)
        assert field in refused.value.fields  # type: ignore[attr-defined]
        assert not Registration.objects.exists()


def test_registering_twice_is_a_conflict(programme: Stage) -> None:
    with schema_context(A):
        _register(programme.cafe, programme.member)
        with pytest.raises(Conflict) as refused:
            _register(programme.cafe, programme.member)
        assert "person" in refused.value.fields
        assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": soon() - dt.timedelta(hours=1)}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"price_public": Decimal("-1")}, "price_public"),
        ({"kind": Event.Kind.ADVICE}, "advisor"),
        ({"registration_deadline": soon(9)}, "registration_deadline"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_events_are_refused_field_by_field(programme: Stage, changes: dict[str, Any], field: str) -> None:
    with schema_context(A):
        before = Event.objects.count(), OutboxEvent.objects.count()
        with pytest.raises(InvalidInput) as refused:
            make_event(programme.staff, **changes)
        assert field in refused.value.fields
        assert (Event.objects.count(), OutboxEvent.objects.count()) == before


def test_capacity_below_the_seats_taken_is_refused(programme: Stage) -> None:
    with schema_context(A):
        _register(programme.cafe, programme.member)
        _register(programme.cafe, programme.network_member)
        with pytest.raises(InvalidInput) as refused:
            services.save_event(event=programme.cafe, changes={"capacity": 1}, actor=programme.staff)
        assert "capacity" in refused.value.fields
        assert Event.objects.get(pk=programme.cafe.pk).capacity == 2


def test_attendance_is_recorded_by_staff_within_its_window(programme: Stage) -> None:
    with schema_context(A):
        registration = _register(programme.cafe, programme.member)
        with pytest.raises(Conflict):  # three days early
            registrations.check_in(registration=registration)
        came = registrations.check_in(registration=registration, now=programme.cafe.starts_at + dt.timedelta(minutes=5))
        assert (came.status, came.attended_at is not None) == (R.ATTENDED, True)
        told = OutboxEvent.objects.filter(aggregate_type="event", aggregate_id=str(programme.cafe.pk)).latest("version")
        assert told.payload["attended"] == 1  # what the partners' attendance figures are built from
        with pytest.raises(Conflict):
            registrations.check_in(registration=came, now=programme.cafe.starts_at)


def test_members_cannot_cancel_once_it_started_staff_can(programme: Stage) -> None:
    with schema_context(A):
        registration = _register(programme.cafe, programme.member)
        started = programme.cafe.starts_at + dt.timedelta(minutes=1)
        with pytest.raises(Conflict):
            registrations.cancel(registration=registration, actor=programme.member, now=started)
        registrations.cancel(registration=registration, actor=programme.staff, now=started)
        assert Registration.objects.get(pk=registration.pk).status == R.CANCELLED


def test_cancelling_an_event_cancels_and_tells_its_registrants(
    programme: Stage, django_capture_on_commit_callbacks: Any
) -> None:
    with schema_context(A):
        _register(programme.opening, programme.member)
        _register(programme.opening, programme.outsider)
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_event(event=programme.opening, actor=programme.staff)
        assert set(Registration.objects.values_list("status", flat=True)) == {R.CANCELLED}
        with pytest.raises(Conflict):
            services.save_event(event=programme.opening, changes={"title": "x"}, actor=programme.staff)
    assert sorted(m.to[0] for m in mail.outbox) == ["member@label.example", "visiteur@example.org"]
    event = OutboxEvent.objects.filter(aggregate_type="event", aggregate_id=str(programme.opening.pk)).latest("version")
    assert event.payload["published"] is False


# Programmes


def _programme(stage: Stage, capacities: tuple[int, ...] = (5, 5, 5)) -> Programme:
    with schema_context(A):
        parcours = services.save_programme(
            programme=Programme(title="Parcours entreprendre", visibility=Visibility.NETWORK)
        )
        for i, capacity in enumerate(capacities):
            make_event(
                stage.staff,
                kind=Event.Kind.WORKSHOP,
                title="Session %d" % (i + 1),
                starts_at=soon(10 + i),
                ends_at=soon(10 + i) + dt.timedelta(hours=3),
                capacity=capacity,
                programme=parcours,
            )
        return parcours


def test_a_programme_registers_to_every_session(programme: Stage) -> None:
    parcours = _programme(programme)
    with schema_context(A):
        done = registrations.register_programme(programme_id=parcours.pk, person=programme.network_member)
        assert [(r.event.title, r.registration.status if r.registration else None) for r in done] == [
            ("Session 1", R.CONFIRMED),
            ("Session 2", R.CONFIRMED),
            ("Session 3", R.CONFIRMED),
        ]
        assert set(Registration.objects.values_list("programme_id", flat=True)) == {parcours.pk}


def test_a_programme_with_a_full_session_registers_to_none(programme: Stage) -> None:
    parcours = _programme(programme, capacities=(5, 1, 5))
    with schema_context(A):
        full = Event.objects.get(title="Session 2")
        _register(full, programme.member)
        before = Registration.objects.count()
        with pytest.raises(registrations.ProgrammeRefused) as refused:
            registrations.register_programme(programme_id=parcours.pk, person=programme.network_member)
        assert [(r.event.title, bool(r.refused)) for r in refused.value.sessions] == [
            ("Session 1", False),
            ("Session 2", True),
            ("Session 3", False),
        ]
        assert Registration.objects.count() == before  # all or nothing


def test_a_programme_keeps_sessions_one_is_registered_to_already(programme: Stage) -> None:
    parcours = _programme(programme)
    with schema_context(A):
        first = _register(Event.objects.get(title="Session 1"), programme.member)
        done = registrations.register_programme(programme_id=parcours.pk, person=programme.member)
        assert done[0].registration is None and Registration.objects.count() == 3
        assert Registration.objects.get(pk=first.pk).programme_id is None


def test_a_venue_only_programme_does_not_exist_for_others(programme: Stage) -> None:
    parcours = _programme(programme)
    with schema_context(A):
        Programme.objects.filter(pk=parcours.pk).update(visibility=Visibility.VENUE)
        with pytest.raises(NotFound):
            registrations.register_programme(programme_id=parcours.pk, person=programme.network_member)


# Rooms


def test_an_event_books_its_room_through_the_coworking_and_conflicts_are_refused(programme: Stage) -> None:
    with schema_context(A):
        room = Resource.objects.create(name="Salle Tilleul bis", kind="meeting_room", buffer_minutes=15, capacity=20)
        desks = Resource.objects.create(name="Plateau", kind="desk", mode="pooled", capacity=10)
        held = services.save_event(event=programme.workshop, changes={}, room=room.pk, actor=programme.staff)
        booking = held.room_booking
        assert booking is not None
        assert (booking.resource, booking.purpose, booking.during.lower) == (
            room,
            "event",
            programme.workshop.starts_at,
        )
        with pytest.raises(Conflict) as taken:  # the same room, within the first one's 15-minute buffer
            services.save_event(
                event=Event(),
                changes={
                    "kind": Event.Kind.CAFE,
                    "title": "Autre",
                    "starts_at": programme.workshop.ends_at + dt.timedelta(minutes=10),
                    "ends_at": programme.workshop.ends_at + dt.timedelta(hours=1),
                    "capacity": 5,
                    "visibility": Visibility.NETWORK,
                },
                room=room.pk,
                actor=programme.staff,
            )
        assert "room" in taken.value.fields and not Event.objects.filter(title="Autre").exists()
        with pytest.raises(InvalidInput):
            services.save_event(event=programme.workshop, changes={}, room=desks.pk, actor=programme.staff)
        moved = services.save_event(
            event=programme.workshop,
            changes={"starts_at": soon(6), "ends_at": soon(6) + dt.timedelta(hours=1)},
            actor=programme.staff,
        )
        statuses = dict(Booking.objects.filter(resource=room).values_list("pk", "status"))
        assert statuses == {booking.pk: "cancelled", moved.room_booking_id: "confirmed"}
        services.cancel_event(event=moved, actor=programme.staff)
        assert not Booking.objects.filter(resource=room, status="confirmed").exists()


def test_a_room_taken_by_a_member_refuses_the_event(programme: Stage) -> None:
    with schema_context(A):
        room = Resource.objects.create(name="Studio", kind="studio", capacity=10)
        Booking.objects.create(
            resource=room,
            member=programme.member,
            during=(programme.cafe.starts_at, programme.cafe.ends_at),
            blocks=(programme.cafe.starts_at, programme.cafe.ends_at),
            exclusive=True,
            rate_category="resident",
            price_excl_vat=Decimal("0"),
            vat_rate=Decimal("20"),
            price_incl_vat=Decimal("0"),
        )
        with pytest.raises(Conflict):
            services.save_event(event=programme.cafe, changes={}, room=room.pk, actor=programme.staff)
        assert Event.objects.get(pk=programme.cafe.pk).room_booking_id is None


def test_event_rooms_are_never_released_as_no_shows(programme: Stage) -> None:
    from tenants.coworking.services import release_no_shows

    with schema_context(A):
        room = Resource.objects.create(name="Salle", kind="meeting_room", no_show_minutes=15, capacity=10)
        held = services.save_event(event=programme.cafe, changes={}, room=room.pk, actor=programme.staff)
        assert release_no_shows(now=programme.cafe.starts_at + dt.timedelta(minutes=30)) == 0
        assert Booking.objects.get(event=held).status == "confirmed"


def test_catalogue_events_reach_the_outbox_with_seats_left_and_venue_only_ones_stay_off(programme: Stage) -> None:
    with schema_context(A):
        _register(programme.cafe, programme.member)
    cafe = OutboxEvent.objects.filter(aggregate_type="event", aggregate_id=str(programme.cafe.pk)).latest("version")
    workshop = OutboxEvent.objects.filter(aggregate_type="event", aggregate_id=str(programme.workshop.pk)).latest(
        "version"
    )
    assert (cafe.payload["seats_left"], cafe.payload["published"]) == (1, True)
    assert workshop.payload["published"] is False
