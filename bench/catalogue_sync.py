"""Sync and catalogue benchmark, each figure beside a baseline measured in the same run:

- sync lag (commit → catalogue) at a sustained rate of outbox events, with the relay on a real Celery worker
  nudged after each commit, beside a bare SQL consumer that only marks the same events processed;
- reconciliation of a venue with N catalogue entries, beside the plain SQL reads of the same rows;
- search p95 over N entries, beside the same SQL run directly with psycopg.

    .venv/bin/python bench/catalogue_sync.py [--rate 50] [--seconds 60] [--entries 100000] [--queries 200]

It starts its own throwaway PostgreSQL and Redis (or uses DATABASE_URL / REDIS_URL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

from hub.embedded import ensure_throwaway_services

ensure_throwaway_services()

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from celery.contrib.testing.worker import start_worker  # noqa: E402
from django.contrib.postgres.search import SearchVector  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from hub.celery import app  # noqa: E402
from shared_catalog.models import CatalogueEntry  # noqa: E402
from shared_catalog.search import Filters, search  # noqa: E402
from sync import relay  # noqa: E402
from sync.models import OutboxEvent  # noqa: E402
from sync.outbox import record  # noqa: E402
from sync.projectors import document_of, fold  # noqa: E402
from sync.reconcile import reconcile  # noqa: E402
from tenants.events.models import Event  # noqa: E402
from tenants.models import Venue  # noqa: E402
from tenants.services import create_venue  # noqa: E402

WORDS = [
    "Atelier",
    "Café",
    "comptabilité",
    "analytique",
    "stratégie",
    "commerciale",
    "marchés",
    "publics",
    "design",
    "musique",
    "théâtre",
    "vidéo",
    "jeu",
    "illustration",
    "sérigraphie",
    "studio",
    "mixage",
    "exposition",
    "Grésilles",
    "Battant",
    "Besançon",
    "Dijon",
    "rencontre",
    "réseau",
    "export",
    "financement",
    "graphisme",
]
QUERIES = [
    "atelier compta",
    "gresille",
    "strategie commerciale",
    "serigraphie",
    "cafe reseau",
    "mixage studio",
    "comptabilte",
    "exposition dijon",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def dsn() -> str:
    params = connection.get_connection_params()
    return psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")}
    )


def produce(venue: Venue, rate: int, seconds: int, offset: int) -> list[int]:
    """`rate` resource documents a second, each in its own transaction, as services write them."""
    ids, interval, started = [], 1 / rate, time.perf_counter()
    for i in range(rate * seconds):
        with transaction.atomic():
            ids.append(
                record(
                    venue=venue,
                    aggregate_type="resource",
                    aggregate_id=offset + i,
                    event_type="resource.upserted",
                    payload={
                        "id": offset + i,
                        "name": "Salle %d" % i,
                        "kind": "meeting_room",
                        "mode": "exclusive",
                        "capacity": 8,
                        "description": random.choice(WORDS),  # noqa: S311
                        "photo_url": "",
                        "network_bookable": True,
                        "published": True,
                        "prices": {"resident": "8.00", "network": "12.00", "public": "20.00"},
                    },
                ).pk
            )
        time.sleep(max(0.0, started + (i + 1) * interval - time.perf_counter()))
    return ids


def lags(ids: list[int]) -> list[float]:
    deadline = time.monotonic() + 120
    while OutboxEvent.objects.filter(pk__in=ids, processed_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = OutboxEvent.objects.filter(pk__in=ids).values_list("created_at", "processed_at")
    return [(done - made).total_seconds() * 1000 for made, done in rows if done is not None]


def bare_consumer(stop: threading.Event) -> None:
    with psycopg.connect(dsn(), autocommit=True) as db:
        while not stop.is_set():
            db.execute(
                "UPDATE sync_outboxevent SET processed_at = now() WHERE id IN (SELECT id FROM sync_outboxevent"
                " WHERE processed_at IS NULL AND parked_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 200)"
            )
            time.sleep(0.005)


def seed(venue: Venue, n: int) -> None:
    """n events at the venue (straight into its table) and their catalogue entries, as the relay writes them."""
    rng = random.Random(7)  # noqa: S311  (test data)
    start = dt.datetime(2027, 1, 4, 8, tzinfo=dt.UTC)
    with schema_context(venue.schema_name):
        Event.objects.bulk_create(
            (
                Event(
                    kind=rng.choice(["cafe", "workshop", "opening"]),
                    title=" ".join(rng.sample(WORDS, 3)) + " %d" % i,
                    description=" ".join(rng.sample(WORDS, 8)),
                    starts_at=start + dt.timedelta(hours=i),
                    ends_at=start + dt.timedelta(hours=i, minutes=90),
                    capacity=20,
                    visibility="public",
                )
                for i in range(n)
            ),
            batch_size=5000,
        )
        from tenants.events.outbox import event_payload

        documents = [(e.pk, document_of(venue, "event.upserted", event_payload(e))) for e in Event.objects.all()]
    CatalogueEntry.objects.bulk_create(
        (
            CatalogueEntry(
                venue=venue,
                source_type="event",
                source_id=str(pk),
                version=1,
                city=venue.city,
                title_folded=fold(doc["title"]),
                **doc,
            )
            for pk, doc in documents
        ),
        batch_size=5000,
    )
    CatalogueEntry.objects.update(
        search=SearchVector(F("title_folded"), weight="A", config="french")
        + SearchVector(F("summary"), weight="B", config="french")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shared_catalog_catalogueentry")


def reconcile_times(venue: Venue, repeat: int = 1) -> tuple[float, float]:
    started = time.perf_counter()
    drift = reconcile(venue)
    ours = time.perf_counter() - started
    assert drift.clean, drift.counts()
    with psycopg.connect(dsn(), autocommit=True) as db:
        started = time.perf_counter()
        db.execute("SELECT * FROM %s.events_event" % venue.schema_name).fetchall()  # noqa: S608  (our slug)
        registrations = "SELECT event_id, status, count(*) FROM %s.events_registration GROUP BY event_id, status"
        db.execute(registrations % venue.schema_name).fetchall()
        db.execute("SELECT * FROM shared_catalog_catalogueentry WHERE venue_id = %s", [venue.pk]).fetchall()
        sql = time.perf_counter() - started
    return ours, sql


def search_times(queries: int) -> tuple[list[float], list[float]]:
    ours, sql = [], []
    with psycopg.connect(dsn(), autocommit=True) as db:
        db.execute("SET pg_trgm.word_similarity_threshold = 0.35")
        for i in range(queries):
            q = QUERIES[i % len(QUERIES)]
            started = time.perf_counter()
            page = search(q, Filters(), network=False, first=20)
            ours.append((time.perf_counter() - started) * 1000)
            assert page.entries, q
            from shared_catalog import search as module

            words = module._words(q)
            raw = (
                "SELECT id, title, ts_rank(search, to_tsquery('french', %(tsq)s)) AS rank,"
                " word_similarity(%(w)s, title_folded) AS sim FROM shared_catalog_catalogueentry"
                " WHERE published AND visibility = 'public' AND (search @@ to_tsquery('french', %(tsq)s)"
                " OR title_folded %%> %(w)s) ORDER BY greatest(ts_rank(search, to_tsquery('french', %(tsq)s)),"
                " word_similarity(%(w)s, title_folded) * 0.5) DESC, id LIMIT 21"
            )
            started = time.perf_counter()
            db.execute(raw, {"tsq": " & ".join("%s:*" % w for w in words), "w": " ".join(words)}).fetchall()
            sql.append((time.perf_counter() - started) * 1000)
    return ours, sql


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate_schemas", verbosity=0)
    venue = create_venue(slug="bench", name="Bench", city="Dijon", domain="bench.localhost").venue

    stop = threading.Event()
    consumer = threading.Thread(target=bare_consumer, args=(stop,), daemon=True)
    consumer.start()
    base_ids = produce(venue, args.rate, args.seconds, offset=10_000_000)
    base = lags(base_ids)
    stop.set()
    consumer.join()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        ours_ids = produce(venue, args.rate, args.seconds, offset=20_000_000)
        ours = lags(ours_ids)
    relay.drain()
    CatalogueEntry.objects.filter(source_type="resource").delete()  # the lag phase's synthetic documents

    seed(venue, args.entries)
    rec_ours, rec_sql = reconcile_times(venue)
    search_ours, search_sql = search_times(args.queries)
    lines = [
        f"- data: {args.rate} events/s for {args.seconds} s ({len(ours_ids)} events) twice; {args.entries} events"
        f" and catalogue entries for reconciliation and search; {args.queries} searches",
        f"- sync lag commit → catalogue, p50/p95: relay on a Celery worker {percentile(ours, 50):.0f}/"
        f"{percentile(ours, 95):.0f} ms; bare SQL consumer marking the same events {percentile(base, 50):.0f}/"
        f"{percentile(base, 95):.0f} ms — ratio p50 {percentile(ours, 50) / max(percentile(base, 50), 0.1):.1f}×,"
        f" p95 {percentile(ours, 95) / max(percentile(base, 95), 0.1):.1f}×",
        f"- reconciliation of {args.entries} entries (clean): {rec_ours:.1f} s; the plain SQL reads of the same rows"
        f" {rec_sql:.2f} s — ratio {rec_ours / rec_sql:.0f}×",
        f"- search p50/p95 over {args.entries} entries: {percentile(search_ours, 50):.1f}/"
        f"{percentile(search_ours, 95):.1f} ms; the same SQL directly {percentile(search_sql, 50):.1f}/"
        f"{percentile(search_sql, 95):.1f} ms —"
        f" ratio p95 {percentile(search_ours, 95) / percentile(search_sql, 95):.1f}×",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
