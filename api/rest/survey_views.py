"""REST on the federation host: an organisation's answer to the yearly enterprise survey, read and edited by
its owners while the campaign is open (each edit is a new version; see `reporting.survey`)."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.models import Organisation, Sector, User
from federation.permissions import Action, allows
from reporting import survey
from reporting.models import Market, RevenueBand, SurveyAnswer, SurveyCampaign

from .validation import validated


class SurveyAnswerSerializer(serializers.ModelSerializer[SurveyAnswer]):
    class Meta:
        model = SurveyAnswer
        fields = [
            "version",
            "employees_fte",
            "revenue_band",
            "revenue",
            "main_sector",
            "markets",
            "training_days",
            "consent",
            "answered_at",
        ]
        read_only_fields = fields


class SurveyStateSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    open = serializers.BooleanField()
    answer = SurveyAnswerSerializer(allow_null=True)


class SurveyChangeSerializer(serializers.Serializer[Any]):
    """The fields to change; the others keep the previous version's values (or their defaults)."""

    employees_fte = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, max_value=10000)
    revenue_band = serializers.ChoiceField(choices=RevenueBand.choices, allow_blank=True)
    revenue = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=1_000_000_000, allow_null=True
    )
    main_sector = serializers.ChoiceField(choices=Sector.choices)
    markets = serializers.ListField(child=serializers.ChoiceField(choices=Market.choices), max_length=4)
    training_days = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0, max_value=3650)
    consent = serializers.BooleanField()


def _state(campaign: SurveyCampaign, answer: SurveyAnswer | None) -> dict[str, Any]:
    body = {
        "year": campaign.year,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "open": survey.is_open(campaign),
        "answer": answer,
    }
    return dict(SurveyStateSerializer(body).data)


class OrganisationSurvey(APIView):
    """The organisation's answer to the survey of `year`: its owners read it and, while the campaign is open,
    change it (PATCH: each change records a new version; the statistics count only consenting answers)."""

    permission_classes = [allows(Action.PROFILE)]

    def _organisation(self, slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise Http404
        return organisation

    @extend_schema(responses=SurveyStateSerializer)
    def get(self, request: Request, slug: str, year: int) -> Response:
        campaign, answer = survey.current_answer(year=year, organisation=self._organisation(slug), person=request.user)
        return Response(_state(campaign, answer))

    @extend_schema(request=SurveyChangeSerializer, responses=SurveyStateSerializer)
    def patch(self, request: Request, slug: str, year: int) -> Response:
        organisation = self._organisation(slug)
        survey.current_answer(year=year, organisation=organisation, person=request.user)  # who may, first
        changes = validated(SurveyChangeSerializer, request, partial=True)
        person = cast(User, request.user)  # PROFILE: an active person
        answer = survey.answer(year=year, organisation_id=organisation.pk, person=person, changes=changes)
        return Response(_state(answer.campaign, answer))
