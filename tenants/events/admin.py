"""The venue's programme in its admin, through the services (rooms, waiting lists, outbox)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.admin import ActionsOnlyAdmin, VenueModelAdmin, _can, acting_person, apply_each, venue_admin_site
from tenants.coworking.models import Resource

from . import registrations, services
from .models import Event, Programme, Registration


class EventForm(forms.ModelForm):
    room = forms.ModelChoiceField(
        queryset=Resource.objects.filter(is_active=True, mode=Resource.Mode.EXCLUSIVE),
        required=False,
        label=_("room"),
        help_text=_("Booked in the coworking for the event's time."),
    )

    class Meta:
        model = Event
        fields = list(services.EDITABLE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        booking = self.instance.room_booking if self.instance.pk else None
        if booking is not None and booking.status != "cancelled":
            self.fields["room"].initial = booking.resource_id


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ("person", "status", "category", "price", "created_at", "promoted_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.operate")


@admin.register(Event, site=venue_admin_site)
class EventAdmin(VenueModelAdmin):
    form = EventForm
    list_display = ["title", "kind", "starts_at", "capacity", "visibility", "status", "is_published"]
    list_filter = ["kind", "visibility", "status", "programme"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["advisor"]
    inlines = [RegistrationInline]
    actions = ["cancel_events"]

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        names = [name for name in form.changed_data if name in services.EDITABLE]
        changes = {name: form.cleaned_data[name] for name in names}
        room = form.cleaned_data["room"]
        saved = services.save_event(
            event=Event.objects.get(pk=obj.pk) if change else Event(),
            changes=changes if change else {name: form.cleaned_data[name] for name in services.EDITABLE},
            room=room.pk if room is not None else None,
            actor=acting_person(request),
        )
        obj.pk = saved.pk

    @admin.action(description=_("Cancel the event (registrations are cancelled and told)"))
    def cancel_events(self, request: HttpRequest, rows: QuerySet[Event]) -> None:
        apply_each(self, request, rows, lambda event: services.cancel_event(event=event, actor=acting_person(request)))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancel instead: registrants are told, the room is given back, the catalogue hears


@admin.register(Programme, site=venue_admin_site)
class ProgrammeAdmin(VenueModelAdmin):
    list_display = ["title", "visibility", "is_published"]

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        services.save_programme(programme=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration, site=venue_admin_site)
class RegistrationAdmin(ActionsOnlyAdmin):
    list_display = ["event", "person", "status", "category", "price", "created_at"]
    list_filter = ["status", "category", "event"]
    list_select_related = ["event", "person"]
    search_fields = ["person__email", "person__full_name", "event__title"]
    actions = ["check_in", "cancel"]

    @admin.action(description=_("Record attendance"))
    def check_in(self, request: HttpRequest, rows: QuerySet[Registration]) -> None:
        apply_each(self, request, rows, lambda r: registrations.check_in(registration=r))

    @admin.action(description=_("Cancel the registration"))
    def cancel(self, request: HttpRequest, rows: QuerySet[Registration]) -> None:
        apply_each(self, request, rows, lambda r: registrations.cancel(registration=r, actor=acting_person(request)))
