"""The one place that reads the environment. Settings modules call these helpers; nothing else does."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

TENANT_DB_ENGINE = "django_tenants.postgresql_backend"


def database_config(*, conn_max_age: int = 0) -> dict[str, Any]:
    """`DATABASES["default"]` from `DATABASE_URL`, always through django-tenants' backend."""
    url = env.str("DATABASE_URL", default="")
    if not url:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set. Use `python manage.py …` or `python -m hub …`, which start the "
            "embedded PostgreSQL when it is unset, or point DATABASE_URL at a PostgreSQL >= 15 server."
        )
    config = env.db_url_config(url)
    if config["ENGINE"] not in ("django.db.backends.postgresql", TENANT_DB_ENGINE):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (got %s)." % config["ENGINE"])
    config["ENGINE"] = TENANT_DB_ENGINE
    # A unix-socket directory arrives percent-encoded as the host, or as libpq's `?host=/dir`.
    options = config.setdefault("OPTIONS", {})
    config["HOST"] = unquote(str(options.pop("host", None) or config.get("HOST") or ""))
    config["CONN_MAX_AGE"] = conn_max_age
    config["CONN_HEALTH_CHECKS"] = conn_max_age > 0
    return config


def redis_url() -> str:
    url = env.str("REDIS_URL", default="")
    if not url:
        raise ImproperlyConfigured(
            "REDIS_URL is not set. Use `python manage.py …` or `python -m hub …`, which start the "
            "embedded Redis when it is unset, or point REDIS_URL at a Redis server."
        )
    return url


def redis_url_for_db(url: str, db: int) -> str:
    """The same Redis server, another logical database (`redis://h/0` → `redis://h/1`, `unix:///s?db=1`)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(db)
        return "unix://%s?%s" % (parts.path, urlencode(query))
    return urlunsplit(parts._replace(path="/%d" % db))


def celery_url(url: str) -> str:
    """Kombu and Celery spell a unix socket `redis+socket://`; redis-py spells it `unix://`."""
    parts = urlsplit(url)
    if parts.scheme != "unix":
        return url
    query = dict(parse_qsl(parts.query))
    db = query.pop("db", "0")
    query["virtual_host"] = db
    return "redis+socket://%s?%s" % (parts.path, urlencode(query))
