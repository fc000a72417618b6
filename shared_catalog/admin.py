from django.contrib import admin

from hub.admin import ReadOnlyMixin

from .models import CatalogueEntry


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: the relay and reconciliation write the catalogue."""

    list_display = ["title", "kind", "venue", "visibility", "published", "version", "updated_at"]
    list_filter = ["kind", "venue", "visibility", "published"]
    search_fields = ["title", "summary"]
