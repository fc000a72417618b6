"""REST entry points: parse, call a selector or service, serialise. No business rules here."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.models import User
from federation.permissions import IsAuthenticatedPerson
from hub.http import current_venue
from tenants.coworking.selectors import bookable_resources

from . import openapi  # noqa: F401  (registers the Bearer scheme)
from .serializers import MeSerializer, ResourceSerializer, VenueSerializer


class MeView(APIView):
    """The authenticated person's profile, on any host."""

    permission_classes = [IsAuthenticatedPerson]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(cast(User, request.user)).data)


class VenueView(APIView):
    """The venue this host serves."""

    permission_classes = [IsAuthenticatedPerson]

    @extend_schema(responses=VenueSerializer)
    def get(self, request: Request) -> Response:
        return Response(VenueSerializer(current_venue(request)).data)


class ResourceList(generics.ListAPIView[Any]):
    """Bookable resources of the venue this host serves."""

    permission_classes = [IsAuthenticatedPerson]
    serializer_class = ResourceSerializer

    def get_queryset(self) -> Any:
        return bookable_resources()


class ResourceDetail(generics.RetrieveAPIView[Any]):
    permission_classes = [IsAuthenticatedPerson]
    serializer_class = ResourceSerializer

    def get_queryset(self) -> Any:
        return bookable_resources()
