"""New venues are copies of a migrated template schema, identical to a schema migrated from scratch."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tenants import schema_template
from tenants.schema_template import (
    TEMPLATE_SCHEMA,
    create_venue_schema,
    fingerprint,
    migrate_schema,
    pending_in,
    refresh_template,
)
from tenants.services import create_venue


def _drop_index(schema: str, index: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{schema}"."{index}"')


def test_a_new_venue_is_a_copy_identical_to_a_schema_migrated_from_scratch(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="tenants.schema_template"):
        assert create_venue_schema("copy_check") == "copied"
    migrate_schema("scratch_check")

    copied, scratch = fingerprint("copy_check"), fingerprint("scratch_check")
    assert copied == scratch
    assert caplog.records == []
    # what the comparison looks at is not empty: tables, the no-double-booking constraint, migrations
    assert any(row[2] == "x" for row in copied["constraints"])  # an exclusion constraint
    assert ("coworking", "0009_booking_coworking_booking_starts") in copied["migrations"]
    assert copied["rows"]["django_content_type"] > 0
    assert not pending_in(TEMPLATE_SCHEMA)


def test_a_venue_made_from_the_template_takes_writes_and_new_content_types(db: None) -> None:
    from tenants.coworking.models import Resource

    create_venue(slug="copy_writes", name="Copie", city="Dijon", domain="copy-writes.localhost")
    with connection.cursor() as cursor:
        # ids continue after the rows the template holds (its sequences were copied with their values)
        cursor.execute('INSERT INTO "copy_writes".django_content_type (app_label, model) VALUES (%s, %s)', ["x", "y"])
    from django_tenants.utils import schema_context

    with schema_context("copy_writes"):
        room = Resource.objects.create(name="Salle", kind=Resource.Kind.MEETING_ROOM, capacity=4)
    assert room.pk == 1


def _forget_last_migration(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',  # noqa: S608
            ["coworking", "0009_booking_coworking_booking_starts"],
        )
    _drop_index(schema, "coworking_booking_starts")


@pytest.mark.usefixtures("committed_db")
def test_after_a_release_the_template_is_migrated_once_then_copied() -> None:
    """A release with a new migration: the template catches up (committed), then is copied; never stale."""
    migrated_in_a_transaction = []
    real_migrate = schema_template.migrate_schema

    def watched_migrate(schema: str, *, verbosity: int = 0) -> None:
        migrated_in_a_transaction.append((schema, connection.in_atomic_block))
        real_migrate(schema, verbosity=verbosity)

    try:
        _forget_last_migration(TEMPLATE_SCHEMA)
        assert pending_in(TEMPLATE_SCHEMA) == {("coworking", "0009_booking_coworking_booking_starts")}

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(schema_template, "migrate_schema", watched_migrate)
            assert create_venue_schema("after_release") == "copied"

        assert migrated_in_a_transaction == [(TEMPLATE_SCHEMA, False)]

        assert not pending_in(TEMPLATE_SCHEMA)
        assert not pending_in("after_release")
        assert any(row[1] == "coworking_booking_starts" for row in fingerprint("after_release")["indexes"])
    finally:
        refresh_template()
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "after_release" CASCADE')


def test_inside_a_transaction_a_template_that_is_behind_is_not_copied(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    _forget_last_migration(TEMPLATE_SCHEMA)  # rolled back with the test

    with caplog.at_level(logging.WARNING, logger="tenants.schema_template"):
        assert create_venue_schema("behind_template") == "migrated"

    assert "behind the migrations" in caplog.text
    assert not pending_in("behind_template")


@pytest.mark.usefixtures("committed_db")
def test_the_refresh_command_migrates_the_template_only_when_needed() -> None:
    out = StringIO()
    call_command("refresh_venue_template", stdout=out)
    assert "up to date" in out.getvalue()


def test_the_template_is_never_migrated_inside_a_transaction(db: None) -> None:
    """What it migrates must be committed for pg_dump to see, and AddIndexConcurrently refuses transactions."""
    with pytest.raises(RuntimeError, match="outside a transaction"):
        refresh_template()


def test_a_venue_named_like_an_sql_keyword_is_a_copy_too(db: None) -> None:
    from django_tenants.utils import schema_context

    from tenants.coworking.models import Resource

    create_venue(slug="order", name="Ordre", city="Dijon", domain="order.localhost")

    assert not pending_in("order")
    assert fingerprint("order") == fingerprint(TEMPLATE_SCHEMA)
    with schema_context("order"):
        assert Resource.objects.create(name="Salle", kind=Resource.Kind.MEETING_ROOM).pk == 1


def test_a_copy_that_fails_in_the_database_is_replaced_by_a_migrated_schema(
    db: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_copy(source: str, target: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{target}"')
            cursor.execute("SELECT no_such_function()")

    monkeypatch.setattr(schema_template, "copy_schema", broken_copy)
    with caplog.at_level(logging.ERROR, logger="tenants.schema_template"):
        assert create_venue_schema("broken_copy") == "migrated"

    assert "no_such_function" in caplog.text
    assert not pending_in("broken_copy")


def test_a_copy_that_differs_from_the_template_is_replaced_by_a_migrated_schema(
    db: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_copy = schema_template.copy_schema

    def lossy_copy(source: str, target: str) -> None:
        real_copy(source, target)
        _drop_index(target, "coworking_booking_starts")

    monkeypatch.setattr(schema_template, "copy_schema", lossy_copy)
    with caplog.at_level(logging.ERROR, logger="tenants.schema_template"):
        assert create_venue_schema("lossy_copy") == "migrated"

    assert "indexes: missing" in caplog.text
    migrate_schema("scratch_check")
    assert fingerprint("lossy_copy") == fingerprint("scratch_check")


def test_without_the_template_a_venue_is_migrated(db: None, settings: object) -> None:
    settings.HUB_VENUE_TEMPLATE = False  # type: ignore[attr-defined]
    assert create_venue_schema("plain_migrate") == "migrated"
    assert not pending_in("plain_migrate")


def test_schema_names_are_checked_before_any_sql(db: None) -> None:
    with pytest.raises(ValueError, match="not a schema name"):
        schema_template.applied_in('x"; DROP SCHEMA public; --')
