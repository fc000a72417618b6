from typing import Any

from django.core.management.base import BaseCommand, CommandError

from federation.demo import DemoNotAllowed, load_demo


class Command(BaseCommand):
    help = "Load the demo federation (venues, staff, organisations, people). Idempotent. Development only."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = load_demo()
        except DemoNotAllowed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Demo federation ready: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
