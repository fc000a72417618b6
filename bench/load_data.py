"""Data of the load benchmark (bench/load.py) and the checks after it. Imported once Django is set up.

Setup: the demo federation (`federation.demo.load_demo`: both venues, their resources, opening hours,
plans, a month of events, two years of history for the partners), one more person per client in the
demo's active organisations (half homed at each venue), each with a personal token; a token for each
venue's staff member and for the regional partner that sees both venues. The demo's network pass (20
hours a month) would refuse most network bookings within a minute: the load sets it to no monthly limit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django_tenants.utils import schema_context

from federation import services as federation
from federation.demo import load_demo
from federation.models import Organisation, Partner, RateCategory, User
from federation.tokens import create_api_token, create_partner_token
from shared_catalog.models import CatalogueEntry
from sync.models import OutboxEvent
from sync.reconcile import reconcile
from sync.relay import backlog
from tenants.coworking.models import Booking, Resource, Subscription
from tenants.coworking.rules import is_public_holiday
from tenants.events.models import Event, Registration, Visibility
from tenants.models import Venue

VENUES = {"gresilles": "gresilles.localhost", "battants": "battants.localhost"}
PARTNER = "Région Bourgogne-Franche-Comté"


@dataclass(frozen=True)
class BookableResource:
    id: int
    name: str
    exclusive: bool
    capacity: int
    slot: int
    shortest: int
    longest: int


@dataclass
class Plan:
    members: list[tuple[int, str, str]]  # (person id, token, home venue slug), one per client
    staff: dict[str, str]  # venue slug → a staff member's token
    partner: str
    resources: dict[str, list[BookableResource]]
    events: dict[str, list[int]]
    days: list[dt.date]  # bookable local days, soonest first
    sizes: dict[str, Any] = field(default_factory=dict)


def bookable_days(count: int) -> list[dt.date]:
    """The next `count` weekdays that are not public holidays (the demo venues open Monday to Friday)."""
    day, days = timezone.localdate() + dt.timedelta(days=1), list[dt.date]()
    while len(days) < count:
        if day.weekday() < 5 and not is_public_holiday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def setup(clients: int, days: int) -> Plan:
    call_command("migrate_schemas", verbosity=0)
    call_command("refresh_venue_template", verbosity=0)
    load_demo()
    federation.set_network_pass(allowed=True, rate_category=RateCategory.NETWORK, monthly_hours=None)
    venues = {venue.schema_name: venue for venue in Venue.objects.filter(schema_name__in=VENUES)}
    homes = {
        slug: list(Organisation.objects.filter(home_venue=venue, status=Organisation.Status.ACTIVE).order_by("pk"))
        for slug, venue in venues.items()
    }
    members = []
    for i in range(clients):
        slug = list(VENUES)[i % 2]
        organisation = homes[slug][(i // 2) % len(homes[slug])]
        person = User.objects.filter(email=f"load-{i:03d}@members.example").first()
        if person is None:
            person = federation.register_person(email=f"load-{i:03d}@members.example", full_name=f"Load {i}")
            federation.add_member(organisation=organisation, person=person)
        members.append((person.pk, create_api_token(user=person, name="load").secret, slug))
    staff = {
        slug: create_api_token(user=User.objects.get(email=f"staff.{slug}@coursive.example"), name="load").secret
        for slug in VENUES
    }
    partner = create_partner_token(partner=Partner.objects.get(name=PARTNER), name="load").secret
    resources: dict[str, list[BookableResource]] = {}
    events: dict[str, list[int]] = {}
    sizes: dict[str, Any] = {"people": User.objects.count(), "organisations": Organisation.objects.count()}
    soon = timezone.now() + dt.timedelta(days=1)
    for slug in VENUES:
        with schema_context(slug):
            rented = set(Subscription.objects.exclude(resource=None).values_list("resource_id", flat=True))
            resources[slug] = [
                BookableResource(r.pk, r.name, r.exclusive, r.capacity, r.slot_minutes, r.min_minutes, r.max_minutes)
                for r in Resource.objects.filter(is_active=True).exclude(pk__in=rented).order_by("pk")
            ]
            events[slug] = [
                event.pk
                for event in Event.objects.filter(
                    is_published=True,
                    status=Event.Status.SCHEDULED,
                    visibility__in=[Visibility.NETWORK, Visibility.PUBLIC],
                    starts_at__gt=soon,
                ).order_by("pk")
                if event.closes_at > soon
            ]
            sizes[slug] = {
                "resources bookable": len(resources[slug]),
                "resources rented (left out)": len(rented),
                "bookings": Booking.objects.count(),
                "events open": len(events[slug]),
                "events": Event.objects.count(),
                "registrations": Registration.objects.count(),
            }
    # the demo writes its history straight into the tables (no outbox): sync the catalogue as the nightly
    # reconciliation would, so that the run starts from a catalogue equal to reconciliation
    for venue in venues.values():
        sizes[f"catalogue drift repaired at {venue.schema_name}"] = reconcile(venue, fix=True).counts()
    sizes["catalogue entries"] = CatalogueEntry.objects.count()
    return Plan(members, staff, partner, resources, events, bookable_days(days), sizes)


def wait_for_outbox(timeout: float) -> dict[str, Any]:
    """Poll until the worker has relayed every event (or `timeout`); the last backlog read."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        connections.close_all()  # the database may have restarted since the last read
        try:
            state = backlog()
        except Exception as exc:  # still recovering
            state = {"backlog": -1, "error": str(exc)}
        if state.get("backlog") == 0 or time.monotonic() > deadline:
            return state
        time.sleep(1)


@dataclass
class Ledger:
    """What the clients were told: bookings (id, key, venue, expected status) and registrations."""

    bookings: list[dict[str, Any]] = field(default_factory=list)
    unresolved_keys: list[tuple[int, str]] = field(default_factory=list)  # (person, key): no definite answer
    registrations: list[dict[str, Any]] = field(default_factory=list)


def verify(ledger: Ledger, person_ids: set[int]) -> tuple[list[str], list[str]]:
    """(findings, failures): every check after the run; a failure makes the bench exit non-zero."""
    connections.close_all()
    findings, failures = [], []
    told = defaultdict(list)
    for row in ledger.bookings:
        told[(row["venue"], row["id"])].append(row)
    unresolved = set(ledger.unresolved_keys)
    for slug in VENUES:
        with schema_context(slug):
            rows = list(
                Booking.objects.filter(member_id__in=person_ids, idempotency_key__startswith="load-").values(
                    "pk", "member_id", "idempotency_key", "status"
                )
            )
            by_id = {row["pk"]: row for row in rows}
            keys = Counter((row["member_id"], row["idempotency_key"]) for row in rows)
            duplicates = [key for key, n in keys.items() if n > 1]
            if duplicates:
                failures.append(f"{slug}: {len(duplicates)} idempotency keys with more than one booking")
            mine = [row for (venue, _), rows_told in told.items() if venue == slug for row in rows_told]
            for row in mine:
                found = by_id.get(row["id"])
                if found is None:
                    failures.append(f"{slug}: booking {row['id']} answered {row['status_code']} is missing")
                elif found["idempotency_key"] != row["key"] or found["member_id"] != row["person"]:
                    failures.append(f"{slug}: booking {row['id']} is not the one the client was told")
                elif row["expected"] != "unknown" and found["status"] != row["expected"]:
                    failures.append(f"{slug}: booking {row['id']} is {found['status']}, expected {row['expected']}")
            told_ids = {row["id"] for row in mine}
            for found_row in rows:
                if found_row["pk"] in told_ids:
                    continue
                if (found_row["member_id"], found_row["idempotency_key"]) in unresolved:
                    findings.append(f"{slug}: booking {found_row['pk']} exists for a request never answered")
                else:
                    failures.append(f"{slug}: booking {found_row['pk']} exists though no client was told it was made")
            failures += _overlaps(slug)
            failures += _registrations(slug, ledger)
            findings.append(
                f"{slug}: {len(mine)} bookings answered 201/200 — {len(rows)} in the database for the load's keys,"
                f" {sum(1 for r in mine if r['expected'] == 'cancelled')} cancelled as told"
            )
    state = backlog()
    if state["backlog"] or state["parked"]:
        failures.append(f"outbox not drained: {state}")
    for venue in Venue.objects.filter(schema_name__in=VENUES).order_by("schema_name"):
        drift = reconcile(venue)
        findings.append(f"reconciliation of {venue.schema_name}: {drift.counts()}")
        if not drift.clean:
            failures.append(
                f"catalogue of {venue.schema_name} differs from reconciliation: {drift.counts()}"
                f" {(drift.missing + drift.stale + drift.orphan)[:10]}"
            )
    findings.append(f"outbox: {OutboxEvent.objects.count()} events, {state}")
    return findings, failures


def _overlaps(slug: str) -> list[str]:
    failures = []
    active = Booking.objects.filter(status__in=Booking.ACTIVE).select_related("resource")
    by_resource: dict[int, list[Booking]] = defaultdict(list)
    for booking in active.filter(during__startswith__gte=timezone.now() - dt.timedelta(days=1)):
        by_resource[booking.resource_id].append(booking)
    for bookings in by_resource.values():
        resource = bookings[0].resource
        edges = sorted(
            [(b.blocks.lower, b.seats if not resource.exclusive else 1) for b in bookings]
            + [(b.blocks.upper, -(b.seats if not resource.exclusive else 1)) for b in bookings],
            key=lambda edge: (edge[0], edge[1]),  # an end before a start at the same instant
        )
        held, peak = 0, 0
        for _, change in edges:
            held += change
            peak = max(peak, held)
        limit = 1 if resource.exclusive else resource.capacity
        if peak > limit:
            failures.append(f"{slug}: {resource.name} holds {peak} at once (limit {limit})")
    return failures


def _registrations(slug: str, ledger: Ledger) -> list[str]:
    failures = []
    active = Registration.objects.filter(status__in=Registration.ACTIVE)
    pairs = Counter(active.values_list("event_id", "person_id"))
    if any(n > 1 for n in pairs.values()):
        failures.append(f"{slug}: a person holds two active registrations to one event")
    for event in Event.objects.filter(registrations__isnull=False).distinct():
        held = event.registrations.filter(status__in=Registration.HOLDS_A_SEAT).count()
        if held > event.capacity:
            failures.append(f"{slug}: event {event.pk} has {held} seats held for {event.capacity}")
    statuses = dict(Registration.objects.values_list("pk", "status"))
    for row in ledger.registrations:
        if row["venue"] != slug:
            continue
        status = statuses.get(row["id"])
        if status is None:
            failures.append(f"{slug}: registration {row['id']} the client was told about is missing")
        elif row["expected"] != "unknown" and (status == Registration.Status.CANCELLED) != (
            row["expected"] == "cancelled"
        ):
            failures.append(f"{slug}: registration {row['id']} is {status}, expected {row['expected']}")
    return failures
