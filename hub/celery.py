"""The Celery app. Tasks take ids, not model instances. Tasks that touch a venue's data derive from
`VenueTask`, which runs only in the schema of a venue named by the message and refuses otherwise."""

from __future__ import annotations

import os
from typing import Any

from celery import signals
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

from hub.db import connection
from hub.metrics import connect_celery_signals

# Like wsgi.py: production unless told otherwise (`python -m hub run` and manage.py choose dev).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.prod")

SCHEMA_HEADER = "_schema_name"


class VenueRequired(RuntimeError):
    """A venue task was sent without naming a venue, or named one that does not exist."""


class VenueTask(TenantTask):
    """Base for tasks that work in one venue's schema.

    The venue travels in the `_schema_name` message header: tenant-schemas-celery fills it in from the
    schema active when the task is sent, or `apply_for_venue()` names it explicitly. Unlike
    tenant-schemas-celery's default, a missing header or the public schema is refused rather than run in
    `public`, and an unknown venue fails instead of being silently skipped.
    """

    abstract = True

    def apply_for_venue(self, venue_schema: str, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        headers = dict(options.pop("headers", None) or {})
        headers[SCHEMA_HEADER] = venue_schema
        return self.apply_async(args=args, kwargs=kwargs, headers=headers, **options)

    def apply_everywhere(self) -> list[str]:
        """Send one message per venue (so one venue's failure stays its own); returns their slugs."""
        from tenants.models import Venue

        slugs = list(Venue.objects.order_by("schema_name").values_list("schema_name", flat=True))
        for slug in slugs:
            self.apply_for_venue(slug)
        return slugs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from django.conf import settings
        from django_tenants.utils import schema_context

        from tenants.models import Venue

        schema = (self.request.headers or {}).get(SCHEMA_HEADER) or self.request.get(SCHEMA_HEADER)
        if not schema or schema == settings.PUBLIC_SCHEMA_NAME:
            raise VenueRequired("%s needs a venue: send it from a venue or with apply_for_venue()." % self.name)
        # When the prerun signal could not switch (its errors are only logged), find out why, loudly.
        if connection.schema_name != schema and not Venue.objects.filter(schema_name=schema).exists():
            raise VenueRequired("%s was sent for venue %r, which does not exist." % (self.name, schema))
        with schema_context(schema):
            return super().__call__(*args, **kwargs)


app = CeleryApp("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task outcomes for /metrics, counted in Redis by whichever worker runs them (the signals fire where tasks run).
connect_celery_signals()


@signals.worker_process_init.connect
def _fresh_connections(**kwargs: Any) -> None:
    # A forked worker process must not share the parent's database connection.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()
