"""`python manage.py rebuild_rollups [--venue SLUG] [--from DATE] [--to DATE]`: recount the partners' daily and
monthly figures from the venues' own tables (after a restore, a bug fix in a metric, or to backfill), and
rebuild the membership spells from the organisations."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting import rollups
from tenants.models import Venue


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError("%r is not a date (YYYY-MM-DD)." % text) from error


class Command(BaseCommand):
    help = "Recount the partners' rollups from the venues' tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue", help="one venue's slug (default: every venue)")
        parser.add_argument("--from", dest="first", type=_date, help="first day (default: the venue's first activity)")
        parser.add_argument("--to", dest="last", type=_date, help="last day (default: the bookable-hours horizon)")

    def handle(self, *args: Any, **options: Any) -> None:
        venues = Venue.objects.order_by("schema_name")
        if options["venue"]:
            venues = venues.filter(schema_name=options["venue"])
            if not venues.exists():
                raise CommandError("No venue %r." % options["venue"])
        if options["first"] and options["last"] and options["first"] > options["last"]:
            raise CommandError("--from comes after --to.")
        for venue in venues:
            started = time.monotonic()
            first, last = rollups.activity_range(venue)
            first, last = options["first"] or first, options["last"] or last
            rollups.rebuild(venue, first, last)
            self.stdout.write(
                "%s: %s to %s recounted in %.1f s"
                % (venue.schema_name, first.isoformat(), last.isoformat(), time.monotonic() - started)
            )
        self.stdout.write("%d membership spells rebuilt" % rollups.rebuild_spells())
