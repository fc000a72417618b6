"""GraphQL catalogue benchmark: the federation endpoint's `catalogue` query over N entries, side by side in one
run with the REST call that answers the same question and with the SQL Django generates for it:

- GraphQL: `POST /graphql/` on `localhost` (Django's test client, in process, anonymous), 20 entries with their
  venue, cursors and page info;
- REST: `GET /api/v1/catalogue/?q=<word>&first=20` on the same host with the same client;
- SQL: the very SELECT the search runs (captured from Django, literals inlined), sent directly with psycopg.

Each is timed with a search word (the eight queries of bench/catalogue_sync.py in turn) and without one (the
plain listing), in rounds that run the three side by side in a rotating order; the number of SQL queries per
GraphQL and per REST request is counted once, outside the timed rounds.

    .venv/bin/python bench/graphql_catalogue.py [--entries 100000] [--queries 200] [--profile]

It starts its own throwaway PostgreSQL and Redis (or uses DATABASE_URL / REDIS_URL). `--profile` also prints
where one GraphQL request spends its time (cProfile over a few listing requests).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

from hub.embedded import ensure_throwaway_services

ensure_throwaway_services()

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# The services are up and Django is set up: importing the sync benchmark only defines its helpers.
from bench.catalogue_sync import QUERIES, dsn, percentile, seed  # noqa: E402
from shared_catalog.models import CatalogueEntry  # noqa: E402
from shared_catalog.search import SIMILAR, Filters, search  # noqa: E402
from tenants.services import create_venue  # noqa: E402

HOST = "localhost"
FIRST = 20
CATALOGUE = """
query($s: String, $first: Int) {
  catalogue(search: $s, first: $first) {
    edges { cursor node { id ref kind title summary priceFrom startsAt venue { slug name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
WAYS = ("graphql", "rest", "sql")
LISTING = ""  # the plain listing: no search word


class Bench:
    """The three ways of asking for one page of the catalogue, each returning the ids of the page."""

    def __init__(self, db: psycopg.Connection[Any]) -> None:
        self.client = Client(HTTP_HOST=HOST)
        self.db = db
        self.sql: dict[str, str] = {}

    def graphql(self, q: str) -> list[int]:
        body = {"query": CATALOGUE, "variables": {"s": q or None, "first": FIRST}}
        response = self.client.post("/graphql/", data=json.dumps(body), content_type="application/json")
        answer = response.json()
        assert response.status_code == 200 and "errors" not in answer, answer
        return [int(edge["node"]["id"]) for edge in answer["data"]["catalogue"]["edges"]]

    def rest(self, q: str) -> list[int]:
        params: dict[str, str | int] = {"q": q, "first": FIRST} if q else {"first": FIRST}
        response = self.client.get("/api/v1/catalogue/", params)
        answer = response.json()
        assert response.status_code == 200, answer
        return [entry["id"] for entry in answer["results"]]

    def direct(self, q: str) -> list[int]:
        return [row[0] for row in self.db.execute(self.sql[q]).fetchall()][:FIRST]

    def way(self, name: str) -> Callable[[str], list[int]]:
        return {"graphql": self.graphql, "rest": self.rest, "sql": self.direct}[name]

    def capture_sql(self, q: str) -> None:
        """The SELECT the search runs for `q`, as Django sent it (psycopg binds on the client side)."""
        with CaptureQueriesContext(connection) as captured:
            search(q, Filters(), network=False, first=FIRST)
        selects = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")]
        assert len(selects) == 1, captured.captured_queries
        self.sql[q] = selects[0]


def label(sql: str) -> str:
    """A statement's first words: `BEGIN`, `SET search_path`, `SELECT shared_catalog_catalogueentry` (its table)."""
    words = sql.split()
    if words[0] == "SELECT":
        found = re.search(r' FROM "?(\w+)', sql)
        return "SELECT %s" % (found.group(1) if found else "?")
    return " ".join(words[:2]) if words[0] == "SET" else words[0]


def queries_per_request(bench: Bench, q: str) -> dict[str, list[str]]:
    """The SQL statements of one GraphQL and one REST request."""
    counted = {}
    for name in ("graphql", "rest"):
        with CaptureQueriesContext(connection) as captured:
            bench.way(name)(q)
        counted[name] = [label(query["sql"]) for query in captured.captured_queries]
    return counted


def rounds(bench: Bench, words: list[str], n: int) -> dict[tuple[str, str], list[float]]:
    """n rounds; each asks every mode (a search word, the listing) every way, in an order rotated per round."""
    times: dict[tuple[str, str], list[float]] = {(mode, way): [] for mode in ("search", "listing") for way in WAYS}
    for i in range(n):
        order = WAYS[i % 3 :] + WAYS[: i % 3]
        for mode, q in (("search", words[i % len(words)]), ("listing", LISTING)):
            for way in order:
                ask = bench.way(way)
                started = time.perf_counter()
                ids = ask(q)
                times[mode, way].append((time.perf_counter() - started) * 1000)
                assert len(ids) == FIRST, (mode, way, q, ids)
    return times


def profile(bench: Bench, q: str, requests: int = 50) -> list[str]:
    """Where one GraphQL and one REST request spend their time (cProfile: inflated, compare the shares)."""
    parts = {
        "graphql": [
            ("whole request", "django/core/handlers/base.py", "get_response"),
            ("parse (twice: size check, then graphene)", "graphql/language/parser.py", "parse"),
            ("validation", "graphql/validation/validate.py", "validate"),
            ("execution", "graphql/execution/execute.py", "execute"),
            ("of which the search", "shared_catalog/search.py", "search"),
            ("JSON encoding", "graphene_django/views.py", "json_encode"),
        ],
        "rest": [
            ("whole request", "django/core/handlers/base.py", "get_response"),
            ("query parameters", "rest_framework/serializers.py", "is_valid"),
            ("the search", "shared_catalog/search.py", "search"),
            ("serializer", "rest_framework/serializers.py", "data"),
            ("JSON rendering", "rest_framework/response.py", "rendered_content"),
        ],
    }
    lines = []
    for name, wanted in parts.items():
        ask = bench.way(name)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            ask(q)
        profiler.disable()
        stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        shares = []
        for what, path, function in wanted:
            spent = max(
                (
                    cumulative
                    for (file, _line, func), (*_, cumulative, _callers) in stats.items()
                    if file.endswith(path) and func == function
                ),
                default=0.0,
            )
            shares.append(f"{what} {spent * 1000 / requests:.1f}")
        lines.append(f"- cProfile, ms per {name} request ({q or 'listing'}): " + "; ".join(shares))
    return lines


def table(times: dict[tuple[str, str], list[float]], counts: dict[str, dict[str, list[str]]]) -> list[str]:
    p = {key: (percentile(values, 50), percentile(values, 95)) for key, values in times.items()}
    lines = [
        "| mode | GraphQL p50/p95 ms | REST p50/p95 ms | SQL p50/p95 ms | GraphQL/SQL p50, p95"
        " | GraphQL/REST p50, p95 | SQL queries GraphQL, REST |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode in ("search", "listing"):
        g, r, s = p[mode, "graphql"], p[mode, "rest"], p[mode, "sql"]
        lines.append(
            f"| {mode} | {g[0]:.1f}/{g[1]:.1f} | {r[0]:.1f}/{r[1]:.1f} | {s[0]:.1f}/{s[1]:.1f}"
            f" | {g[0] / s[0]:.2f}×, {g[1] / s[1]:.2f}× | {g[0] / r[0]:.2f}×, {g[1] / r[1]:.2f}×"
            f" | {len(counts[mode]['graphql'])}, {len(counts[mode]['rest'])} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("migrate_schemas", verbosity=0)
    venue = create_venue(slug="bench", name="Bench", city="Dijon", domain="bench.localhost").venue
    seed(venue, args.entries)
    assert CatalogueEntry.objects.filter(published=True, visibility="public").count() == args.entries
    seeded = time.perf_counter() - started

    words = QUERIES
    with psycopg.connect(dsn(), autocommit=True) as db:
        db.execute("SET pg_trgm.word_similarity_threshold = %s" % SIMILAR)
        bench = Bench(db)
        counts: dict[str, dict[str, list[str]]] = {}
        for q in [*words, LISTING]:
            bench.capture_sql(q)
            answers = {way: bench.way(way)(q) for way in WAYS}  # also warms every path up
            assert answers["graphql"] == answers["rest"] == answers["sql"], (q, answers)
        counts["search"] = queries_per_request(bench, words[0])
        counts["listing"] = queries_per_request(bench, LISTING)
        times = rounds(bench, words, args.queries)
        profiled = [*profile(bench, LISTING), *profile(bench, words[0], requests=10)] if args.profile else []

    print(
        f"- data: {args.entries} public catalogue entries (seeded in {seeded:.0f} s); {args.queries} rounds, each"
        f" a search ({len(words)} queries in turn) and the listing, asked of GraphQL, REST and SQL in a rotating"
        f" order; pages of {FIRST}; wall time {time.perf_counter() - started:.0f} s"
    )
    for mode in ("search", "listing"):
        for name in ("graphql", "rest"):
            print(f"- SQL of one {name} request ({mode}): {', '.join(counts[mode][name])}")
    print("\n".join(table(times, counts)))
    print("\n".join(profiled))


if __name__ == "__main__":
    main()
