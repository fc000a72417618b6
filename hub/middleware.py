"""Host → schema routing. The venue comes from the request host only; unknown hosts get a JSON 404."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.urls import set_urlconf
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.db import connection
from hub.http import set_current_venue
from hub.views import unavailable
from tenants.selectors import venue_for_host

logger = logging.getLogger(__name__)


def unknown_host_response() -> JsonResponse:
    return JsonResponse({"detail": _("Not found."), "code": "unknown_host"}, status=404)


class VenueRoutingMiddleware:
    """Before any view-related middleware (after the proxy and metrics ones). Federation hosts get the public
    schema and urlconf; a venue's domain gets that venue's schema and the venue urlconf; any other host gets
    404 and never reaches a view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()
        try:
            host, _port = split_domain_port(request.get_host())
        except DisallowedHost:
            return unknown_host_response()
        host = host.rstrip(".")

        if host in settings.HUB_FEDERATION_HOSTS:
            set_current_venue(request, None)
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            try:
                venue = venue_for_host(host)
            except DatabaseError:
                logger.exception("cannot look up host %s", host)
                return unavailable()
            if venue is None:
                return unknown_host_response()
            venue.domain_url = host
            set_current_venue(request, venue)
            timezone.activate(venue.tzinfo)  # times in responses and forms in the venue's own zone
            request.urlconf = settings.ROOT_URLCONF
            connection.set_tenant(venue)
        set_urlconf(request.urlconf)
        try:
            return self.get_response(request)
        finally:
            # A pooled connection (or thread) must not carry this venue into the next request.
            connection.set_schema_to_public()
            timezone.deactivate()
