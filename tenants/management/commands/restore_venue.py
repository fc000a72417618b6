from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.backups import FAILURES, explain, restore_venue


class Command(BaseCommand):
    help = (
        "Restore one venue and the federation into a fresh, empty database (the one DATABASE_URL names): "
        "`public` from --database-dump, the venue from --venue-dump or from the same whole-database dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("venue", help="the venue's slug (its schema)")
        parser.add_argument("--database-dump", required=True, type=Path, help="from backup_database")
        parser.add_argument("--venue-dump", type=Path, help="from backup_venue (default: the database dump)")

    def handle(self, *args: Any, **options: Any) -> None:
        for option in ("database_dump", "venue_dump"):
            if options[option] is not None and not options[option].is_file():
                raise CommandError(f"{options[option]}: no such file.")
        try:
            restored = restore_venue(
                options["venue"], database_dump=options["database_dump"], venue_dump=options["venue_dump"]
            )
        except FAILURES as exc:
            raise CommandError(explain(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {restored.venue.schema_name} ({restored.venue.name})."))
        if restored.emptied:
            self.stdout.write(f"Registered but empty, without host names: {', '.join(restored.emptied)}.")
