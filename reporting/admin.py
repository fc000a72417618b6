"""The federation admin's side of the partners' figures: the yearly survey campaigns (opened here, closed
with an action once answers are in) and the answers, read-only (members answer through the API)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hub.admin import ReadOnlyMixin

from . import survey
from .models import MemberSpell, SurveyAnswer, SurveyCampaign


@admin.action(description=_("Close the selected campaigns (their figures are then published)"))
def close_campaigns(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[SurveyCampaign]) -> None:
    closed = [survey.close_campaign(campaign) for campaign in queryset.filter(closed_at=None)]
    modeladmin.message_user(
        request,
        ngettext("%(count)d campaign closed.", "%(count)d campaigns closed.", len(closed)) % {"count": len(closed)},
        messages.SUCCESS,
    )


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "opens_on", "closes_on", "closed_at", "respondents"]
    readonly_fields = ["closed_at", "created_at"]
    actions = [close_campaigns]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SurveyCampaign]:
        return super().get_queryset(request).annotate(organisations=Count("answers__organisation", distinct=True))

    @admin.display(description=_("organisations that answered"), ordering="organisations")
    def respondents(self, campaign: Any) -> int:
        return int(campaign.organisations)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and survey.is_closed(obj):
            # its figures are published: reopening it would let a later edit be differenced out
            return ["year", "opens_on", "closes_on", "closed_at", "created_at"]
        return list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # answers refer to it; a campaign opened by mistake is closed, not deleted


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every version of every answer, as given: the statistics read the latest consenting one."""

    list_display = ["organisation", "campaign", "version", "main_sector", "employees_fte", "consent", "answered_at"]
    list_filter = ["campaign", "consent", "main_sector"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "campaign"]


@admin.register(MemberSpell)
class MemberSpellAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Kept by the organisations' changes (and `manage.py rebuild_rollups`)."""

    list_display = ["organisation", "venue", "sector", "starts_on", "ends_on"]
    list_filter = ["venue", "sector"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "venue"]
