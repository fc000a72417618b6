from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.backups import FAILURES, backup_database, explain


class Command(BaseCommand):
    help = "Dump the whole database (every venue and the federation) with pg_dump, custom format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="file to write, e.g. hub-2026-11-24.dump")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_database(options["output"])
        except FAILURES as exc:
            raise CommandError(explain(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']}."))
