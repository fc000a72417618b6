"""The events REST API and iCalendar feeds on a venue host: who sees and does what, self-service, bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from icalendar import Calendar
from rest_framework.test import APIClient

from federation.tokens import create_api_token
from sync.models import OutboxEvent
from tenants.coworking.models import Booking, Resource
from tenants.events.models import Event, Programme, Registration

from .events_fixtures import Programme as Stage
from .events_fixtures import soon

A, B = "gresilles.localhost", "battants.localhost"


def _client(stage: Stage, who: str, host: str = A) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    person = {"member": stage.member, "network": stage.network_member, "outsider": stage.outsider}.get(who)
    if person is None and who in stage.cast.tokens:
        client.credentials(HTTP_AUTHORIZATION="Bearer " + stage.cast.tokens[who])
    elif person is not None:
        client.credentials(HTTP_AUTHORIZATION="Bearer " + stage.token(person))
    return client


def _titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "titles"),
    [
        ("anonymous", {"Vernissage"}),
        ("outsider", {"Vernissage"}),
        ("partner", {"Vernissage"}),
        ("network", {"Café pro", "Vernissage"}),
        ("member", {"Café pro", "Atelier résidents", "Vernissage"}),
        ("staff_a", {"Café pro", "Atelier résidents", "Vernissage"}),
        ("staff_b", {"Vernissage"}),
    ],
)
def test_each_caller_sees_the_events_their_standing_opens(programme: Stage, who: str, titles: set[str]) -> None:
    assert _titles(_client(programme, who).get("/api/v1/events/")) == titles
    hidden = {"Café pro": programme.cafe, "Atelier résidents": programme.workshop}
    for title, event in hidden.items():
        expected = 200 if title in titles else 404
        assert _client(programme, who).get(f"/api/v1/events/{event.pk}/").status_code == expected


def test_filters_and_seats_left(programme: Stage) -> None:
    client = _client(programme, "member")
    assert _titles(client.get("/api/v1/events/", {"kind": "opening"})) == {"Vernissage"}
    day = programme.opening.starts_at.astimezone(programme.cast.venue_a.tzinfo).date()
    assert _titles(client.get("/api/v1/events/", {"from": day.isoformat(), "to": day.isoformat()})) == {"Vernissage"}
    for bad in ({"kind": "party"}, {"from": "yesterday"}, {"to": "9999-12-31"}, {"programme": "x"}):
        assert client.get("/api/v1/events/", bad).status_code == 422, bad
    client.post(f"/api/v1/events/{programme.cafe.pk}/registrations/")
    cafe = client.get(f"/api/v1/events/{programme.cafe.pk}/").json()
    assert (cafe["capacity"], cafe["seats_left"]) == (2, 1)


def test_self_service_register_list_and_cancel(programme: Stage) -> None:
    member, network, outsider = (_client(programme, who) for who in ("member", "network", "outsider"))
    path = f"/api/v1/events/{programme.cafe.pk}/registrations/"
    first = member.post(path)
    assert first.status_code == 201 and first.json()["status"] == "confirmed" and first.json()["price"] == "0.00"
    assert member.post(path).status_code == 409  # twice
    second = network.post(path)
    assert second.status_code == 201 and second.json()["price"] == "5.00"
    assert outsider.post(path).status_code == 404  # a network event: not theirs to see
    assert _client(programme, "anonymous").post(path).status_code == 401
    assert [r["id"] for r in member.get(path).json()["results"]] == [first.json()["id"]]  # their own only
    assert _client(programme, "staff_a").get(path).json()["count"] == 2
    assert [r["event"] for r in member.get("/api/v1/registrations/").json()["results"]] == [programme.cafe.pk]
    cancel = f"{path}{second.json()['id']}/cancel/"
    assert member.post(cancel).status_code == 404  # someone else's
    assert network.post(cancel).json()["status"] == "cancelled"
    assert network.post(cancel).status_code == 409


def test_staff_run_events_rooms_and_attendance(programme: Stage) -> None:
    staff = _client(programme, "staff_a")
    with schema_context("gresilles"):
        room = Resource.objects.create(name="Salle Marronnier", kind="meeting_room", capacity=20)
    body = {
        "kind": "workshop",
        "title": "Répondre aux marchés publics",
        "starts_at": soon(8).isoformat(),
        "ends_at": (soon(8) + dt.timedelta(hours=3)).isoformat(),
        "capacity": 12,
        "price_network": "10.00",
        "visibility": "network",
        "room": room.pk,
    }
    created = staff.post("/api/v1/events/", body, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["room"], created.json()["seats_left"]) == ("Salle Marronnier", 12)
    clash = staff.post("/api/v1/events/", body | {"title": "Doublon"}, format="json")
    assert clash.status_code == 409 and "room" in clash.json()["errors"]
    moved = staff.patch(f"/api/v1/events/{created.json()['id']}/", {"room": None}, format="json")
    assert moved.status_code == 200 and moved.json()["room"] is None
    with schema_context("gresilles"):
        assert not Booking.objects.filter(resource=room, status="confirmed").exists()

    registration = _client(programme, "member").post(f"/api/v1/events/{programme.cafe.pk}/registrations/").json()
    check_in = f"/api/v1/events/{programme.cafe.pk}/registrations/{registration['id']}/check-in/"
    assert _client(programme, "member").post(check_in).status_code == 403
    assert staff.post(check_in).status_code == 409  # days before the event
    cancelled = staff.post(f"/api/v1/events/{programme.cafe.pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert staff.post(f"/api/v1/events/{programme.cafe.pk}/cancel/").status_code == 409


@pytest.mark.parametrize("who", ["anonymous", "member", "network", "staff_b", "partner"])
def test_only_the_venues_staff_write_events(programme: Stage, who: str) -> None:
    client = _client(programme, who)
    body = {
        "kind": "cafe",
        "title": "x",
        "starts_at": soon().isoformat(),
        "ends_at": soon(4).isoformat(),
        "capacity": 3,
        "visibility": "public",
    }
    statuses = {
        client.post("/api/v1/events/", body, format="json").status_code,
        client.patch(f"/api/v1/events/{programme.opening.pk}/", {"title": "y"}, format="json").status_code,
        client.post(f"/api/v1/events/{programme.opening.pk}/cancel/").status_code,
        client.post("/api/v1/programmes/", {"title": "x", "visibility": "public"}, format="json").status_code,
    }
    assert statuses == ({401} if who == "anonymous" else {403})
    with schema_context("gresilles"):
        assert Event.objects.count() == 3 and not Programme.objects.exists()


def test_bad_input_is_refused_and_writes_nothing(programme: Stage) -> None:
    staff = _client(programme, "staff_a")
    start = soon(8)
    good: dict[str, Any] = {
        "kind": "cafe",
        "title": "x",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
        "capacity": 3,
        "visibility": "public",
    }
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ends_at": (start - dt.timedelta(hours=1)).isoformat()}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10**6}, "capacity"),
        ({"price_public": "-1"}, "price_public"),
        ({"price_public": "1e9"}, "price_public"),
        ({"visibility": "secret"}, "visibility"),
        ({"kind": "advice"}, "advisor"),
        ({"kind": "advice", "advisor": "manager.a@coursive.example", "capacity": 2}, "capacity"),
        ({"room": 10**9}, "room"),
        ({"programme": 10**9}, "programme"),
        ({"advisor": "nobody@example.org"}, "advisor"),
        ({"ends_at": "9999-12-31T23:00:00Z"}, "ends_at"),
        ({"colour": "red"}, "colour"),
    ]
    with schema_context("gresilles"):
        counts = (Event.objects.count(), Booking.objects.count(), OutboxEvent.objects.count())
    for change, field in cases:
        response = staff.post("/api/v1/events/", good | change, format="json")
        assert response.status_code == 422 and field in response.json()["errors"], (change, response.content)
    with schema_context("gresilles"):
        assert (Event.objects.count(), Booking.objects.count(), OutboxEvent.objects.count()) == counts
    _client(programme, "member").post(f"/api/v1/events/{programme.cafe.pk}/registrations/")
    _client(programme, "network").post(f"/api/v1/events/{programme.cafe.pk}/registrations/")
    low = staff.patch(f"/api/v1/events/{programme.cafe.pk}/", {"capacity": 1}, format="json")
    assert low.status_code == 422 and "capacity" in low.json()["errors"]
    with schema_context("gresilles"):  # (requests leave the public schema active: count afterwards)
        assert (Event.objects.count(), Booking.objects.count()) == counts[:2]
        assert Event.objects.get(pk=programme.cafe.pk).capacity == 2


def test_a_programme_through_the_api_all_or_nothing(programme: Stage) -> None:
    staff = _client(programme, "staff_a")
    parcours = staff.post("/api/v1/programmes/", {"title": "Parcours", "visibility": "network"}, format="json")
    assert parcours.status_code == 201
    for i, capacity in enumerate((3, 1)):
        start = soon(12 + i)
        staff.post(
            "/api/v1/events/",
            {
                "kind": "workshop",
                "title": "Session %d" % (i + 1),
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
                "capacity": capacity,
                "visibility": "network",
                "programme": parcours.json()["id"],
            },
            format="json",
        )
    shown = _client(programme, "network").get(f"/api/v1/programmes/{parcours.json()['id']}/").json()
    assert [s["title"] for s in shown["sessions"]] == ["Session 1", "Session 2"]
    register = f"/api/v1/programmes/{parcours.json()['id']}/register/"
    done = _client(programme, "member").post(register)
    assert done.status_code == 201 and [s["registration"]["status"] for s in done.json()] == ["confirmed"] * 2
    refused = _client(programme, "network").post(register)
    assert refused.status_code == 409
    assert [bool(s["refused"]) for s in refused.json()["sessions"]] == [False, True]
    with schema_context("gresilles"):
        assert not Registration.objects.filter(person=programme.network_member).exists()
    assert _client(programme, "outsider").post(register).status_code == 404


def test_ical_feeds_of_public_events_and_of_a_members_registrations(programme: Stage) -> None:
    public = Client(HTTP_HOST=A).get("/calendar/events.ics")
    assert public.status_code == 200 and public["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(public.content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Vernissage"]  # public events only
    assert calendar.walk("VTIMEZONE")
    _client(programme, "member").post(f"/api/v1/events/{programme.cafe.pk}/registrations/")
    _client(programme, "member").post(f"/api/v1/events/{programme.workshop.pk}/registrations/")
    token = create_api_token(user=programme.member, scopes=["calendar"]).secret
    mine = Client(HTTP_HOST=A).get(f"/calendar/me/events/{token}.ics")
    assert mine.status_code == 200
    assert sorted(str(e["summary"]) for e in Calendar.from_ical(mine.content).walk("VEVENT")) == [
        "Atelier résidents",
        "Café pro",
    ]
    assert Client(HTTP_HOST=A).get("/calendar/me/events/not-a-token.ics").status_code == 404
    full = create_api_token(user=programme.member).secret  # no calendar scope
    assert Client(HTTP_HOST=A).get(f"/calendar/me/events/{full}.ics").status_code == 404
