"""Venue onboarding and migrations benchmark (issue 10, deployment): how long adding a venue takes, and how
long a deployment's `migrate_schemas` takes over many venues.

    .venv/bin/python bench/venues.py [--venues 50] [--rounds 5] [--migrate-rounds 3]

1. Adding a venue, `--rounds` timed rounds after one warm-up round, the order of the three ways rotating
   from round to round: `tenants.schema_template.create_venue_schema(slug)` as configured (a copy of the
   migrated template schema: must return "copied"), the same with `HUB_VENUE_TEMPLATE = False` (every venue
   migration replayed by `migrate_schemas --tenant --schema=<slug>`: must return "migrated"), and the
   one-command path `tenants.services.create_venue(...)` (registry row, schema, domain), whose schema must
   be a copy too (a spy on `create_venue_schema` records how each schema was made). The schemas are
   dropped after each round. Before the rounds, the template's own migration (once per release) is timed.
2. A deployment over `--venues` venues (created with `create_venue`, so copies): `manage.py migrate_schemas
   --executor=standard|multiprocessing --noinput` as a subprocess with the benchmark's environment, as the
   deployment's `migrate` job runs it (public schema, then every venue), `--migrate-rounds` times each,
   alternating which executor goes first, (i) with nothing pending, (ii) the same with `--verbosity 0`
   (at verbosity 1 Django's migrate runs the autodetector in every schema that has nothing to apply, to
   warn of model changes without migrations) and (iii) with one new venue migration pending: a throwaway
   tenant app (`venuebench`, one table with an index), generated in a temporary directory with a settings
   module that adds it to `hub.settings.test`, and unapplied between runs (its table dropped, its
   `django_migrations` and content-type rows deleted in every schema) so that every run applies it to every
   venue; each run is checked to have applied it everywhere. For scale, the fixed cost of one such
   subprocess is timed too: `migrate_schemas --shared --verbosity 0` with nothing pending (interpreter,
   Django, system checks, the public schema).

It starts its own throwaway PostgreSQL and Redis (or uses DATABASE_URL / REDIS_URL; the venues it creates,
`bv_…`, are removed at the end) and prints a Markdown block for bench/RESULTS.md. `--venues 4 --rounds 1
--migrate-rounds 1` tries it out in a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")

from hub.embedded import ensure_throwaway_services

ensure_throwaway_services()

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402

from hub import pgtools  # noqa: E402
from hub.db import connection  # noqa: E402
from tenants import schema_template  # noqa: E402
from tenants.models import Domain, Venue  # noqa: E402
from tenants.schema_template import TEMPLATE_SCHEMA, applied_in, pending_in, refresh_template  # noqa: E402
from tenants.services import create_venue  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
PREFIX = "bv_"  # every schema this benchmark creates
EXECUTORS = ("standard", "multiprocessing")
BENCH_APP = "venuebench"
BENCH_TABLE = f"{BENCH_APP}_note"
BENCH_SETTINGS = "venuebench_settings"

BENCH_FILES = {
    f"{BENCH_SETTINGS}.py": f'''"""bench/venues.py: hub.settings.test plus a venue app with a pending migration."""

from hub.settings.test import *  # noqa: F403

TENANT_APPS = [*TENANT_APPS, "{BENCH_APP}"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "{BENCH_APP}"]  # noqa: F405
''',
    f"{BENCH_APP}/__init__.py": "",
    f"{BENCH_APP}/models.py": """from django.db import models


class Note(models.Model):
    id = models.BigAutoField(primary_key=True)
    label = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["label", "created_at"], name="venuebench_label_idx")]
""",
    f"{BENCH_APP}/migrations/__init__.py": "",
    f"{BENCH_APP}/migrations/0001_initial.py": """from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [
        migrations.CreateModel(
            name="Note",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("label", models.CharField(max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"indexes": [models.Index(fields=["label", "created_at"], name="venuebench_label_idx")]},
        ),
    ]
""",
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def execute(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def drop_schema(schema: str) -> None:
    assert schema.startswith(PREFIX), schema
    execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def remove_venues(slugs: list[str]) -> None:
    for slug in slugs:
        assert slug.startswith(PREFIX), slug
    Domain.objects.filter(tenant__schema_name__in=slugs).delete()
    Venue.objects.filter(schema_name__in=slugs).delete()
    for slug in slugs:
        drop_schema(slug)


def table_count(schema: str) -> int:
    return int(execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema])[0][0])


# -- 1. adding a venue ----------------------------------------------------------------------------------------


@dataclass
class Onboarding:
    template_migrate: float = 0.0  # seconds, the template's own migration (once per release)
    times: dict[str, list[float]] = field(default_factory=lambda: {"copy": [], "migrate": [], "create_venue": []})
    migrations: int = 0  # recorded by a full migrate (every installed app's)
    venue_migrations: int = 0  # those of the venue (tenant) apps
    tables: int = 0


@contextmanager
def schema_spy() -> Iterator[list[str]]:
    """How each schema `Venue.create_schema` asks for is made ("copied" / "migrated"), in order."""
    original = schema_template.create_venue_schema
    made: list[str] = []

    def spy(schema: str, *, verbosity: int = 0) -> str:
        how = original(schema, verbosity=verbosity)
        made.append(how)
        return how

    schema_template.create_venue_schema = spy  # Venue.create_schema imports it late
    try:
        yield made
    finally:
        schema_template.create_venue_schema = original


def add_copy(slug: str) -> None:
    how = schema_template.create_venue_schema(slug)
    assert how == "copied", f"{slug}: {how} (the copy fell back to migrating)"


def add_migrate(slug: str) -> None:
    with override_settings(HUB_VENUE_TEMPLATE=False):
        how = schema_template.create_venue_schema(slug)
    assert how == "migrated", f"{slug}: {how}"


def add_venue(slug: str) -> None:
    with schema_spy() as made:
        result = create_venue(
            slug=slug, name=f"Bench {slug}", city="Dijon", domain=f"{slug.replace('_', '-')}.localhost"
        )
    assert result.created, slug
    assert made == ["copied"], f"{slug}: create_venue made its schema {made}"


WAYS: dict[str, Callable[[str], None]] = {"copy": add_copy, "migrate": add_migrate, "create_venue": add_venue}


def onboarding(rounds: int) -> Onboarding:
    result = Onboarding()
    execute(f'DROP SCHEMA IF EXISTS "{TEMPLATE_SCHEMA}" CASCADE')  # the template is migrated from scratch, timed
    moment = time.perf_counter()
    assert refresh_template(), "the template was not migrated"
    result.template_migrate = time.perf_counter() - moment
    applied = applied_in(TEMPLATE_SCHEMA)
    venue_apps = {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}
    result.migrations = len(applied)
    result.venue_migrations = sum(app in venue_apps for app, _ in applied)
    result.tables = table_count(TEMPLATE_SCHEMA)
    names = list(WAYS)
    for r in range(-1, rounds):  # round -1 warms up
        order = names[r % len(names) :] + names[: r % len(names)]
        slugs = {way: f"{PREFIX}{way}_{r + 1}" for way in names}
        for way in order:
            moment = time.perf_counter()
            WAYS[way](slugs[way])
            elapsed = time.perf_counter() - moment
            assert not pending_in(slugs[way]), slugs[way]
            if r >= 0:
                result.times[way].append(elapsed)
            print(f"round {r + 1 if r >= 0 else 'warm-up'}: {way} {elapsed:.2f} s", flush=True)
        remove_venues([slugs["create_venue"]])
        drop_schema(slugs["copy"])
        drop_schema(slugs["migrate"])
    return result


# -- 2. migrate_schemas over many venues ------------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    label: str
    arguments: tuple[str, ...]  # added to `migrate_schemas --executor=…`
    new_migration: bool  # run with the benchmark app, its migration unapplied everywhere first


SITUATIONS = (
    Situation("nothing pending", (), False),
    Situation("nothing pending, `--verbosity 0`", ("--verbosity", "0"), False),
    Situation("one new migration", (), True),
)


@dataclass
class Deployment:
    create: list[float] = field(default_factory=list)  # seconds per venue
    fixed: list[float] = field(default_factory=list)  # migrate_schemas --shared --verbosity 0, nothing pending
    times: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # (situation, executor): seconds


def migrate_schemas(arguments: list[str], *, settings_module: str, pythonpath: str | None = None) -> float:
    """Seconds for `manage.py migrate_schemas <arguments>` in a subprocess with this process's environment."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, env.get("PYTHONPATH")]))
    command = [sys.executable, "manage.py", "migrate_schemas", *arguments, "--noinput"]
    connection.close()  # nothing of ours held open while the subprocess works
    moment = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - moment
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return elapsed


def unapply_bench_app(slugs: list[str]) -> None:
    """Forget `venuebench` everywhere, so that the next migrate_schemas applies it to every venue again."""
    for schema in slugs:
        execute(f'DROP TABLE IF EXISTS "{schema}".{BENCH_TABLE}')
        execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s', [BENCH_APP])  # noqa: S608
        execute(f'DELETE FROM "{schema}".django_content_type WHERE app_label = %s', [BENCH_APP])  # noqa: S608
    execute(
        "DELETE FROM public.auth_permission WHERE content_type_id IN "
        "(SELECT id FROM public.django_content_type WHERE app_label = %s)",
        [BENCH_APP],
    )
    execute("DELETE FROM public.django_content_type WHERE app_label = %s", [BENCH_APP])
    execute("DELETE FROM public.django_migrations WHERE app = %s", [BENCH_APP])


def bench_app_applied(slugs: list[str]) -> int:
    """Venues whose schema has the benchmark app's table and records its migration."""
    applied = 0
    for schema in slugs:
        table = execute("SELECT to_regclass(%s)", [f'"{schema}".{BENCH_TABLE}'])[0][0]
        sql = f'SELECT count(*) FROM "{schema}".django_migrations WHERE app = %s'  # noqa: S608
        recorded = execute(sql, [BENCH_APP])[0][0]
        applied += table is not None and recorded == 1
    return applied


def deployment(venues: int, rounds: int) -> Deployment:
    result = Deployment()
    slugs = [f"{PREFIX}{n:03d}" for n in range(1, venues + 1)]
    for slug in slugs:
        moment = time.perf_counter()
        add_venue(slug)
        result.create.append(time.perf_counter() - moment)
    print(f"{venues} venues created in {sum(result.create):.1f} s", flush=True)
    assert Venue.objects.exclude(schema_name="public").count() == venues, "other venues in the database"
    for slug in [*slugs, "public"]:
        assert not pending_in(slug), slug
    plain = os.environ["DJANGO_SETTINGS_MODULE"]
    with tempfile.TemporaryDirectory(prefix="venuebench-") as directory:
        for name, text in BENCH_FILES.items():
            path = Path(directory) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        try:
            for r in range(rounds):
                result.fixed.append(
                    migrate_schemas(["--shared", "--executor=standard", "--verbosity", "0"], settings_module=plain)
                )
                print(f"round {r + 1}: migrate_schemas --shared -v0, nothing pending {result.fixed[-1]:.2f} s")
                for situation in SITUATIONS:
                    for executor in EXECUTORS[r % 2 :] + EXECUTORS[: r % 2]:
                        if situation.new_migration:
                            unapply_bench_app(slugs)
                            assert bench_app_applied(slugs) == 0
                        elapsed = migrate_schemas(
                            [f"--executor={executor}", *situation.arguments],
                            settings_module=BENCH_SETTINGS if situation.new_migration else plain,
                            pythonpath=directory if situation.new_migration else None,
                        )
                        if situation.new_migration:
                            applied = bench_app_applied(slugs)
                            assert applied == venues, f"{executor}: the new migration reached {applied}/{venues} venues"
                        result.times.setdefault((situation.label, executor), []).append(elapsed)
                        print(f"round {r + 1}: {executor}, {situation.label} {elapsed:.2f} s", flush=True)
        finally:
            unapply_bench_app(slugs)
    remove_venues(slugs)
    return result


# -- report -----------------------------------------------------------------------------------------------------


def p50_min(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}/{min(values):.2f}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def report(args: argparse.Namespace, onboard: Onboarding, deploy: Deployment, wall: float) -> list[str]:
    t = onboard.times
    copy, migrate, whole = (statistics.median(t[k]) for k in ("copy", "migrate", "create_venue"))
    processes = getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
    chunks = getattr(settings, "TENANT_MULTIPROCESSING_CHUNKS", 2)
    fixed = statistics.median(deploy.fixed)
    pg_dump = pgtools.program("pg_dump")
    version = subprocess.run([pg_dump, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    lines = [
        f"Command: `.venv/bin/python bench/venues.py --venues {args.venues} --rounds {args.rounds}"
        f" --migrate-rounds {args.migrate_rounds}`. Run {dt.date.today().isoformat()} on {platform.machine()},"
        f" {os.cpu_count()} cores; wall time {wall:.0f} s.",
        "",
        f"- a venue schema: {onboard.tables} tables; {onboard.migrations} migrations recorded (every installed"
        f" app's, as Django records them), {onboard.venue_migrations} of them the venue apps' that create"
        f" tables; copies made with {version}",
        f"- the template's own migration from scratch (once per release that adds a migration):"
        f" {onboard.template_migrate:.2f} s",
        f"- adding a venue: {plural(args.rounds, 'timed round')} after a warm-up, the three ways in a rotating order,"
        ' schemas dropped after each round; every copy returned "copied", every full migrate "migrated", and'
        " every `create_venue` made its schema by copying",
        "",
        "| way | p50/min s |",
        "|---|---|",
        f"| copy of the template (`create_venue_schema`) | {p50_min(t['copy'])} |",
        f"| full migrate (`HUB_VENUE_TEMPLATE = False`) | {p50_min(t['migrate'])} |",
        f"| `create_venue` (row, schema copied, domain) | {p50_min(t['create_venue'])} |",
        "",
        f"Full migrate / copy: {migrate / copy:.1f}× at p50, {min(t['migrate']) / min(t['copy']):.1f}× at min;"
        f" `create_venue` / copy {whole / copy:.2f}×.",
        "",
        f"- a deployment over {args.venues} venues (created with `create_venue` in {sum(deploy.create):.1f} s, p50"
        f" {statistics.median(deploy.create):.2f} s a venue): `manage.py migrate_schemas --executor=… --noinput`"
        f" as a subprocess (public schema, then every venue), {plural(args.migrate_rounds, 'run')} per cell,"
        f" executors alternating which goes first; multiprocessing with {processes} processes, chunks of {chunks}"
        " (django-tenants' defaults: `TENANT_MULTIPROCESSING_MAX_PROCESSES` is unset)",
        f"- fixed cost of one such subprocess (`migrate_schemas --shared --verbosity 0`, nothing pending:"
        f" interpreter, Django, system checks, the public schema): p50 {fixed:.2f} s",
        "- one new migration: a throwaway venue app (one table, one two-column index) unapplied everywhere before"
        f" each run; each run checked to have applied it in all {args.venues} venues",
        "",
        "| situation | standard p50/min s | multiprocessing p50/min s | multiprocessing/standard p50 |"
        " per venue ms, standard/multiprocessing (p50 less fixed cost) |",
        "|---|---|---|---|---|",
    ]
    for situation in SITUATIONS:
        standard, multi = (deploy.times[situation.label, e] for e in EXECUTORS)
        s, m = statistics.median(standard), statistics.median(multi)
        lines.append(
            f"| {situation.label} | {p50_min(standard)} | {p50_min(multi)} | {m / s:.2f}×"
            f" | {(s - fixed) / args.venues * 1000:.0f}/{(m - fixed) / args.venues * 1000:.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--venues", type=int, default=50, help="venues migrate_schemas runs over (default 50)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of adding a venue (default 5)")
    parser.add_argument(
        "--migrate-rounds", type=int, default=3, help="migrate_schemas runs per executor and situation (default 3)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    # what an interrupted run left behind
    remove_venues(list(Venue.objects.filter(schema_name__startswith=PREFIX).values_list("schema_name", flat=True)))
    for (schema,) in execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [PREFIX]):
        drop_schema(schema)
    onboard = onboarding(args.rounds)
    t = onboard.times
    print(
        f"copy p50 {statistics.median(t['copy']):.2f} s, migrate p50 {statistics.median(t['migrate']):.2f} s,"
        f" create_venue p50 {statistics.median(t['create_venue']):.2f} s",
        flush=True,
    )
    deploy = deployment(args.venues, args.migrate_rounds)
    wall = time.perf_counter() - started
    print("\n## Venue onboarding and migrations — `bench/venues.py`\n")
    print("\n".join(report(args, onboard, deploy, wall)))


if __name__ == "__main__":
    main()
