from typing import Any

from django.core.management.base import BaseCommand

from tenants.schema_template import TEMPLATE_SCHEMA, refresh_template


class Command(BaseCommand):
    help = "Migrate the template new venues are copied from (run after migrate_schemas when deploying)."

    def handle(self, *args: Any, **options: Any) -> None:
        if refresh_template(verbosity=max(options["verbosity"] - 1, 0)):
            self.stdout.write(self.style.SUCCESS(f"Migrated {TEMPLATE_SCHEMA}."))
        else:
            self.stdout.write(f"{TEMPLATE_SCHEMA} is up to date.")
