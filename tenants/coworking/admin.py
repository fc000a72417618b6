from django.contrib import admin

from hub.admin import VenueModelAdmin, venue_admin_site

from .models import Resource


@admin.register(Resource, site=venue_admin_site)
class ResourceAdmin(VenueModelAdmin):
    list_display = ["name", "kind", "capacity", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "description"]
