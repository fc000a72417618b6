"""The two admin sites: the federation's on the federation host, each venue's on its own host."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.http import current_venue

admin.site.site_header = _("Coursive Hub — federation")
admin.site.site_title = _("Coursive Hub")


class VenueAdminSite(admin.AdminSite):
    """The admin of the venue the request's host serves. Only federation admins enter for now;
    the federation's permission module opens it to the venue's own managers and staff."""

    site_title = _("Coursive Hub — venue")
    index_title = _("Venue administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        venue = current_venue(request)
        return bool(venue is not None and user.is_active and user.is_superuser)

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        venue = current_venue(request)
        context["site_header"] = venue.name if venue is not None else self.site_header
        return context


venue_admin_site = VenueAdminSite(name="venue_admin")
