from django.contrib import admin

from hub.admin import venue_admin_site

from .models import Resource


@admin.register(Resource, site=venue_admin_site)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "capacity", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "description"]
