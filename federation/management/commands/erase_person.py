from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation.gdpr import erase_person
from federation.models import User


class Command(BaseCommand):
    help = "Erase a person (GDPR): anonymise their personal data in the federation and every venue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(email__iexact=options["email"].strip()).first()
        if person is None:
            raise CommandError(f"No person with e-mail {options['email']}.")
        if not options["yes"]:
            raise CommandError("Erasure cannot be undone: add --yes to confirm.")
        report = erase_person(person=person, actor=None)
        self.stdout.write(f"Person #{report.person_id} erased in the federation and {len(report.venues)} venues.")
