"""Reads for venues, including the cached host → venue lookup used on every request."""

from __future__ import annotations

import logging
from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery
from django_tenants.utils import schema_context
from redis.exceptions import RedisError

from .models import Domain, Venue

logger = logging.getLogger(__name__)

_MISSING = "-"  # cached "no venue has this host", so unknown hosts cannot hammer the database


def _host_key(host: str) -> str:
    return "venue-by-host:%s" % host


def venue_for_host(host: str) -> Venue | None:
    """The venue a host name serves, or None. Cached; `forget_host` invalidates. When the cache is
    unreachable the database answers alone (slower, never wrong)."""
    with schema_context(settings.PUBLIC_SCHEMA_NAME):  # the cache key is built from the active schema
        key = _host_key(host)
        try:
            cached = cache.get(key)
        except RedisError:
            logger.warning("cache unreachable: looking %s up in the database", host)
            cached = None
        if cached == _MISSING:
            return None
        if isinstance(cached, Venue):
            return cached
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        venue = domain.tenant if domain else None
        with suppress(RedisError):
            cache.set(key, venue if venue is not None else _MISSING, settings.HUB_HOST_CACHE_SECONDS)
        return venue


def forget_host(*hosts: str) -> None:
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        try:
            cache.delete_many([_host_key(host) for host in hosts])
        except RedisError:
            # Entries expire after HUB_HOST_CACHE_SECONDS; until then a renamed domain may still route.
            logger.error("cache unreachable: could not forget hosts %s", ", ".join(hosts))


def venues() -> QuerySet[Venue]:
    """Every venue, with `primary_domain` (its primary host name) annotated in the same query."""
    primary = Domain.objects.filter(tenant=OuterRef("pk"), is_primary=True).values("domain")[:1]
    return Venue.objects.annotate(primary_domain=Subquery(primary)).order_by("name")


def venue_by_slug(slug: str) -> Venue | None:
    return Venue.objects.filter(schema_name=slug).first()


def active_venue() -> Venue:
    """The venue whose schema is active: the services of a venue app run under it. Raises outside one."""
    from hub.db import connection

    venue = Venue.objects.filter(schema_name=connection.schema_name).first()
    if venue is None:
        raise RuntimeError("no venue schema is active (schema %r)" % connection.schema_name)
    return venue
