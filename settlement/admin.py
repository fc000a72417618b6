"""Cross-site bookings in the federation's admin, for federation admins checking a statement. Read-only: the
booking service writes them."""

from __future__ import annotations

from django.contrib import admin

from hub.admin import ReadOnlyMixin

from .models import CrossSiteBooking


@admin.register(CrossSiteBooking)
class CrossSiteBookingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["month", "host", "home", "organisation", "resource", "starts_at", "hours", "price_incl_vat"]
    list_display += ["cancelled_at", "cancellation_fee"]
    list_filter = ["month", "host", "home", "covered"]
    search_fields = ["organisation__name", "resource"]
    list_select_related = ["host", "home", "organisation"]
    date_hierarchy = "starts_at"
