"""Migrations are written expand/contract (deploy/SCALING.md): during a deployment venues migrate one after
another while the old code still runs, so a migration may only add what the old code can ignore.

Removing or renaming something, or adding a column the old code's INSERTs would leave NULL, belongs to a
*contract* migration of a later release: it says so with `contract = True` on its Migration class (the
reviewer's cue that the expand release has shipped everywhere). Migrations written before the hub's first
deployment are listed and exempt.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

from hub.embedded import PROJECT_DIR

# The apps of this project (not Django's, not third parties'): those whose code lives in the repository.
OUR_APPS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(PROJECT_DIR) and "site-packages" not in Path(config.path).parts
}
BEFORE_FIRST_DEPLOYMENT = {
    ("tenants", "0001_extensions"),
    ("tenants", "0002_initial"),
    ("federation", "0001_initial"),
    ("federation", "0002_audit_actions"),
    ("federation", "0003_alter_auditevent_action"),
    ("federation", "0004_statistics_consent_help"),
    ("sync", "0001_initial"),
    ("sync", "0002_remove_outboxevent_sync_outbox_pending_and_more"),
    ("shared_catalog", "0001_initial"),
    ("marketplace", "0001_initial"),
    ("marketplace", "0002_offer_description_limit"),
    ("settlement", "0001_initial"),
    ("reporting", "0001_initial"),
    ("coworking", "0001_initial"),
    ("coworking", "0002_booking_rules"),
    ("coworking", "0003_no_show"),
    ("coworking", "0004_package_rates"),
    ("coworking", "0005_booking_series"),
    ("coworking", "0006_plans_subscriptions"),
    ("coworking", "0007_network_flag"),
    ("coworking", "0008_booking_purpose"),
    ("coworking", "0009_booking_coworking_booking_starts"),
    ("gallery", "0001_initial"),
    ("gallery", "0002_sale_gallery_sale_sold_at"),
    ("events", "0001_initial"),
}
CONTRACT_ONLY = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
    migrations.RenameIndex,
)


def expand_problems(migration: migrations.Migration) -> list[str]:
    """What in `migration` the code of the previous release could trip over."""
    created = {op.name_lower for op in migration.operations if isinstance(op, migrations.CreateModel)}
    problems = []
    for op in migration.operations:
        if isinstance(op, CONTRACT_ONLY):
            problems.append(f"{type(op).__name__} {op.describe()}")
        elif isinstance(op, migrations.AddField) and op.model_name_lower not in created:
            field = op.field
            old_inserts_fail = not field.null and field.db_default is models.NOT_PROVIDED
            if old_inserts_fail and not isinstance(field, models.ManyToManyField):
                problems.append(f"AddField {op.model_name}.{op.name}: NOT NULL without db_default")
        elif isinstance(op, migrations.AlterField):
            problems.append(f"AlterField {op.model_name}.{op.name}: a type or nullability change in place")
    return problems


def test_every_migration_since_the_first_deployment_only_expands() -> None:
    assert {"coworking", "gallery", "events", "federation", "reporting"} <= OUR_APPS
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    offending = {}
    for key in graph.nodes:
        if key[0] not in OUR_APPS or key in BEFORE_FIRST_DEPLOYMENT:
            continue
        migration = graph.nodes[key]
        if getattr(migration, "contract", False):
            continue
        if problems := expand_problems(migration):
            offending[key] = problems
    assert offending == {}, "write these as expand/contract (deploy/SCALING.md), or mark a contract migration"


def test_the_rule_tells_expanding_from_contracting() -> None:
    def migration(*operations: Operation) -> migrations.Migration:
        return type("Migration", (migrations.Migration,), {"operations": list(operations)})("0100_example", "coworking")

    expanding = migration(
        migrations.AddField("booking", "note", models.TextField(null=True)),
        migrations.AddField("booking", "channel", models.CharField(max_length=10, db_default="web")),
        migrations.CreateModel("Tag", [("id", models.BigAutoField(primary_key=True))]),
        migrations.AddField("tag", "label", models.CharField(max_length=20)),  # a new table: no old rows
        migrations.AddIndex("booking", models.Index(fields=["note"], name="booking_note")),
    )
    assert expand_problems(expanding) == []

    contracting = migration(
        migrations.RemoveField("booking", "note"),
        migrations.RenameField("booking", "purpose", "reason"),
        migrations.AddField("booking", "channel", models.CharField(max_length=10, default="web")),
        migrations.AlterField("booking", "purpose", models.CharField(max_length=5)),
    )
    assert len(expand_problems(contracting)) == 4
