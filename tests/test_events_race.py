"""N people registering at once for an event with fewer seats, against a live server: never more confirmed
than the capacity, the rest on the waiting list in the order they were taken, and a cancellation promotes
the first in line. The control run takes the row lock away and must overbook, or the test proves nothing."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from federation.tokens import create_api_token
from tenants.events import registrations
from tenants.events.models import Event, Registration, Visibility
from tenants.models import Venue

from .events_fixtures import Programme, make_programme
from .factories import UserFactory
from .federation_fixtures import make_cast
from .live import at_once, live_hub, request

N, SEATS = 12, 3
A = "gresilles.localhost"


@pytest.fixture
def stage(committed_db: None) -> tuple[Programme, list[str]]:
    cast = make_cast(Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants"))
    programme = make_programme(cast)
    with schema_context("gresilles"):
        Event.objects.filter(pk=programme.cafe.pk).update(capacity=SEATS, visibility=Visibility.PUBLIC)
    tokens = [create_api_token(user=UserFactory.create(email="p%02d@example.org" % i)).secret for i in range(N)]
    return programme, tokens


def _rush(programme: Programme, tokens: list[str]) -> list[tuple[int, Any]]:
    path = f"/api/v1/events/{programme.cafe.pk}/registrations/"
    with live_hub() as port:
        return at_once(N, lambda i: request(port, A, "POST", path, None, {"Authorization": "Bearer " + tokens[i]}))


def test_concurrent_registrations_never_overbook_and_keep_the_line(stage: tuple[Programme, list[str]]) -> None:
    programme, tokens = stage
    answers = _rush(programme, tokens)
    assert Counter(status for status, _body in answers) == Counter({201: N}), answers
    assert Counter(body["status"] for _status, body in answers) == Counter(
        {"confirmed": SEATS, "waitlisted": N - SEATS}
    )
    with schema_context("gresilles"):
        line = list(Registration.objects.filter(status="waitlisted").order_by("created_at", "id"))
        confirmed = list(Registration.objects.filter(status="confirmed").order_by("created_at", "id"))
        # everyone confirmed registered before everyone waiting: the line is the order they were taken in
        assert max(r.created_at for r in confirmed) <= min(r.created_at for r in line)
        registrations.cancel(registration=confirmed[0], actor=confirmed[0].person)
        promoted = Registration.objects.get(pk=line[0].pk)
        assert promoted.status == "confirmed" and promoted.promoted_at is not None
        assert Registration.objects.filter(status="confirmed").count() == SEATS
    assert [m.to for m in mail.outbox][-1] == [line[0].person.email]


def test_control_without_the_lock_the_rush_overbooks(
    stage: tuple[Programme, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    programme, tokens = stage

    def unlocked(event_id: int, person: Any, venue: Any, as_staff: bool) -> Event:
        return registrations.visible_events(person, venue, as_staff=as_staff).get(pk=event_id)

    real_seats_held = registrations.seats_held

    def slow_count(event: Event) -> int:
        held = real_seats_held(event)
        time.sleep(0.05)  # widen the check-then-insert gap, as a loaded server would
        return held

    monkeypatch.setattr(registrations, "_locked_event", unlocked)
    monkeypatch.setattr(registrations, "seats_held", slow_count)
    monkeypatch.setattr(registrations, "record_event", lambda event: None)  # outbox versions would serialise too
    _rush(programme, tokens)
    with schema_context("gresilles"):
        confirmed = Registration.objects.filter(status="confirmed").count()
    assert confirmed > SEATS, confirmed
