from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from federation.lockout import unlock


class Command(BaseCommand):
    help = "Clear the failed sign-in counts of an account (from every address), ending its lockout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        cleared = unlock(options["email"])
        self.stdout.write(self.style.SUCCESS(f"{options['email']}: {cleared} count(s) cleared."))
