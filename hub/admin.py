"""The two admin sites: the federation's on the federation host, each venue's on its own host."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.http import current_venue

admin.site.site_header = _("Coursive Hub — federation")
admin.site.site_title = _("Coursive Hub")


def _can(request: HttpRequest, action: str) -> bool:
    from federation.permissions import can

    return can(request.user, action, current_venue(request))


class VenueAdminSite(admin.AdminSite):
    """The admin of the venue the request's host serves: its staff and managers (and federation admins)
    enter; the staff of another venue do not."""

    site_title = _("Coursive Hub — venue")
    index_title = _("Venue administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return current_venue(request) is not None and _can(request, "venue.admin")

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        venue = current_venue(request)
        context["site_header"] = venue.name if venue is not None else self.site_header
        return context


class VenueModelAdmin(admin.ModelAdmin):
    """Rights in a venue's admin come from the person's role at that venue: staff view, add and change;
    managers also delete. (Django's per-model permissions are federation-wide, so they are not used here.)"""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can(request, "venue.admin")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.operate")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _can(request, "venue.operate")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.operate")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.manage")


venue_admin_site = VenueAdminSite(name="venue_admin")
