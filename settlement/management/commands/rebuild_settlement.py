"""`python manage.py rebuild_settlement [--venue SLUG]`: record in the settlement ledger the network bookings
it lacks (those made before it existed) and their cancellations. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from settlement.services import rebuild
from tenants.models import Venue


class Command(BaseCommand):
    help = "Record the venues' network bookings the settlement ledger lacks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue", help="one host venue's slug (default: every venue)")

    def handle(self, *args: Any, **options: Any) -> None:
        venues = Venue.objects.exclude(schema_name="public").order_by("schema_name")
        if options["venue"]:
            venues = venues.filter(schema_name=options["venue"])
            if not venues.exists():
                raise CommandError("No venue %r." % options["venue"])
        for venue in venues:
            self.stdout.write("%s: %d ledger rows written" % (venue.schema_name, rebuild(venue)))
