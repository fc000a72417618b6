"""Settlement between venues over REST on a venue host, for its managers: the month's statements with the
other venues, and one statement's bookings as CSV."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.permissions import Action, allows
from settlement.selectors import Flow, parse_month, statement_csv, statements
from tenants.models import Venue

from .lookups import request_venue


class FlowSerializer(serializers.Serializer[Flow]):
    host = serializers.CharField(source="host.schema_name")
    home = serializers.CharField(source="home.schema_name")
    bookings = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    price_excl_vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    price_incl_vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    cancelled = serializers.IntegerField()
    cancellation_fees = serializers.DecimalField(max_digits=12, decimal_places=2)
    due = serializers.DecimalField(max_digits=12, decimal_places=2)


class StatementSerializer(serializers.Serializer[Any]):
    month = serializers.DateField()
    flows = serializers.SerializerMethodField()
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    debtor = serializers.CharField(source="debtor.schema_name", allow_null=True)
    creditor = serializers.CharField(source="creditor.schema_name", allow_null=True)

    def get_flows(self, statement: Any) -> list[dict[str, Any]]:
        return list(FlowSerializer([statement.first, statement.second], many=True).data)  # type: ignore[arg-type]


class SettlementList(APIView):
    """This venue's statements of a month (YYYY-MM) with every venue it hosted or was hosted by."""

    permission_classes = [allows(Action.VENUE_MANAGE)]

    @extend_schema(responses=StatementSerializer(many=True))
    def get(self, request: Request, month: str) -> Response:
        found = statements(parse_month(month), involving=[request_venue(request)])
        return Response(StatementSerializer(found, many=True).data)


class SettlementCsv(APIView):
    """One month's statement with another venue: every cross-site booking both ways, totals and balance."""

    permission_classes = [allows(Action.VENUE_MANAGE)]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="The statement.")}
    )
    def get(self, request: Request, month: str, other: str) -> HttpResponse:
        venue, first_day = request_venue(request), parse_month(month)
        counterpart = Venue.objects.exclude(pk=venue.pk).exclude(schema_name="public").filter(schema_name=other).first()
        if counterpart is None:
            raise Http404(_("No such venue."))
        response = HttpResponse(statement_csv(first_day, venue, counterpart), content_type="text/csv; charset=utf-8")
        name = "settlement-%s-%s-%s.csv" % (first_day.strftime("%Y-%m"), venue.schema_name, other)
        response["Content-Disposition"] = 'attachment; filename="%s"' % name
        return response
