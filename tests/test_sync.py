"""The relay, the catalogue projectors, reconciliation and search, on real PostgreSQL (the relay run in the
test's own process; tests/test_sync_worker.py runs it on a real Celery worker)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from shared_catalog.models import CatalogueEntry
from sync import projectors, relay
from sync.models import OutboxEvent
from sync.outbox import record
from sync.reconcile import reconcile
from tenants.coworking.events import save_resource
from tenants.coworking.models import Resource
from tenants.events.models import Visibility
from tenants.models import Venue

from .events_fixtures import Programme as Stage
from .events_fixtures import make_event, soon

F = "localhost"


def _entry(venue: Venue, source_type: str, source_id: Any) -> CatalogueEntry:
    return CatalogueEntry.objects.get(venue=venue, source_type=source_type, source_id=str(source_id))


def _resource(venue: Venue, name: str = "Salle Tilleul bis", **fields: Any) -> Resource:
    with schema_context(venue.schema_name):
        values = {"name": name, "kind": "meeting_room", "capacity": 10, "hourly_rate_network": Decimal("12")} | fields
        return save_resource(venue=venue, resource=Resource(**values))


def test_the_relay_projects_each_event_once_and_a_second_run_changes_nothing(venue_a: Venue) -> None:
    room = _resource(venue_a)
    first = relay.drain()
    assert first.processed >= 1 and not OutboxEvent.objects.filter(processed_at__isnull=True).exists()
    entry = _entry(venue_a, "resource", room.pk)
    assert (entry.title, entry.kind, entry.city, entry.price_from, entry.published) == (
        "Salle Tilleul bis",
        "resource",
        "Dijon",
        Decimal("12.00"),
        True,
    )
    before = list(CatalogueEntry.objects.values())
    assert relay.drain().processed == 0
    OutboxEvent.objects.update(processed_at=None)  # re-delivery of everything
    assert relay.drain().processed >= 1
    assert list(CatalogueEntry.objects.values()) == before  # not even touched: the versions were seen


def test_an_update_replaces_and_an_unpublish_removes(venue_a: Venue) -> None:
    room = _resource(venue_a)
    relay.drain()
    with schema_context("gresilles"):
        room.name, room.is_active = "Salle des Tilleuls", True
        save_resource(venue=venue_a, resource=room)
    relay.drain()
    assert _entry(venue_a, "resource", room.pk).title == "Salle des Tilleuls"
    with schema_context("gresilles"):
        room.is_active = False
        save_resource(venue=venue_a, resource=room)
    relay.drain()
    assert _entry(venue_a, "resource", room.pk).published is False  # a tombstone: kept, not shown
    assert not APIClient(HTTP_HOST=F).get("/api/v1/catalogue/", {"q": "tilleuls"}).json()["results"]


def test_an_older_event_never_overwrites_a_newer_one(venue_a: Venue) -> None:
    room = _resource(venue_a, "Version une")
    with schema_context("gresilles"):
        room.name = "Version deux"
        save_resource(venue=venue_a, resource=room)
    newest = OutboxEvent.objects.filter(aggregate_id=str(room.pk), event_type="resource.upserted").latest("version")
    # the newest is applied first (another worker got to it), then the older one arrives
    projectors.apply(newest)
    for event in OutboxEvent.objects.filter(aggregate_id=str(room.pk)).order_by("version"):
        projectors.apply(event)
    assert _entry(venue_a, "resource", room.pk).title == "Version deux"


def test_a_poison_event_is_parked_after_its_attempts_without_blocking_the_rest(venue_a: Venue) -> None:
    from django.db import transaction

    with transaction.atomic():
        record(venue=venue_a, aggregate_type="resource", aggregate_id=999, event_type="resource.exploded", payload={})
    room = _resource(venue_a)
    for _ in range(relay.MAX_ATTEMPTS):
        relay.drain()
    poison = OutboxEvent.objects.get(event_type="resource.exploded")
    assert poison.parked_at is not None and poison.attempts == relay.MAX_ATTEMPTS
    assert "no projector" in poison.last_error
    assert _entry(venue_a, "resource", room.pk).published
    assert relay.backlog()["parked"] == 1 and relay.backlog()["backlog"] == 0


class Crash(BaseException):
    """Stands for a worker killed mid-batch: not an Exception, so nothing catches it on the way out."""


def test_a_crash_mid_batch_loses_and_duplicates_nothing(venue_a: Venue, monkeypatch: pytest.MonkeyPatch) -> None:
    rooms = [_resource(venue_a, "Salle %d" % i) for i in range(3)]
    real_apply, applied = projectors.apply, list[int]()

    def dying(event: OutboxEvent) -> None:
        if len(applied) == 2:
            raise Crash
        real_apply(event)
        applied.append(event.pk)

    monkeypatch.setattr(relay, "apply", dying)
    with pytest.raises(Crash):
        relay.drain()
    assert not CatalogueEntry.objects.exists()  # the batch rolled back as a whole
    assert not OutboxEvent.objects.filter(processed_at__isnull=False).exists()
    monkeypatch.setattr(relay, "apply", real_apply)
    relay.drain()
    assert sorted(int(e.source_id) for e in CatalogueEntry.objects.filter(published=True)) == [r.pk for r in rooms]
    assert OutboxEvent.objects.filter(processed_at__isnull=True).count() == 0


def test_reconciliation_reports_and_repairs_hand_made_drift(programme: Stage) -> None:
    venue = programme.cast.venue_a
    relay.drain()
    with schema_context("gresilles"):
        by_hand = Resource.objects.get(name="Salle Tilleul").pk  # the cast made it straight in the table
    assert reconcile(venue).missing == ["resource:%d" % by_hand]  # drift that was there from the start
    reconcile(venue, fix=True)
    assert reconcile(venue).clean
    cafe = _entry(venue, "event", programme.cafe.pk)
    cafe.title = "Titre trafiqué"
    cafe.save()
    _entry(venue, "event", programme.opening.pk).delete()
    CatalogueEntry.objects.create(
        venue=venue, source_type="artwork", source_id="424242", kind="artwork", title="Fantôme", visibility="public"
    )
    drift = reconcile(venue)
    assert (drift.stale, drift.missing, drift.orphan) == (
        ["event:%d" % programme.cafe.pk],
        ["event:%d" % programme.opening.pk],
        ["artwork:424242"],
    )
    assert _entry(venue, "event", programme.cafe.pk).title == "Titre trafiqué"  # a report changes nothing
    reconcile(venue, fix=True)
    assert reconcile(venue).clean
    assert _entry(venue, "event", programme.cafe.pk).title == "Café pro"
    assert _entry(venue, "artwork", 424242).published is False
    relay.drain()  # nothing older may undo the repair
    assert reconcile(venue).clean


def _catalogue(**params: Any) -> list[str]:
    response = APIClient(HTTP_HOST=F).get("/api/v1/catalogue/", params)
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def offer(programme: Stage) -> Stage:
    staff = programme.staff
    with schema_context("gresilles"):
        make_event(
            staff,
            kind="workshop",
            title="Atelier comptabilité analytique",
            visibility=Visibility.PUBLIC,
            description="Coûts par projet.",
            starts_at=soon(6),
            ends_at=soon(6, 12),
        )
        make_event(
            staff,
            kind="cafe",
            title="Café des Grésilles",
            visibility=Visibility.PUBLIC,
            description="Rencontre.",
            starts_at=soon(9),
            ends_at=soon(9, 11),
        )
        make_event(
            staff,
            kind="cafe",
            title="Rencontre ouverte",
            visibility=Visibility.PUBLIC,
            description="Un atelier de comptabilité en bonus.",
            starts_at=soon(10),
            ends_at=soon(10, 11),
        )
    relay.drain()
    return programme


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gresille", "Café des Grésilles"),  # no accent, singular
        ("GRÉSILLES", "Café des Grésilles"),
        ("atelier compta", "Atelier comptabilité analytique"),  # prefixes
        ("comptabilte", "Atelier comptabilité analytique"),  # a typo
        ("vernisage", "Vernissage"),  # a typo
    ],
)
def test_search_forgives_accents_prefixes_and_typos(offer: Stage, query: str, expected: str) -> None:
    assert _catalogue(q=query)[0] == expected


def test_titles_rank_above_bodies_and_filters_narrow(offer: Stage) -> None:
    found = _catalogue(q="comptabilité")
    assert found[:2] == ["Atelier comptabilité analytique", "Rencontre ouverte"]
    assert _catalogue(kind="exhibition") == []
    assert set(_catalogue(kind="event", city="dijon")) >= {"Vernissage", "Café des Grésilles"}
    assert _catalogue(kind="event", city="Besançon") == []
    assert _catalogue(venue="battants") == []
    member = APIClient(HTTP_HOST=F)
    member.credentials(HTTP_AUTHORIZATION="Bearer " + offer.token(offer.member))
    for price, shown in (("4.99", False), ("5", True)):  # Café pro costs 5 € to the network
        rows = member.get("/api/v1/catalogue/", {"max_price": price, "kind": "event"}).json()["results"]
        assert ("Café pro" in [row["title"] for row in rows]) is shown
    window = _catalogue(**{"from": soon(8).isoformat(), "to": soon(9, 23).isoformat(), "kind": "event"})
    assert window == ["Café des Grésilles"]


def test_anonymous_callers_see_public_entries_members_the_network_too(offer: Stage) -> None:
    public = _catalogue(kind="event")
    assert "Café pro" not in public  # a network event
    member = APIClient(HTTP_HOST=F)
    member.credentials(HTTP_AUTHORIZATION="Bearer " + offer.token(offer.member))
    titles = [row["title"] for row in member.get("/api/v1/catalogue/", {"kind": "event"}).json()["results"]]
    assert "Café pro" in titles and "Atelier résidents" not in titles  # venue-only events never reach it


def test_cursor_pages_neither_skip_nor_repeat(offer: Stage) -> None:
    client, seen, after = APIClient(HTTP_HOST=F), [], None
    for _ in range(10):
        params: dict[str, Any] = {"first": 2, "kind": "event"} | ({"after": after} if after else {})
        body = client.get("/api/v1/catalogue/", params).json()
        seen += [row["id"] for row in body["results"]]
        after = body["next"]
        if not after:
            break
    everything = client.get("/api/v1/catalogue/", {"first": "100", "kind": "event"}).json()["results"]
    assert seen == [row["id"] for row in everything] and len(seen) == len(set(seen)) >= 4


@pytest.mark.parametrize(
    "params",
    [
        {"after": "not-a-cursor"},
        {"after": "WzEsMl0"[:-1]},
        {"first": 0},
        {"first": 1000},
        {"kind": "party"},
        {"max_price": "-1"},
        {"from": "yesterday"},
        {"q": "x" * 300},
    ],
)
def test_bad_catalogue_queries_are_422(params: dict[str, Any]) -> None:
    response = APIClient(HTTP_HOST=F).get("/api/v1/catalogue/", params)
    assert response.status_code == 422, (params, response.content)


def test_health_reports_the_outbox_backlog(venue_a: Venue) -> None:
    _resource(venue_a)
    state = relay.backlog()
    assert state["backlog"] >= 1
    OutboxEvent.objects.update(created_at=timezone.now() - dt.timedelta(minutes=10))
    from hub.health import check_outbox

    with pytest.raises(RuntimeError):
        check_outbox()
    from hub.health import run_checks

    _healthy, checks = run_checks()
    assert checks["outbox"]["ok"] is False and checks["outbox"]["backlog"] >= 1  # the figures stay in the report
    assert checks["outbox"]["lag_seconds"] >= 600
    relay.drain()
    assert check_outbox()["backlog"] == 0


def test_the_reconcile_command_reports_then_repairs(programme: Stage) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    relay.drain()
    CatalogueEntry.objects.filter(source_type="event").delete()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("reconcile_catalogue", "--venue", "gresilles", stdout=out)
    assert "missing event:%d" % programme.cafe.pk in out.getvalue()
    call_command("reconcile_catalogue", "--venue", "gresilles", "--fix", stdout=StringIO())
    call_command("reconcile_catalogue", "--venue", "gresilles", stdout=StringIO())  # clean now: no error
    with pytest.raises(CommandError):
        call_command("reconcile_catalogue", "--venue", "nowhere", stdout=StringIO())


def test_a_change_after_a_repair_is_not_lost(programme: Stage) -> None:
    venue = programme.cast.venue_a
    relay.drain()
    cafe = _entry(venue, "event", programme.cafe.pk)
    cafe.title = "Trafiqué"
    cafe.save()
    reconcile(venue, fix=True)
    assert _entry(venue, "event", programme.cafe.pk).title == "Café pro"
    from tenants.events import services as events

    with schema_context("gresilles"):
        events.save_event(event=programme.cafe, changes={"title": "Café pro du jeudi"}, actor=programme.staff)
    relay.drain()
    assert _entry(venue, "event", programme.cafe.pk).title == "Café pro du jeudi"


def test_long_names_reach_the_catalogue(venue_a: Venue, cast: Any) -> None:
    from tenants.gallery import services as gallery
    from tenants.gallery.models import Artwork

    with schema_context("gresilles"):
        artist = gallery.create_artist(name="Collectif des Artistes Plasticiens de la Côte-d'Or et du Morvan réunis")
        work = gallery.create_artwork(
            actor=None, fields={"artist": artist, "title": "Grande toile", "price": Decimal(900)}
        )
        gallery.consign(
            artist=artist, commission_rate=Decimal(30), starts_on=dt.date(2026, 1, 1), ends_on=None, artworks=[work]
        )
        gallery.set_status(artwork=work, status=Artwork.Status.AVAILABLE, actor=cast.people["staff_a"])
    report = relay.drain()
    assert report.failed == 0
    assert _entry(venue_a, "artwork", work.pk).published


def test_a_public_programme_lists_only_its_public_sessions(programme: Stage) -> None:
    from tenants.events import services as events
    from tenants.events.models import Programme

    with schema_context("gresilles"):
        parcours = events.save_programme(programme=Programme(title="Parcours ouvert", visibility=Visibility.PUBLIC))
        make_event(
            programme.staff,
            title="Séance publique",
            visibility=Visibility.PUBLIC,
            programme=parcours,
            starts_at=soon(8),
            ends_at=soon(8, 12),
        )
        make_event(
            programme.staff,
            title="Séance réseau",
            visibility=Visibility.NETWORK,
            programme=parcours,
            starts_at=soon(9),
            ends_at=soon(9, 12),
        )
    relay.drain()
    entry = _entry(programme.cast.venue_a, "programme", parcours.pk)
    assert [s["title"] for s in entry.data["sessions"]] == ["Séance publique"] and "Séance réseau" not in entry.tags


def test_nothing_searchable_finds_nothing(offer: Stage) -> None:
    assert _catalogue(q="東京") == [] and _catalogue(q="!!!") == []


def test_cursor_pages_of_a_ranked_search(offer: Stage) -> None:
    client, seen, after = APIClient(HTTP_HOST=F), [], None
    for _ in range(10):
        params: dict[str, Any] = {"first": 1, "q": "rencontre"} | ({"after": after} if after else {})
        body = client.get("/api/v1/catalogue/", params).json()
        seen += [row["id"] for row in body["results"]]
        after = body["next"]
        if not after:
            break
    everything = client.get("/api/v1/catalogue/", {"first": "100", "q": "rencontre"}).json()["results"]
    assert seen == [row["id"] for row in everything] and len(seen) >= 2


def test_a_resource_deleted_in_the_admin_leaves_the_catalogue(venue_a: Venue, cast: Any) -> None:
    from django.test import Client

    from .factories import TEST_PASSWORD

    room = _resource(venue_a, "Salle éphémère")
    relay.drain()
    manager = Client(HTTP_HOST="gresilles.localhost")
    assert manager.login(email=cast.people["manager_a"].email, password=TEST_PASSWORD)
    assert manager.post(f"/admin/coworking/resource/{room.pk}/delete/", {"post": "yes"}).status_code == 302
    relay.drain()
    assert _entry(venue_a, "resource", room.pk).published is False
