"""The default connection, typed as django-tenants' wrapper (schema_name, set_tenant, set_schema_to_public…)."""

from typing import TYPE_CHECKING, cast

from django.db import connection as _connection

if TYPE_CHECKING:  # importing the backend at run time needs the app registry; Celery imports us before it
    from django_tenants.postgresql_backend.base import DatabaseWrapper

connection = cast("DatabaseWrapper", _connection)
