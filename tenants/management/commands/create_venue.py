from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.errors import HubError
from tenants.services import create_venue


class Command(BaseCommand):
    help = "Create a venue with its schema and domain (idempotent: re-running updates it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="schema name, e.g. gresilles")
        parser.add_argument("--name", required=True)
        parser.add_argument("--city", required=True)
        parser.add_argument("--domain", required=True, help="host name, e.g. gresilles.localhost")
        parser.add_argument("--timezone", default="Europe/Paris")
        parser.add_argument("--address", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_venue(
                slug=options["slug"],
                name=options["name"],
                city=options["city"],
                domain=options["domain"],
                timezone=options["timezone"],
                address=options["address"],
            )
        except HubError as exc:
            raise CommandError(exc.describe()) from exc
        venue = result.venue
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Created venue {venue.schema_name} ({venue.name})."))
        elif result.changed:
            self.stdout.write(f"Venue {venue.schema_name} exists; updated: {', '.join(result.changed)}.")
        else:
            self.stdout.write(f"Venue {venue.schema_name} exists; nothing to change.")
