"""`python manage.py reconcile_catalogue [--venue SLUG] [--fix]`: compare each venue's catalogue entries with
the venue's own tables, print the drift, and with --fix repair it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sync.reconcile import reconcile
from tenants.models import Venue


class Command(BaseCommand):
    help = "Report (and with --fix repair) drift between the shared catalogue and the venues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue", help="one venue's slug (default: every venue)")
        parser.add_argument("--fix", action="store_true", help="repair the drift found")

    def handle(self, *args: Any, **options: Any) -> None:
        venues = Venue.objects.order_by("schema_name")
        if options["venue"]:
            venues = venues.filter(schema_name=options["venue"])
            if not venues.exists():
                raise CommandError("No venue %r." % options["venue"])
        drifted = 0
        for venue in venues:
            drift = reconcile(venue, fix=options["fix"])
            counts = drift.counts()
            self.stdout.write(
                "%s: %d checked, %d missing, %d stale, %d orphan%s"
                % (
                    venue.schema_name,
                    counts["checked"],
                    counts["missing"],
                    counts["stale"],
                    counts["orphan"],
                    " (repaired)" if options["fix"] and not drift.clean else "",
                )
            )
            for label, keys in (("missing", drift.missing), ("stale", drift.stale), ("orphan", drift.orphan)):
                for key in keys[:20]:
                    self.stdout.write("  %s %s" % (label, key))
            drifted += 0 if drift.clean else 1
        if drifted and not options["fix"]:
            raise CommandError("%d venue(s) drifted: run with --fix to repair." % drifted)
