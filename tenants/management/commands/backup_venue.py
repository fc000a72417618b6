from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.backups import FAILURES, backup_venue, explain


class Command(BaseCommand):
    help = "Dump one venue's schema with pg_dump (restore it with a dump of the database taken at the same time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("venue", help="the venue's slug (its schema)")
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_venue(options["venue"], options["output"])
        except FAILURES as exc:
            raise CommandError(explain(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}."))
