"""A relay process killed (SIGKILL) in the middle of a batch: nothing it did is kept, nothing is lost, and the
next run applies every event exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.parse
from pathlib import Path

from django.db import connection
from django_tenants.utils import schema_context

from shared_catalog.models import CatalogueEntry
from sync import relay
from sync.models import OutboxEvent
from tenants.coworking.events import save_resource
from tenants.coworking.models import Resource
from tenants.models import Venue

PROJECT = Path(__file__).resolve().parent.parent
ROOMS = 6

RELAY = textwrap.dedent(
    """
    import sys, time, django
    django.setup()
    from sync import projectors, relay

    def slow(event):
        projectors.apply(event)
        print("applied", event.pk, flush=True)  # applied inside the batch's transaction, not committed
        time.sleep(0.3)

    relay.apply = slow
    relay.drain()
    print("finished", flush=True)
    """
)


def _test_database_url() -> str:
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


def test_a_relay_killed_mid_batch_loses_and_duplicates_nothing(committed_db: None) -> None:
    venue = Venue.objects.get(schema_name="gresilles")
    with schema_context("gresilles"):
        rooms = [
            save_resource(venue=venue, resource=Resource(name="Salle %d" % i, kind="meeting_room"))
            for i in range(ROOMS)
        ]
    events = OutboxEvent.objects.filter(processed_at__isnull=True).count()
    assert events >= ROOMS
    env = os.environ | {"DATABASE_URL": _test_database_url(), "DJANGO_SETTINGS_MODULE": "hub.settings.test"}
    process = subprocess.Popen(
        [sys.executable, "-c", RELAY], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    applied = 0
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while applied < 3 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        applied += line.startswith("applied")
    process.send_signal(signal.SIGKILL)  # the worker dies with the batch half applied
    process.wait(timeout=30)
    assert applied == 3, process.stderr.read() if process.stderr else ""

    time.sleep(0.5)  # PostgreSQL notices the dead connection and rolls its transaction back
    assert OutboxEvent.objects.filter(processed_at__isnull=True).count() == events  # nothing was marked
    assert not CatalogueEntry.objects.filter(published=True).exists()  # nothing was kept

    report = relay.drain()  # the next run (another worker, or the same restarted)
    assert report.processed == events and report.failed == 0
    shown = sorted(int(e.source_id) for e in CatalogueEntry.objects.filter(source_type="resource", published=True))
    assert shown == sorted(r.pk for r in rooms)
    assert relay.drain().processed == 0
