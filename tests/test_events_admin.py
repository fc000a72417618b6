"""The venue's programme in its admin (through the services), in GDPR exports, and in the demo."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from federation import gdpr
from tenants.coworking.models import Booking, Resource
from tenants.events import registrations
from tenants.events.models import Event, Programme, Registration

from .events_fixtures import Programme as Stage
from .events_fixtures import soon
from .factories import TEST_PASSWORD

A = "gresilles.localhost"


def _staff(stage: Stage) -> Client:
    client = Client(HTTP_HOST=A)
    assert client.login(email=stage.staff.email, password=TEST_PASSWORD)
    return client


def test_pages_render_for_staff(programme: Stage) -> None:
    with schema_context("gresilles"):
        registration = registrations.register(event_id=programme.cafe.pk, person=programme.member)
    staff = _staff(programme)
    for page in [
        "/admin/events/event/",
        "/admin/events/event/add/",
        f"/admin/events/event/{programme.cafe.pk}/change/",
        "/admin/events/programme/",
        "/admin/events/registration/",
        f"/admin/events/registration/{registration.pk}/change/",
    ]:
        assert staff.get(page).status_code == 200, page
    assert staff.get(f"/admin/events/event/{programme.cafe.pk}/delete/").status_code == 403


def test_an_event_added_in_the_admin_takes_its_room_and_a_clash_is_a_message(programme: Stage) -> None:
    with schema_context("gresilles"):
        room = Resource.objects.create(name="Salle Marronnier", kind="meeting_room", capacity=20)
    tz = programme.cast.venue_a.tzinfo
    start = soon(9).astimezone(tz)
    form = {
        "kind": "workshop",
        "title": "Atelier comptabilité",
        "starts_at_0": start.date().isoformat(),
        "starts_at_1": start.strftime("%H:%M"),
        "ends_at_0": start.date().isoformat(),
        "ends_at_1": (start + dt.timedelta(hours=2)).strftime("%H:%M"),
        "capacity": "10",
        "price_member": "0",
        "price_network": "10",
        "price_public": "30",
        "visibility": "network",
        "is_published": "on",
        "room": room.pk,
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    staff = _staff(programme)
    assert staff.post("/admin/events/event/add/", form).status_code == 302
    with schema_context("gresilles"):
        event = Event.objects.get(title="Atelier comptabilité")
        assert event.room_booking is not None and event.room_booking.resource == room
        assert event.starts_at == start
    clash = staff.post("/admin/events/event/add/", form | {"title": "Doublon"}, follow=True)
    assert "The room is already booked at that time." in clash.content.decode()
    with schema_context("gresilles"):
        assert not Event.objects.filter(title="Doublon").exists()
        assert Booking.objects.filter(resource=room).count() == 1


def test_admin_actions_cancel_events_and_record_attendance(programme: Stage) -> None:
    with schema_context("gresilles"):
        registration = registrations.register(event_id=programme.cafe.pk, person=programme.member)
        Event.objects.filter(pk=programme.cafe.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    staff = _staff(programme)
    staff.post("/admin/events/registration/", {"action": "check_in", "_selected_action": [registration.pk]})
    staff.post("/admin/events/event/", {"action": "cancel_events", "_selected_action": [programme.opening.pk]})
    with schema_context("gresilles"):
        assert Registration.objects.get(pk=registration.pk).status == "attended"
        assert Event.objects.get(pk=programme.opening.pk).status == "cancelled"


def test_gdpr_export_lists_registrations_and_advice_given(programme: Stage) -> None:
    with schema_context("gresilles"):
        registrations.register(event_id=programme.cafe.pk, person=programme.member)
    exported = gdpr.export_person(person=programme.member)["venues"]["gresilles"]["events"]
    assert [r["event"] for r in exported["registrations"]] == ["Café pro"]
    report = gdpr.erase_person(person=programme.member, actor=None)
    assert report.venues["gresilles"]["events"] == 1  # the coming seat is given up
    with schema_context("gresilles"):
        kept = Registration.objects.get()  # pointing at the pseudonymised person
        assert kept.person.email.endswith("@erased.invalid") and kept.status == "cancelled"


def test_the_demo_programme_at_both_venues(db: None) -> None:
    call_command("load_demo")
    now = timezone.now()  # the demo's programme to come (its past, two years of it, is `reporting.demo`'s)
    for slug in ("gresilles", "battants"):
        with schema_context(slug):
            coming = Event.objects.filter(starts_at__gte=now)
            kinds = set(coming.values_list("kind", flat=True))
            assert kinds == {"cafe", "workshop", "advice", "opening"}
            assert coming.filter(kind="cafe").count() == 4  # a month of Tuesdays
            assert coming.filter(kind="advice", capacity=1, advisor__isnull=False).count() == 16
            parcours = Programme.objects.get()
            assert parcours.sessions.count() == 3
            assert Registration.objects.filter(event__in=coming, status="confirmed").count() >= 2  # demo members
            span = coming.latest("starts_at").starts_at - coming.earliest("starts_at").starts_at
            assert span <= dt.timedelta(days=35)
    call_command("load_demo")  # idempotent
    with schema_context("gresilles"):
        assert Event.objects.filter(starts_at__gte=now, kind="cafe").count() == 4
