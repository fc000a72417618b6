from django.contrib import admin

from .models import Domain, Venue


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "schema_name", "city", "timezone", "created_at"]
    search_fields = ["name", "schema_name", "city"]
    inlines = [DomainInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug names the schema: it cannot change once the schema exists.
        return ["schema_name", "created_at"] if obj else ["created_at"]

    def has_add_permission(self, request):
        return False  # venues are provisioned by `manage.py create_venue` (schema + migrations)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]
