from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hub.admin import VenueModelAdmin, venue_admin_site
from hub.http import current_venue

from .events import delete_resource, save_resource
from .models import Booking, Closure, OpeningHours, Plan, Resource, Subscription


@admin.register(Resource, site=venue_admin_site)
class ResourceAdmin(VenueModelAdmin):
    """Saved through the service, so the shared catalogue hears of every change."""

    list_display = ["name", "kind", "mode", "capacity", "network_bookable", "is_active"]

    def save_model(self, request: HttpRequest, obj: Resource, form: Any, change: bool) -> None:
        venue = current_venue(request)
        assert venue is not None
        save_resource(venue=venue, resource=obj)

    list_filter = ["kind", "mode", "network_bookable", "is_active"]
    search_fields = ["name", "description"]

    def delete_model(self, request: HttpRequest, obj: Resource) -> None:
        venue = current_venue(request)
        assert venue is not None
        delete_resource(venue=venue, resource=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for resource in queryset:
            self.delete_model(request, resource)


@admin.register(OpeningHours, site=venue_admin_site)
class OpeningHoursAdmin(VenueModelAdmin):
    list_display = ["weekday", "opens", "closes"]


@admin.register(Closure, site=venue_admin_site)
class ClosureAdmin(VenueModelAdmin):
    list_display = ["starts_on", "ends_on", "resource", "reason"]


@admin.register(Booking, site=venue_admin_site)
class BookingAdmin(VenueModelAdmin):
    """Bookings are made and cancelled through the booking service (rules, prices, constraint): read-only here."""

    list_display = ["resource", "during", "member", "status", "rate_category", "price_incl_vat"]
    list_filter = ["status", "resource", "rate_category"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan, site=venue_admin_site)
class PlanAdmin(VenueModelAdmin):
    list_display = ["name", "kind", "price_excl_vat", "day_credits", "included_hours_per_month", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(Subscription, site=venue_admin_site)
class SubscriptionAdmin(VenueModelAdmin):
    list_display = ["plan", "organisation", "resource", "starts_on", "ends_on", "day_credits_left"]
    list_filter = ["plan"]
    raw_id_fields = ["organisation"]
