from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from federation.models import User
from federation.tokens import create_api_token
from hub.errors import HubError


class Command(BaseCommand):
    help = "Issue a personal API token for a person and print it (it is shown this once, stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--expires-days", type=int, default=None, help="days until it expires (default: never)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No person with e-mail {options['email']}.")
        days = options["expires_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            issued = create_api_token(user=user, name=options["name"], expires_at=expires_at)
        except HubError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.secret)
        self.stderr.write(
            "Token %s… issued for %s; store it now, it cannot be shown again." % (issued.token.prefix, user.email)
        )
