"""REST of a venue's gallery books, for its staff: holds, sales (idempotent) and artist payouts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.permissions import Action, allows
from hub.errors import InvalidInput
from tenants.gallery import payouts, sales
from tenants.gallery.models import Artist, ArtistPayout, Hold, Sale

from . import gallery_serializers as gs
from .lookups import actor, buyer, one, page
from .pagination import CappedLimitOffsetPagination
from .validation import validated

# Holds


class HoldList(APIView):
    """Holds of works for buyers (staff). A hold ends by itself at `expires_at`."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=Hold.Status.values)],
        responses=gs.HoldSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = Hold.objects.select_related("buyer_person", "buyer_organisation").order_by("-created_at", "-id")
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Hold.Status.values:
                raise InvalidInput(_("Unknown status."), fields={"status": [_("Not a status.")]})
            rows = rows.filter(status=wanted)
        return page(request, self, rows, gs.HoldSerializer)

    @extend_schema(request=gs.HoldCreateSerializer, responses={201: gs.HoldSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.HoldCreateSerializer, request)
        hold = sales.place_hold(
            artwork_id=data["artwork"],
            buyer=buyer(data),
            expires_at=data["expires_at"],
            actor=actor(request),
            note=data["note"],
        )
        return Response(gs.HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldRelease(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=None, responses=gs.HoldSerializer)
    def post(self, request: Request, pk: int) -> Response:
        hold = get_object_or_404(Hold, pk=pk)
        return Response(gs.HoldSerializer(sales.release_hold(hold=hold, actor=actor(request))).data)


# Sales


def _sales() -> QuerySet[Sale]:
    return Sale.objects.select_related("buyer_person", "buyer_organisation", "sold_by").order_by("-sold_at", "-id")


class SaleList(APIView):
    """Sales (staff). POST records one; repeat it with the same `Idempotency-Key` header to retry safely."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.SaleSerializer(many=True))
    def get(self, request: Request) -> Response:
        return page(request, self, _sales(), gs.SaleSerializer)

    @extend_schema(
        request=gs.SaleCreateSerializer,
        responses={201: gs.SaleSerializer, 200: gs.SaleSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def post(self, request: Request) -> Response:
        data = validated(gs.SaleCreateSerializer, request)
        key = request.headers.get("Idempotency-Key", "")
        result = sales.sell(
            vat_rate=data.get("vat_rate"),
            artwork_id=data["artwork"],
            buyer=buyer(data),
            vat_regime=data["vat_regime"],
            payment_method=data["payment_method"],
            actor=actor(request),
            price=data.get("price"),
            resale=data["resale"],
            override=data["override"],
            idempotency_key=key,
        )
        code = status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        return Response(gs.SaleSerializer(result.sale).data, status=code)


class SaleDetail(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.SaleSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.SaleSerializer(get_object_or_404(_sales(), pk=pk)).data)


class SaleCancel(APIView):
    """Cancel a sale, or refund it once its artist was paid (deducted from their next statement)."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=gs.CancelSerializer, responses=gs.SaleSerializer)
    def post(self, request: Request, pk: int) -> Response:
        sale = get_object_or_404(Sale, pk=pk)
        data = validated(gs.CancelSerializer, request)
        cancelled = sales.cancel_sale(sale=sale, actor=actor(request), reason=data["reason"])
        return Response(gs.SaleSerializer(get_object_or_404(_sales(), pk=cancelled.pk)).data)


# Payouts


class PayoutList(APIView):
    """Artist statements (staff): draw one up for an artist and a past period."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.PayoutSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = ArtistPayout.objects.select_related("artist").order_by("-period_start", "-id")
        return page(request, self, rows, gs.PayoutSerializer)

    @extend_schema(request=gs.PayoutCreateSerializer, responses={201: gs.PayoutSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.PayoutCreateSerializer, request)
        payout = payouts.draw_up_payout(
            artist=one(Artist, data["artist"], "artist", _("Artist")),
            period_start=data["period_start"],
            period_end=data["period_end"],
            actor=actor(request),
        )
        return Response(gs.PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


class PayoutDetail(APIView):
    """A statement with its lines (sales, and refunds deducted)."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.PayoutStatementSerializer)
    def get(self, request: Request, pk: int) -> Response:
        payout = get_object_or_404(ArtistPayout.objects.select_related("artist"), pk=pk)
        return Response(gs.PayoutStatementSerializer(payout).data)


class PayoutPaid(APIView):
    """Mark a statement paid (managers)."""

    permission_classes = [allows(Action.VENUE_MANAGE)]

    @extend_schema(request=gs.PayoutPaidSerializer, responses=gs.PayoutSerializer)
    def post(self, request: Request, pk: int) -> Response:
        payout = get_object_or_404(ArtistPayout.objects.select_related("artist"), pk=pk)
        data = validated(gs.PayoutPaidSerializer, request)
        paid = payouts.mark_paid(payout=payout, actor=actor(request), reference=data["reference"])
        return Response(gs.PayoutSerializer(paid).data)


class PayoutCsv(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="The statement as CSV.")}
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        payout = get_object_or_404(ArtistPayout.objects.select_related("artist"), pk=pk)
        response = HttpResponse(payouts.statement_csv(payout), content_type="text/csv; charset=utf-8")
        name = "statement-%d-%s.csv" % (payout.pk, payout.period_start.isoformat())
        response["Content-Disposition"] = 'attachment; filename="%s"' % name
        return response
