"""Backups: the whole database and one venue with pg_dump; one venue restored into a fresh database."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context

from tenants.coworking.models import OpeningHours, Resource
from tenants.coworking.services import book_resource
from tenants.models import Venue

from .federation_fixtures import make_cast

PROJECT = Path(__file__).resolve().parent.parent


def _url_of(database: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + database))


@pytest.fixture
def fresh_database(committed_db: None) -> Iterator[str]:
    name = "restore_" + secrets.token_hex(4)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(database: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": _url_of(database), "DJANGO_SETTINGS_MODULE": "hub.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


def _contents(cursor: Any, schema: str) -> dict[str, tuple[int, str]]:
    """Every table of `schema`: its row count and a digest of its rows."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
    contents = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
            f'FROM "{schema}"."{table}" t'
        )
        contents[table] = tuple(cursor.fetchone())
    return contents


def test_a_venue_round_trips_into_a_fresh_database(fresh_database: str, tmp_path: Path) -> None:
    gresilles, battants = Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants")
    cast = make_cast(gresilles, battants)
    start = dt.datetime(2031, 3, 3, 9, tzinfo=dt.UTC)
    with schema_context("gresilles"):
        OpeningHours.objects.bulk_create(
            [OpeningHours(weekday=d, opens=dt.time(8), closes=dt.time(20)) for d in range(7)]
        )
        room = Resource.objects.create(name="Tilleul", kind="meeting_room", advance_days=3650)
        booking = book_resource(
            venue=gresilles,
            resource_id=room.pk,
            member=cast.people["member"],
            start=start,
            end=start + dt.timedelta(hours=2),
        ).booking
    call_command("backup_database", output=tmp_path / "hub.dump")
    call_command("backup_venue", "gresilles", output=tmp_path / "gresilles.dump")
    with connection.cursor() as cursor:
        before = _contents(cursor, "gresilles")
        cursor.execute("SELECT email FROM federation_user ORDER BY email")
        people = cursor.fetchall()
    with schema_context("gresilles"):  # after the backup: not in the restored venue
        Resource.objects.create(name="Après la sauvegarde", kind="desk")

    result = _manage(
        fresh_database,
        "restore_venue", "gresilles",
        "--database-dump", str(tmp_path / "hub.dump"),
        "--venue-dump", str(tmp_path / "gresilles.dump"),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "Restored gresilles" in result.stdout
    with psycopg.connect(_url_of(fresh_database)) as restored, restored.cursor() as cursor:
        assert _contents(cursor, "gresilles") == before
        assert before["coworking_booking"][0] >= 1  # the backup holds what was there, not what came after
        cursor.execute("SELECT email FROM federation_user ORDER BY email")
        assert cursor.fetchall() == people
        cursor.execute("SELECT schema_name FROM tenants_venue ORDER BY 1")
        assert cursor.fetchall() == [("battants",), ("gresilles",)]
        cursor.execute("SELECT domain FROM tenants_domain ORDER BY 1")
        assert cursor.fetchall() == [("gresilles.localhost",)]  # the other venue is registered, not served
        cursor.execute("SELECT count(*) FROM battants.coworking_resource")
        assert cursor.fetchone() == (0,)
        # the restored venue keeps working: its sequences go on, its constraints hold
        cursor.execute(
            _copy_of("coworking_resource", cursor, "id = %s", name="name || ' bis'") + " RETURNING id", [room.pk]
        )
        (new_id,) = cursor.fetchone() or (0,)
        assert new_id > room.pk
        with pytest.raises(psycopg.errors.ExclusionViolation):  # the same slot again
            cursor.execute(_copy_of("coworking_booking", cursor, "id = %s"), [booking.pk])
    assert _manage(fresh_database, "migrate_schemas", "--check").returncode == 0


def _copy_of(table: str, cursor: Any, where: str, **values: str) -> str:
    """INSERT copying the rows of gresilles.`table` matching `where`, with new ids (and `values` changed)."""
    cursor.execute(
        "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_schema = 'gresilles' AND table_name = %s AND column_name <> 'id'",
        [table],
    )
    columns = cursor.fetchone()[0].split(", ")
    selected = ", ".join(values.get(column, column) for column in columns)
    return (
        f"INSERT INTO gresilles.{table} ({', '.join(columns)}) SELECT {selected} FROM gresilles.{table} WHERE {where}"  # noqa: S608
    )


def test_restoring_refuses_a_database_that_is_not_empty(committed_db: None, tmp_path: Path) -> None:
    call_command("backup_database", output=tmp_path / "hub.dump")
    with pytest.raises(CommandError, match="fresh database"):
        call_command("restore_venue", "gresilles", database_dump=tmp_path / "hub.dump")


def test_backing_up_an_unknown_venue_is_refused(committed_db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a venue"):
        call_command("backup_venue", "nowhere", output=tmp_path / "x.dump")
    with pytest.raises(CommandError, match="not a venue"):
        call_command("backup_venue", "_venue_template", output=tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()
