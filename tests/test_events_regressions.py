"""Regression tests for what the events review found: leaks of sessions and venue-only events, promotions
beyond visibility, cancelled events that had taken place, rooms, programmes registered twice, odd input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import Client
from django_tenants.utils import schema_context
from icalendar import Calendar
from psycopg.errors import DeadlockDetected
from rest_framework.test import APIClient

from api.rest.errors import exception_handler
from federation.tokens import create_api_token
from hub.errors import Conflict, InvalidInput
from sync.models import OutboxEvent
from tenants.coworking.models import Booking, Resource
from tenants.events import registrations, services
from tenants.events.models import Event, Programme, Registration, Visibility

from .events_fixtures import Programme as Stage
from .events_fixtures import make_event, soon

A, B = "gresilles.localhost", "battants.localhost"


def _as(stage: Stage, person: Any) -> APIClient:
    client = APIClient(HTTP_HOST=A)
    if person is not None:
        client.credentials(HTTP_AUTHORIZATION="Bearer " + stage.token(person))
    return client


def _parcours(stage: Stage) -> Programme:
    with schema_context("gresilles"):
        parcours = services.save_programme(programme=Programme(title="Parcours", visibility=Visibility.PUBLIC))
        sessions: list[tuple[str, dict[str, Any]]] = [
            ("Ouverte", {}),
            ("Brouillon", {"is_published": False}),
            ("Résidents", {"visibility": Visibility.VENUE}),
        ]
        for title, extra in sessions:
            make_event(
                stage.staff,
                title=title,
                visibility=extra.get("visibility", Visibility.PUBLIC),
                is_published=extra.get("is_published", True),
                starts_at=soon(7),
                ends_at=soon(7) + dt.timedelta(hours=1),
                programme=parcours,
            )
        return parcours


def test_programmes_show_only_the_sessions_one_may_see(programme: Stage) -> None:
    parcours = _parcours(programme)
    anonymous = APIClient(HTTP_HOST=A).get(f"/api/v1/programmes/{parcours.pk}/").json()
    assert [s["title"] for s in anonymous["sessions"]] == ["Ouverte"]
    member = _as(programme, programme.member).get(f"/api/v1/programmes/{parcours.pk}/").json()
    assert sorted(s["title"] for s in member["sessions"]) == ["Ouverte", "Résidents"]
    told = OutboxEvent.objects.filter(aggregate_type="programme", aggregate_id=str(parcours.pk)).latest("version")
    assert [s["title"] for s in told.payload["sessions"]] == ["Ouverte"]
    # an outsider registers to the sessions open to them, never told of the others
    done = _as(programme, programme.outsider).post(f"/api/v1/programmes/{parcours.pk}/register/")
    assert done.status_code == 201 and [s["title"] for s in done.json()] == ["Ouverte"]
    again = _as(programme, programme.outsider).post(f"/api/v1/programmes/{parcours.pk}/register/")
    assert again.status_code == 409  # registering twice


def test_venue_only_events_leave_only_figures_in_the_shared_outbox(programme: Stage) -> None:
    told = OutboxEvent.objects.filter(aggregate_type="event", aggregate_id=str(programme.workshop.pk)).latest("version")
    assert set(told.payload) == {"id", "kind", "starts_at", "attended", "published"}
    assert "Atelier" not in str(told.payload)


def test_a_programme_session_one_only_waits_for_is_not_a_seat(programme: Stage) -> None:
    with schema_context("gresilles"):
        parcours = services.save_programme(programme=Programme(title="P", visibility=Visibility.NETWORK))
        session = make_event(programme.staff, capacity=1, programme=parcours, starts_at=soon(8), ends_at=soon(8, 12))
        registrations.register(event_id=session.pk, person=programme.network_member)
        waiting = registrations.register(event_id=session.pk, person=programme.member)
        assert waiting.status == "waitlisted"
        with pytest.raises(registrations.ProgrammeRefused):
            registrations.register_programme(programme_id=parcours.pk, person=programme.member)


def test_naive_dates_at_the_start_of_the_calendar_are_a_422(programme: Stage) -> None:
    staff = APIClient(HTTP_HOST=A)
    staff.credentials(HTTP_AUTHORIZATION="Bearer " + programme.cast.tokens["staff_a"])
    body = {
        "kind": "cafe",
        "title": "x",
        "starts_at": "0001-01-01T00:05:00",
        "ends_at": "0001-01-01T01:00:00",
        "capacity": 3,
        "visibility": "public",
    }
    response = staff.post("/api/v1/events/", body, format="json")
    assert response.status_code == 422 and {"starts_at", "ends_at"} <= set(response.json()["errors"])
    booking = {"resource": 1, "start": "0001-01-01T00:05:00", "end": "0001-01-01T01:00:00"}
    assert _as(programme, programme.member).post("/api/v1/bookings/", booking, format="json").status_code == 422


def test_an_event_that_took_place_cannot_be_cancelled_and_keeps_its_attendance(programme: Stage) -> None:
    with schema_context("gresilles"):
        registration = registrations.register(event_id=programme.cafe.pk, person=programme.member)
        registrations.check_in(registration=registration, now=programme.cafe.starts_at)
        with pytest.raises(Conflict):
            services.cancel_event(event=programme.cafe, actor=programme.staff, now=programme.cafe.ends_at)
        assert Registration.objects.get(pk=registration.pk).status == "attended"


def test_promotion_skips_people_the_event_is_no_longer_open_to(programme: Stage) -> None:
    with schema_context("gresilles"):
        Event.objects.filter(pk=programme.cafe.pk).update(capacity=1)
        seat = registrations.register(event_id=programme.cafe.pk, person=programme.member)
        waiting = registrations.register(event_id=programme.cafe.pk, person=programme.network_member)
        Event.objects.filter(pk=programme.cafe.pk).update(visibility=Visibility.VENUE)
        registrations.cancel(registration=seat, actor=programme.member)
        assert Registration.objects.get(pk=waiting.pk).status == "waitlisted"
    assert not mail.outbox


def test_an_events_room_is_changed_through_the_event_only(programme: Stage) -> None:
    with schema_context("gresilles"):
        room = Resource.objects.create(name="Salle Noyer", kind="meeting_room", capacity=30)
        desk = Resource.objects.create(name="Poste", kind="desk", capacity=30)
        small = Resource.objects.create(name="Bulle", kind="meeting_room", capacity=4)
        held = services.save_event(event=programme.cafe, changes={}, room=room.pk, actor=programme.staff)
        for other, field in ((desk.pk, "room"), (small.pk, "capacity")):
            with pytest.raises(InvalidInput) as refused:
                services.save_event(
                    event=programme.opening, changes={"capacity": 10}, room=other, actor=programme.staff
                )
            assert field in refused.value.fields
        booking = Booking.objects.get(event=held)
    staff = APIClient(HTTP_HOST=A)
    staff.credentials(HTTP_AUTHORIZATION="Bearer " + programme.cast.tokens["staff_a"])
    response = staff.post(f"/api/v1/bookings/{booking.pk}/cancel/")
    assert response.status_code == 409 and "purpose" in response.json()["errors"]
    with schema_context("gresilles"):
        assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_an_advisor_has_one_appointment_at_a_time_and_never_books_their_own(programme: Stage) -> None:
    advisor = programme.cast.people["manager_a"]
    with schema_context("gresilles"):
        slot = make_event(programme.staff, kind=Event.Kind.ADVICE, capacity=1, advisor=advisor, title="Conseil")
        with pytest.raises(InvalidInput) as refused:
            make_event(
                programme.staff,
                kind=Event.Kind.ADVICE,
                capacity=1,
                advisor=advisor,
                starts_at=slot.starts_at + dt.timedelta(minutes=30),
                ends_at=slot.ends_at + dt.timedelta(hours=1),
            )
        assert "starts_at" in refused.value.fields
        with pytest.raises(Conflict):
            registrations.register(event_id=slot.pk, person=advisor)
        assert registrations.register(event_id=slot.pk, person=programme.network_member).status == "confirmed"


def test_erasing_a_person_gives_their_seat_to_the_first_in_line(programme: Stage) -> None:
    from federation import gdpr

    with schema_context("gresilles"):
        Event.objects.filter(pk=programme.cafe.pk).update(capacity=1)
        registrations.register(event_id=programme.cafe.pk, person=programme.member)
        waiting = registrations.register(event_id=programme.cafe.pk, person=programme.network_member)
    gdpr.erase_person(person=programme.member, actor=None)
    with schema_context("gresilles"):
        assert Registration.objects.get(pk=waiting.pk).status == "confirmed"


def test_calendar_uids_stay_as_subscribers_know_them_and_feeds_stay_per_venue(programme: Stage) -> None:
    with schema_context("battants"):
        there = make_event(programme.cast.people["admin"], title="Soirée Battant", visibility=Visibility.PUBLIC)
        registrations.register(event_id=there.pk, person=programme.member)
    with schema_context("gresilles"):
        registrations.register(event_id=programme.cafe.pk, person=programme.member)
    token = create_api_token(user=programme.member, scopes=["calendar"]).secret
    feeds = {
        host: Calendar.from_ical(Client(HTTP_HOST=host).get(f"/calendar/me/events/{token}.ics").content)
        for host in (A, B)
    }
    assert [str(e["summary"]) for e in feeds[A].walk("VEVENT")] == ["Café pro"]
    assert [str(e["summary"]) for e in feeds[B].walk("VEVENT")] == ["Soirée Battant"]
    uid = str(feeds[B].walk("VEVENT")[0]["uid"])
    assert uid.startswith("registration-battants-") and uid.endswith("@coursive-hub")


def test_a_deadlock_reaches_the_client_as_a_409_to_retry() -> None:
    crossed = OperationalError("deadlock detected")
    crossed.__cause__ = DeadlockDetected("deadlock detected")
    response = exception_handler(crossed, {})
    assert response is not None and (response.status_code, response.data["code"]) == (409, "conflict")
    assert exception_handler(OperationalError("server closed the connection"), {}) is None  # not a retry case
