from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from federation.models import Partner, User
from federation.tokens import DEFAULT_PERSONAL_SCOPES, create_api_token, create_partner_token
from hub.errors import HubError


class Command(BaseCommand):
    help = (
        "Issue an API token and print it (shown this once, stored hashed): a personal token for a person, "
        "or with --partner a partner token (aggregated statistics only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", help="the person's e-mail address")
        parser.add_argument("--partner", help="issue a partner token for the partner with this name instead")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--read-only", action="store_true", help="personal token with the `read` scope only")
        parser.add_argument("--calendar", action="store_true", help="a token for iCalendar feed URLs only")
        parser.add_argument("--expires-days", type=int, default=None, help="days until it expires (default: never)")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["expires_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        if bool(options["email"]) == bool(options["partner"]):
            raise CommandError("Name either a person's e-mail or --partner NAME.")
        try:
            if options["partner"]:
                partner = Partner.objects.filter(name__iexact=options["partner"].strip()).first()
                if partner is None:
                    raise CommandError(f"No partner named {options['partner']}.")
                issued = create_partner_token(partner=partner, name=options["name"], expires_at=expires_at)
            else:
                user = User.objects.filter(email__iexact=options["email"].strip()).first()
                if user is None:
                    raise CommandError(f"No person with e-mail {options['email']}.")
                scopes = (
                    ["calendar"]
                    if options["calendar"]
                    else ["read"]
                    if options["read_only"]
                    else list(DEFAULT_PERSONAL_SCOPES)
                )
                issued = create_api_token(user=user, name=options["name"], scopes=scopes, expires_at=expires_at)
        except HubError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.secret)
        self.stderr.write(
            "Token %s… issued for %s; store it now, it cannot be shown again."
            % (issued.token.prefix, issued.token.holder)
        )
