"""The members' services marketplace over REST on the federation host: published offers for anyone; an
organisation's owners publish and change theirs; any member sends a request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.models import Organisation, Sector, User
from federation.permissions import Action, allows, can_edit_organisation
from hub.errors import InvalidInput
from marketplace import services
from marketplace.models import ServiceOffer, ServiceRequest
from marketplace.selectors import offers_for, venues_named
from tenants.models import Venue

from .lookups import page, writes_need
from .pagination import CappedLimitOffsetPagination
from .validation import validated, validated_query


class OfferSerializer(serializers.ModelSerializer[ServiceOffer]):
    organisation = serializers.CharField(source="organisation.slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    venues: serializers.SlugRelatedField[Venue] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="schema_name"
    )

    class Meta:
        model = ServiceOffer
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "title",
            "description",
            "sector",
            "price_indication",
            "price_from",
            "venues",
            "is_published",
            "updated_at",
        ]
        read_only_fields = fields


class OfferFilterSerializer(serializers.Serializer[Any]):
    organisation = serializers.SlugField(required=False, max_length=80)


class OfferWriteSerializer(serializers.Serializer[Any]):
    organisation = serializers.SlugField(help_text="The offering organisation (you must be one of its owners).")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    sector = serializers.ChoiceField(choices=Sector.choices)
    price_indication = serializers.CharField(max_length=200, required=False, allow_blank=True)
    price_from = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("9999999.99"),
        required=False,
        allow_null=True,
    )
    venues = serializers.ListField(child=serializers.SlugField(max_length=63), min_length=1, max_length=50)
    is_published = serializers.BooleanField(required=False)


class OfferUpdateSerializer(OfferWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["organisation"]  # an offer stays its organisation's


class RequestSerializer(serializers.ModelSerializer[ServiceRequest]):
    requester = serializers.EmailField(source="requester.email", read_only=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "offer", "requester", "message", "created_at"]
        read_only_fields = fields


class RequestWriteSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(max_length=5000)


def _offers(request: Request) -> QuerySet[ServiceOffer]:
    return offers_for(request.user)


class OfferList(APIView):
    """Members' services on offer (`?organisation=`). POST publishes one for an organisation you own."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)
    get_permissions = writes_need(Action.PROFILE, reads=Action.DIRECTORY_READ)

    @extend_schema(parameters=[OpenApiParameter("organisation", str)], responses=OfferSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = _offers(request)
        organisation = validated_query(OfferFilterSerializer, request).get("organisation")
        if organisation:
            rows = rows.filter(organisation__slug=organisation)
        return page(request, self, rows, OfferSerializer)

    @extend_schema(request=OfferWriteSerializer, responses={201: OfferSerializer})
    def post(self, request: Request) -> Response:
        data = validated(OfferWriteSerializer, request)
        organisation = Organisation.objects.filter(slug=data.pop("organisation")).first()
        if organisation is None or not can_edit_organisation(request.user, organisation):
            raise InvalidInput(_("No such organisation."), fields={"organisation": [_("Not one of yours.")]})
        venues = venues_named(data.pop("venues"))
        offer = services.save_offer(
            offer=ServiceOffer(organisation=organisation), changes=data, venues=venues, actor=cast(User, request.user)
        )
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferDetail(APIView):
    get_permissions = writes_need(Action.PROFILE, reads=Action.DIRECTORY_READ)

    @extend_schema(responses=OfferSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(OfferSerializer(get_object_or_404(_offers(request), pk=pk)).data)

    @extend_schema(request=OfferUpdateSerializer, responses=OfferSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        offer = get_object_or_404(_offers(request), pk=pk)
        if not can_edit_organisation(request.user, offer.organisation):
            # It is public, so "not found" would be a lie; refusing is a 403, not a fault in the request.
            raise PermissionDenied(_("Not your organisation's offer: only its owners change it."))
        data = validated(OfferUpdateSerializer, request, partial=True)
        venues = venues_named(data.pop("venues")) if "venues" in data else None
        saved = services.save_offer(offer=offer, changes=data, venues=venues, actor=cast(User, request.user))
        return Response(OfferSerializer(saved).data)


class OfferRequests(APIView):
    """Requests to an offer: any member sends one (its owners are e-mailed); the owners read them."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)
    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(responses=RequestSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        offer = get_object_or_404(_offers(request), pk=pk)
        if not can_edit_organisation(request.user, offer.organisation):
            return page(request, self, ServiceRequest.objects.none(), RequestSerializer)
        return page(request, self, offer.requests.select_related("requester"), RequestSerializer)

    @extend_schema(request=RequestWriteSerializer, responses={201: RequestSerializer})
    def post(self, request: Request, pk: int) -> Response:
        offer = get_object_or_404(_offers(request).filter(is_published=True), pk=pk)
        data = validated(RequestWriteSerializer, request)
        sent = services.request_service(offer=offer, requester=cast(User, request.user), message=data["message"])
        return Response(RequestSerializer(sent).data, status=status.HTTP_201_CREATED)
