"""What the routing middleware attaches to a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from tenants.models import Venue


def current_venue(request: HttpRequest) -> Venue | None:
    """The venue this request's host serves; None on the federation host."""
    return getattr(request, "venue", None)


def set_current_venue(request: HttpRequest, venue: Venue | None) -> None:
    request.venue = venue  # type: ignore[attr-defined]
    if venue is not None:
        request.tenant = venue  # type: ignore[attr-defined]  # read by django-tenants helpers
