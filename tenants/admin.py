from django import forms
from django.contrib import admin

from .models import Domain, Venue
from .services import domain_errors


class DomainForm(forms.ModelForm):
    """Host names follow the provisioning rules: lower-case, valid, not the federation's host."""

    class Meta:
        model = Domain
        fields = ["domain", "tenant", "is_primary"]

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower()
        problems = domain_errors(domain)
        if problems:
            raise forms.ValidationError(problems)
        return domain


class DomainInline(admin.TabularInline):
    model = Domain
    form = DomainForm
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
    form = DomainForm
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]
