"""The sync on a real Celery worker and the real Redis broker: what venues create reaches the catalogue
within seconds of the commit; a broker that cannot be reached delays events and loses none."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_catalog.models import CatalogueEntry
from sync import outbox, relay
from sync.models import OutboxEvent
from tenants.coworking.events import save_resource
from tenants.coworking.models import OpeningHours, Resource
from tenants.coworking.services import book_resource
from tenants.events import services as events
from tenants.events.models import Visibility
from tenants.gallery import services as gallery
from tenants.gallery.models import Artwork, Exhibition
from tenants.models import Venue

from .events_fixtures import make_event, make_programme
from .federation_fixtures import make_cast


def _eventually(check: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def _shown(source_type: str, source_id: Any, **fields: Any) -> Callable[[], bool]:
    def check() -> bool:
        return CatalogueEntry.objects.filter(
            venue__schema_name="gresilles", source_type=source_type, source_id=str(source_id), **fields
        ).exists()

    return check


def test_what_venues_create_reaches_the_catalogue_within_seconds(celery_worker: Any) -> None:
    cast = make_cast(Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants"))
    stage = make_programme(cast)
    venue, staff = cast.venue_a, cast.people["staff_a"]
    started = time.monotonic()
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)
        )
        room = save_resource(venue=venue, resource=Resource(name="Studio son", kind="studio", capacity=4))
        artist = gallery.create_artist(name="Camille Martin")
        work = gallery.create_artwork(
            actor=None, fields={"artist": artist, "title": "Citadelle", "price": Decimal(520)}
        )
        gallery.consign(
            artist=artist, commission_rate=Decimal(40), starts_on=dt.date(2026, 1, 1), ends_on=None, artworks=[work]
        )
        gallery.set_status(artwork=work, status=Artwork.Status.AVAILABLE, actor=staff)
        shown = gallery.save_exhibition(
            exhibition=Exhibition(title="Lignes", starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2027, 1, 31)),
            artworks=[work],
        )
    assert _eventually(_shown("resource", room.pk, published=True))
    assert _eventually(_shown("artwork", work.pk, title="Citadelle", published=True))
    assert _eventually(_shown("exhibition", shown.pk, published=True))
    assert _eventually(_shown("event", stage.cafe.pk, title="Café pro", published=True))
    elapsed = time.monotonic() - started
    assert elapsed < 20

    with schema_context("gresilles"):  # a booking changes the room's free hours
        start = (
            (timezone.now() + dt.timedelta(days=2))
            .astimezone(venue.tzinfo)
            .replace(hour=10, minute=0, second=0, microsecond=0)
        )
        book_resource(
            venue=venue, resource_id=room.pk, member=stage.member, start=start, end=start + dt.timedelta(hours=2)
        )
        events.save_event(event=stage.cafe, changes={"title": "Café pro du mardi"}, actor=staff)  # an update replaces
        events.cancel_event(event=stage.opening, actor=staff)  # a removal removes
    assert _eventually(_shown("event", stage.cafe.pk, title="Café pro du mardi"))
    assert _eventually(_shown("event", stage.opening.pk, published=False))
    assert _eventually(lambda: not OutboxEvent.objects.filter(processed_at__isnull=True).exists())
    summary = CatalogueEntry.objects.get(source_type="resource", source_id=str(room.pk)).availability
    assert Decimal(summary["free_hours"]) > 0 and summary["days"] == 7


def test_an_unreachable_broker_delays_events_and_loses_none(
    venue_a: Venue, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from sync import tasks

    def refused(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to the broker. Connection refused.")

    monkeypatch.setattr(tasks.drain_outbox, "apply_async", refused)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, schema_context("gresilles"):
        room = save_resource(venue=venue_a, resource=Resource(name="Salle Cèdre", kind="meeting_room"))
    assert outbox.nudge_relay in callbacks  # the nudge ran, failed quietly, and the change itself stands
    assert relay.backlog()["backlog"] >= 1 and not CatalogueEntry.objects.exists()
    relay.drain()  # what beat's schedule does every few seconds
    assert CatalogueEntry.objects.get(source_type="resource", source_id=str(room.pk)).title == "Salle Cèdre"


def test_the_relay_is_nudged_once_per_transaction(venue_a: Venue, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for i in range(3):
            outbox.record(
                venue=venue_a,
                aggregate_type="resource",
                aggregate_id=i,
                event_type="resource.upserted",
                payload={"name": "x"},
            )
    assert [c for c in callbacks if c is outbox.nudge_relay] == [outbox.nudge_relay]


def test_events_of_a_venue_only_event_never_carry_its_title(venue_a: Venue, cast: Any) -> None:
    with schema_context("gresilles"):
        event = make_event(cast.people["staff_a"], title="Réunion interne", visibility=Visibility.VENUE)
    relay.drain()
    assert not CatalogueEntry.objects.filter(source_type="event", source_id=str(event.pk), published=True).exists()
    assert not CatalogueEntry.objects.filter(title="Réunion interne").exists()
