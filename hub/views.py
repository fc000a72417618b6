"""JSON answers for errors raised outside the APIs, so no host ever shows an HTML debug page."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hub.http import current_venue
from tenants.selectors import venues

RETRY_AFTER_OUTAGE = 5  # seconds: PostgreSQL restarts in a few


@require_GET
def index(request: HttpRequest) -> JsonResponse:
    """Where to go from a host's root: the venue it serves, or the federation and its venues."""
    base = request.build_absolute_uri("/")
    venue = current_venue(request)
    links = {"health": base + "health/", "admin": base + "admin/"}
    if venue is not None:
        links |= {"api": base + "api/v1/", "api_docs": base + "api/v1/docs/"}
        return JsonResponse(
            {"venue": {"slug": venue.schema_name, "name": venue.name, "city": venue.city}, "links": links}
        )
    links |= {"graphql": base + "graphql/", "catalogue": base + "api/v1/catalogue/"}
    port = request.get_host().partition(":")[2]
    suffix = ":" + port if port else ""  # keep the port the caller used (dev: 8000)
    return JsonResponse(
        {
            "service": "Coursive Hub",
            "links": links,
            "venues": [
                {
                    "slug": v.schema_name,
                    "name": v.name,
                    "city": v.city,
                    "url": "%s://%s%s/" % (request.scheme, v.primary_domain, suffix) if v.primary_domain else None,
                }
                for v in venues()
            ],
        }
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


def unavailable() -> JsonResponse:
    """A 503 the client may retry after a few seconds: the database cannot be reached for now."""
    response = JsonResponse(
        {"detail": _("The service is briefly unavailable: try again in a moment."), "code": "unavailable"},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_OUTAGE)
    return response


def server_error(request: HttpRequest) -> JsonResponse:
    """The handler of uncaught exceptions. Called while the exception is handled, so it can tell a database
    that cannot be reached (restarting, failing over: found by `bench/load.py --faults`) from a fault: the
    first is a 503 the client may retry, the second a 500."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return unavailable()
    return JsonResponse({"detail": _("Server error."), "code": "server_error"}, status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": _("Bad request."), "code": "bad_request"}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": _("Permission denied."), "code": "permission_denied"}, status=403)
