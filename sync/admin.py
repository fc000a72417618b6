"""The outbox in the federation's admin: what waits, what was given up on (with its error), and a way to
retry it once the cause is fixed. Read-only otherwise: events are written by the services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.admin import ReadOnlyMixin

from .models import OutboxEvent
from .relay import backlog


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("waiting", _("waiting")), ("parked", _("parked")), ("processed", _("processed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[OutboxEvent]) -> QuerySet[OutboxEvent]:
        match self.value():
            case "waiting":
                return queryset.filter(processed_at__isnull=True, parked_at__isnull=True)
            case "parked":
                return queryset.filter(parked_at__isnull=False)
            case "processed":
                return queryset.filter(processed_at__isnull=False)
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "venue", "event_type", "aggregate_id", "version", "created_at", "processed_at", "attempts"]
    list_filter = [StateFilter, "aggregate_type", "venue"]
    search_fields = ["aggregate_id", "last_error"]
    actions = ["retry"]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        state = backlog()
        self.message_user(
            request,
            _("Backlog: %(backlog)s waiting, the oldest %(lag_seconds)s s old; %(parked)s parked.") % state,
            messages.INFO,
        )
        return super().changelist_view(request, extra_context)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super(ReadOnlyMixin, self).has_change_permission(request)  # the list's action only

    @admin.action(description=_("Retry (parked events go back to the queue)"))
    def retry(self, request: HttpRequest, rows: QuerySet[OutboxEvent]) -> None:
        count = rows.filter(parked_at__isnull=False).update(parked_at=None, attempts=0)
        self.message_user(request, _("%(n)d event(s) back in the queue.") % {"n": count}, messages.SUCCESS)
