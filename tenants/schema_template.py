"""New venue schemas are copied from a template schema instead of replaying every migration.

The template (`_venue_template`: not a slug, slugs start with a letter) is an ordinary venue schema that no
venue uses. Before each copy it is brought up to date with the migrations on disk, so a copy is never
behind: a release that adds a migration pays for it once, in the template, then every new venue is a copy.
The copy is checked against the template (tables, columns, constraints, indexes, sequences, triggers and
the rows migrations wrote); if they differ, or the copy fails, it is rolled back and the schema is
migrated from scratch instead: onboarding can only get slower, not wrong.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from hub import pgtools
from hub.db import connection
from hub.pgtools import ToolFailed, ToolMissing

TEMPLATE_SCHEMA = "_venue_template"
# Advisory lock key: one copy or template migration at a time.
_LOCK_KEY = 7_340_210_001
_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,62}")

logger = logging.getLogger(__name__)


class CloneMismatch(RuntimeError):
    """A copied schema differs from its template."""


def quoted_schema(schema: str) -> str:
    if not _IDENT.fullmatch(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    return f'"{schema}"'


@cache
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration of every installed app: what a fully migrated venue schema records as applied."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def applied_in(schema: str) -> set[tuple[str, str]]:
    name = quoted_schema(schema)
    if not schema_exists(schema):
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{name}.django_migrations"])
        if cursor.fetchone()[0] is None:
            return set()
        cursor.execute(f"SELECT app, name FROM {name}.django_migrations")  # noqa: S608
        return {(app, name) for app, name in cursor.fetchall()}


def pending_in(schema: str) -> set[tuple[str, str]]:
    return set(migrations_on_disk() - applied_in(schema))


def migrate_schema(schema: str, *, verbosity: int = 0) -> None:
    """Create `schema` if needed and apply the venue migrations it lacks (django-tenants' executor)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted_schema(schema)}")
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()


def refresh_template(*, verbosity: int = 0) -> bool:
    """Bring the template up to date with the migrations on disk; True when it had to migrate.

    Deployments run it after `migrate_schemas` (`manage.py refresh_venue_template`); provisioning runs it
    too, before its own transaction. It must run outside any transaction: pg_dump (another connection) has
    to see the migrated template, and some migrations cannot run in one (AddIndexConcurrently).
    """
    if connection.in_atomic_block:
        raise RuntimeError("refresh_template() commits what it migrates: call it outside a transaction.")
    with connection.cursor() as cursor:
        # Session-level: migrate_schemas commits and closes the connection, which releases it.
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
    try:
        if not pending_in(TEMPLATE_SCHEMA):
            return False
        migrate_schema(TEMPLATE_SCHEMA, verbosity=verbosity)
        return True
    finally:
        with connection.cursor() as cursor:  # false (with a warning) when closing the connection released it
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])


def create_venue_schema(schema: str, *, verbosity: int = 0) -> str:
    """Create the schema of a new venue, fully migrated; returns how: "copied" or "migrated".

    Runs in the caller's transaction when there is one (a failed provisioning leaves no schema behind).
    A template that is behind is brought up to date first when that can be committed; inside a
    transaction it cannot (pg_dump would not see it), and the schema is migrated instead.
    """
    if not settings.HUB_VENUE_TEMPLATE:
        migrate_schema(schema, verbosity=verbosity)
        return "migrated"
    if not connection.in_atomic_block:
        refresh_template(verbosity=verbosity)
    with transaction.atomic():
        _lock()
        if pending_in(TEMPLATE_SCHEMA):
            logger.warning("the venue template is behind the migrations: migrating %s instead of copying", schema)
            migrate_schema(schema, verbosity=verbosity)
            return "migrated"
        try:
            with transaction.atomic():
                copy_schema(TEMPLATE_SCHEMA, schema)
                expected, copied = fingerprint(TEMPLATE_SCHEMA), fingerprint(schema)
                if copied != expected:
                    raise CloneMismatch(_difference(expected, copied))
        except (CloneMismatch, ToolMissing, ToolFailed, DatabaseError) as exc:
            logger.error("could not copy %s into %s, migrating instead: %s", TEMPLATE_SCHEMA, schema, exc)
            migrate_schema(schema, verbosity=verbosity)
            return "migrated"
        return "copied"


def copy_schema(source: str, target: str) -> None:
    """Create `target` as a copy of `source`, in the caller's transaction.

    The tables, constraints, indexes and sequences come from pg_dump's description of `source` (run on
    the committed template, which only changes with migrations): pg_dump qualifies every object with its
    schema, so replacing that one identifier retargets the whole script. psql commands and session
    settings are left out (`check_function_bodies` is kept, for this transaction only); the rows the
    migrations wrote (django_migrations, content types) and the sequences' positions are copied in SQL.
    """
    src, dst = quoted_schema(source), quoted_schema(target)
    script = pgtools.run(
        "pg_dump", ["--schema", source, "--schema-only", "--no-owner", "--no-privileges", "--no-comments"]
    )
    statements = []
    for line in script.splitlines():
        if line.startswith("SET check_function_bodies"):
            statements.append("SET LOCAL " + line.removeprefix("SET "))
        elif not line.startswith(("\\", "SET ", "SELECT pg_catalog.set_config('search_path'")):
            statements.append(line)
    retargeted = re.sub(rf'(?<![\w$"])"?{re.escape(source)}"?(?![\w$"])', dst, "\n".join(statements))
    with connection.cursor() as cursor:
        cursor.execute(retargeted)
        cursor.execute(
            "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.attgenerated = '' GROUP BY c.relname",
            [source],
        )
        for table, columns in cursor.fetchall():
            name = connection.ops.quote_name(table)
            cursor.execute(
                f"INSERT INTO {dst}.{name} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {src}.{name}"  # noqa: S608
            )
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s AND last_value IS NOT NULL",
            [source],
        )
        for sequence, last_value in cursor.fetchall():
            cursor.execute("SELECT setval(%s, %s, true)", [f"{dst}.{connection.ops.quote_name(sequence)}", last_value])
    connection.set_schema_to_public()


def _lock() -> None:
    """For the rest of the caller's transaction (provisioning commits or rolls back with the copy)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def fingerprint(schema: str) -> dict[str, Any]:
    """What a schema is made of, with its own name blanked out so that two schemas compare equal."""
    name = quoted_schema(schema)
    connection.set_schema_to_public()  # names outside `public` come out qualified, then blanked
    with connection.cursor() as cursor:
        parts: dict[str, Any] = {}
        for part, sql in _CATALOGUE.items():
            cursor.execute(sql, {"schema": schema})
            parts[part] = sorted(tuple(_blank(value, schema) for value in row) for row in cursor.fetchall())
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY 1",
            [schema],
        )
        rows = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM {name}."{table}"')  # noqa: S608
            rows[table] = cursor.fetchone()[0]
        parts["rows"] = rows
        cursor.execute(f"SELECT app, name FROM {name}.django_migrations")  # noqa: S608
        parts["migrations"] = sorted(cursor.fetchall())
    return parts


def _blank(value: Any, schema: str) -> Any:
    if not isinstance(value, str):
        return value
    value = re.sub(rf'(?<![\w"])"?{re.escape(schema)}"?\.', "SCHEMA.", value).replace(f"'{schema}'", "'SCHEMA'")
    # PostgreSQL prints an expression it re-read from its own output with other casts and parentheses:
    # `status IN (…)` on a varchar column comes back from pg_dump as `ANY (ARRAY[('a'::varchar)::text])`
    # instead of `ANY ((ARRAY['a'::varchar])::text[])`. Same meaning; compared without casts and brackets.
    return re.sub(r"::[a-z ]+(\[\])?|[()]", "", value)


def _difference(expected: dict[str, Any], copied: dict[str, Any]) -> str:
    problems = []
    for part in expected:
        if expected[part] != copied.get(part):
            if isinstance(expected[part], list):
                missing = [row for row in expected[part] if row not in copied[part]][:3]
                extra = [row for row in copied[part] if row not in expected[part]][:3]
                problems.append(f"{part}: missing {missing}, unexpected {extra}")
            else:
                problems.append(f"{part} differ")
    return "; ".join(problems)


_CATALOGUE = {
    "columns": """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
               a.attgenerated, pg_get_expr(d.adbin, d.adrelid), co.collname
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
    """,
    "constraints": """
        SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s
    """,
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s",
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
               s.seqcycle, d.refobjid::regclass::text
        FROM pg_sequence s
        JOIN pg_class c ON c.oid = s.seqrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_depend d ON d.objid = s.seqrelid AND d.deptype IN ('a', 'i') AND d.classid = 'pg_class'::regclass
        WHERE n.nspname = %(schema)s
    """,
    "sequence_values": "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %(schema)s",
    "triggers": """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
    """,
    "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = %(schema)s",
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s
    """,
    "types": """
        SELECT t.typname, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %(schema)s AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
    """,
}
