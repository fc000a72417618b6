"""Backups with pg_dump, and restoring one venue into a fresh database.

A venue's rows point at the federation's (people, organisations, home venues), which live in `public`.
So a venue is restored with the `public` schema (the federation, the venue registry) of a whole-database
dump, and its own schema from the same dump (one snapshot: consistent by construction) or from a venue
dump taken *before* it (two pg_dump runs are two snapshots; `public` must be the later one, so that the
people and organisations the venue's rows point at are in it). The other venues stay
registered, since the federation's rows refer to them, but get empty schemas and lose their host names
and catalogue entries: the restored database serves the federation and that one venue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from hub import pgtools
from hub.errors import HubError, InvalidInput
from hub.pgtools import ToolFailed, ToolMissing

from .models import Domain, Venue
from .schema_template import create_venue_schema, quoted_schema, refresh_template

FAILURES = (HubError, ToolFailed, ToolMissing)


def explain(exc: Exception) -> str:
    return exc.describe() if isinstance(exc, HubError) else str(exc)


# Created by the first migration (tenants/0001_extensions); extensions are not part of a schema's dump.
EXTENSIONS = ("btree_gist", "pg_trgm")


def backup_database(output: Path) -> None:
    """The whole database (every schema), in pg_dump's compressed custom format."""
    _dump(output, [])


def backup_venue(slug: str, output: Path) -> None:
    """One venue's schema. To restore it, take the database's dump after it (or use that dump alone)."""
    _known_schema(slug)
    _dump(output, ["--schema", slug])


def _dump(output: Path, selection: list[str]) -> None:
    """pg_dump into `output`, which appears only once the dump is complete."""
    partial = output.with_name(output.name + ".partial")
    try:
        pgtools.run("pg_dump", ["--format", "custom", *selection, "--file", str(partial)])
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    venue: Venue
    emptied: list[str]


def restore_venue(slug: str, *, database_dump: Path, venue_dump: Path | None = None) -> Restored:
    """Restore `public` and venue `slug` into the (empty) database Django is connected to."""
    quoted_schema(slug)
    if _tables_in("public"):
        raise InvalidInput(
            _("The database is not empty."),
            fields={"database": [_("Restore a venue into a fresh database: this one already has tables.")]},
        )
    with connection.cursor() as cursor:
        for extension in EXTENSIONS:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {extension} WITH SCHEMA public")
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    pgtools.run("pg_restore", [*options, "--schema", "public", str(database_dump)])
    with connection.cursor() as cursor:  # pg_restore --schema restores what is in a schema, not the schema
        cursor.execute(f"CREATE SCHEMA {quoted_schema(slug)}")
    pgtools.run("pg_restore", [*options, "--schema", slug, str(venue_dump or database_dump)])
    connection.close()  # the restored tables, sequences and types are new to this session

    venue = Venue.objects.filter(schema_name=slug).first()
    if venue is None or not _tables_in(slug):
        raise InvalidInput(
            _("The venue cannot be restored."),
            fields={"venue": [_("“%(slug)s” is not in these dumps.") % {"slug": slug}]},
        )
    refresh_template()
    others = list(Venue.objects.exclude(schema_name__in=["public", slug]).order_by("schema_name"))
    with transaction.atomic():
        for other in others:
            create_venue_schema(other.schema_name)
        Domain.objects.filter(tenant__in=others).delete()
        from shared_catalog.models import CatalogueEntry

        CatalogueEntry.objects.filter(venue__in=others).delete()
    return Restored(venue=venue, emptied=[other.schema_name for other in others])


def _known_schema(slug: str) -> None:
    quoted_schema(slug)
    if not Venue.objects.filter(schema_name=slug).exclude(schema_name="public").exists():
        raise InvalidInput(
            _("There is no such venue."), fields={"venue": [_("“%(slug)s” is not a venue.") % {"slug": slug}]}
        )


def _tables_in(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return [row[0] for row in cursor.fetchall()]
