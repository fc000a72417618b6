from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from federation.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo federation (venues, staff, organisations, people). Idempotent. Development only."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HUB_DEMO_ALLOWED:
            raise CommandError("The demo data has well-known passwords: it is not loaded in this mode.")
        counts = load_demo()
        self.stdout.write("Demo federation ready: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
