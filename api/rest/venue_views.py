"""REST on a venue host: the venue, its offer, its members (staff) and its team (managers)."""

from __future__ import annotations

from typing import Any, cast

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation import selectors, services
from federation.models import User
from federation.permissions import Action, allows
from hub.errors import InvalidInput
from hub.http import current_venue
from tenants.coworking.selectors import bookable_resources
from tenants.models import Venue

from .serializers import (
    ResourceSerializer,
    StaffGrantSerializer,
    StaffSerializer,
    VenueMemberSerializer,
    VenueSerializer,
)
from .validation import validated


def _venue(request: Request) -> Venue:
    return cast(Venue, current_venue(request))


class VenueView(APIView):
    """The venue this host serves."""

    permission_classes = [allows(Action.VENUE_BROWSE)]

    @extend_schema(responses=VenueSerializer)
    def get(self, request: Request) -> Response:
        return Response(VenueSerializer(_venue(request)).data)


class ResourceList(generics.ListAPIView[Any]):
    """Bookable resources of the venue this host serves."""

    permission_classes = [allows(Action.VENUE_BROWSE)]
    serializer_class = ResourceSerializer

    def get_queryset(self) -> Any:
        return bookable_resources()


class ResourceDetail(generics.RetrieveAPIView[Any]):
    permission_classes = [allows(Action.VENUE_BROWSE)]
    serializer_class = ResourceSerializer

    def get_queryset(self) -> Any:
        return bookable_resources()


class VenueMemberList(generics.ListAPIView[Any]):
    """The organisations this venue hosts, with their people: for the venue's staff and managers."""

    permission_classes = [allows(Action.VENUE_OPERATE)]
    serializer_class = VenueMemberSerializer

    def get_queryset(self) -> Any:
        return selectors.organisations_of_venue(_venue(self.request))


class StaffList(APIView):
    """The venue's team. Staff read it; managers grant roles."""

    def get_permissions(self) -> list[Any]:
        action = Action.VENUE_OPERATE if self.request.method == "GET" else Action.VENUE_MANAGE
        return [allows(action)()]

    @extend_schema(responses=StaffSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(StaffSerializer(selectors.venue_staff(_venue(request)), many=True).data)

    @extend_schema(request=StaffGrantSerializer, responses={201: StaffSerializer})
    def post(self, request: Request) -> Response:
        grant = validated(StaffGrantSerializer, request)
        person = User.objects.filter(email__iexact=grant["email"], is_active=True).first()
        if person is None:
            raise InvalidInput(_("No such person."), fields={"email": [_("No active person has this e-mail address.")]})
        venue_role = services.grant_venue_role(
            person=person, venue=_venue(request), role=grant["role"], actor=cast(User, request.user)
        )
        return Response(StaffSerializer(venue_role).data, status=status.HTTP_201_CREATED)


class StaffDetail(APIView):
    permission_classes = [allows(Action.VENUE_MANAGE)]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        venue_role = get_object_or_404(selectors.venue_staff(_venue(request)), pk=pk)  # another venue's: 404
        services.revoke_venue_role(venue_role=venue_role, actor=cast(User, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)
