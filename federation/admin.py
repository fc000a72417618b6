from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hub.admin import ReadOnlyMixin
from hub.errors import HubError

from . import audit, gdpr, services
from .models import ApiToken, AuditEvent, Membership, NetworkPass, Organisation, Partner, User, VenueRole
from .tokens import revoke_api_token


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "user"]


class VenueRoleInline(admin.TabularInline):
    model = VenueRole
    extra = 0
    readonly_fields = ["venue", "role"]
    can_delete = False
    verbose_name_plural = _("venue roles (change them with the venue role admin, which audits)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description=_("Erase the selected people (GDPR): anonymise them everywhere"))
def erase_people(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]) -> None:
    if not request.user.is_superuser:
        modeladmin.message_user(request, _("Only superusers may erase people."), messages.ERROR)
        return
    count = 0
    for person in queryset.exclude(pk=request.user.pk):
        gdpr.erase_person(person=person, actor=request.user, request=request)
        count += 1
    modeladmin.message_user(request, ngettext("%d person erased.", "%d people erased.", count) % count)


ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")


class AuditedMembershipsMixin:
    """Membership changes made through an admin inline are audited like any other role change."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        if formset.model is not Membership:
            return
        touched = [(m, "added") for m in formset.new_objects] + [(m, "changed") for m, _f in formset.changed_objects]
        touched += [(m, "removed") for m in formset.deleted_objects]
        for membership, what in touched:
            audit.record(
                AuditEvent.Action.MEMBERSHIP_CHANGED,
                actor=request.user,
                target=membership.organisation,
                request=request,
                detail={"person": membership.user_id, "role": membership.role, "what": what},
            )


@admin.register(User)
class UserAdmin(AuditedMembershipsMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_superuser", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identity"), {"fields": ("full_name",)}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    inlines = [MembershipInline, VenueRoleInline]
    actions = [erase_people]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = User.objects.filter(pk=obj.pk).values(*ACCESS_FLAGS).first() if change else {}
        super().save_model(request, obj, form, change)
        after = {flag: getattr(obj, flag) for flag in ACCESS_FLAGS}
        changes = {
            flag: [(before or {}).get(flag), value]
            for flag, value in after.items()
            if (before or {}).get(flag, False) != value
        }
        if changes:
            audit.record(
                AuditEvent.Action.PERSON_ACCESS_CHANGED, actor=request.user, target=obj, request=request, detail=changes
            )


def _status_action(status: str, label: Any) -> Any:
    @admin.action(description=label)
    def change(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            try:
                services.change_organisation_status(organisation=organisation, status=status, actor=request.user)  # type: ignore[arg-type]
            except HubError as exc:
                modeladmin.message_user(request, "%s: %s" % (organisation, exc.message), messages.WARNING)

    change.__name__ = "make_%s" % status
    return change


@admin.register(Organisation)
class OrganisationAdmin(AuditedMembershipsMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "home_venue", "status", "directory_consent", "statistics_consent"]
    list_filter = ["status", "kind", "sector", "home_venue", "directory_consent", "statistics_consent"]
    search_fields = ["name", "slug", "legal_name", "siret"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "applied_at", "activated_at", "suspended_at", "left_at", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> list[str]:
        # A home venue is where the organisation's bookings count as resident and what the network ledger
        # settles against: moving one would leave its coming bookings and their settlement wrong.
        return [*self.readonly_fields, "home_venue"] if obj is not None else list(self.readonly_fields)

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [
        _status_action(Organisation.Status.ACTIVE, _("Activate the selected organisations")),
        _status_action(Organisation.Status.SUSPENDED, _("Suspend the selected organisations")),
        _status_action(Organisation.Status.LEFT, _("Mark the selected organisations as having left")),
    ]


@admin.register(VenueRole)
class VenueRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "venue", "role", "created_at"]
    list_filter = ["venue", "role"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: VenueRole | None = None) -> list[str]:
        return ["user", "venue"] if obj is not None else []  # change the role; a new person is a new row

    def save_model(self, request: HttpRequest, obj: VenueRole, form: Any, change: bool) -> None:
        services.grant_venue_role(person=obj.user, venue=obj.venue, role=obj.role, actor=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: VenueRole) -> None:
        services.revoke_venue_role(venue_role=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[VenueRole]) -> None:
        for venue_role in queryset:
            self.delete_model(request, venue_role)


@admin.register(NetworkPass)
class NetworkPassAdmin(admin.ModelAdmin):
    list_display = ["__str__", "allowed", "rate_category", "monthly_hours", "updated_at"]
    list_filter = ["allowed", "rate_category", "venue"]
    autocomplete_fields = ["organisation"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "territory"]
    filter_horizontal = ["venues"]


@admin.action(description=_("Revoke the selected tokens"))
def revoke_tokens(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
    for token in queryset:
        revoke_api_token(token=token, actor=request.user, request=request)  # type: ignore[arg-type]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "kind",
        "user",
        "partner",
        "name",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["prefix", "user__email", "partner__name", "name"]
    readonly_fields = ["kind", "user", "partner", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = [revoke_tokens]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued with `manage.py create_token` or the API, which show the secret once


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: the log is written by the services, never edited."""

    list_display = ["created_at", "action", "actor_label", "venue", "target_type", "target_id", "ip_address"]
    list_filter = ["action", "venue"]
    search_fields = ["actor_label", "target_id"]
    date_hierarchy = "created_at"
