"""REST on every host (`me/…`) and on the federation host (`organisations/…`): parse, call, serialise."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation import gdpr, selectors, services
from federation.models import ApiToken, Organisation, User
from federation.permissions import Action, allows, can_edit_organisation, principal_of
from federation.tokens import create_api_token, revoke_api_token

from . import openapi  # noqa: F401  (registers the Bearer scheme)
from .serializers import (
    DirectoryEntrySerializer,
    IssuedTokenSerializer,
    MeSerializer,
    OrganisationApplySerializer,
    OrganisationSerializer,
    OrganisationWriteSerializer,
    ProfileUpdateSerializer,
    StatusChangeSerializer,
    TokenCreateSerializer,
    TokenSerializer,
)
from .validation import validated


def _person(request: Request) -> User:
    return cast(User, request.user)


class MeView(APIView):
    """The caller's profile, organisations and venue roles, on any host."""

    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(selectors.profile(_person(request))).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        person = services.update_profile(
            person=_person(request), request=request, **validated(ProfileUpdateSerializer, request)
        )
        return Response(MeSerializer(selectors.profile(person)).data)


class MyExportView(APIView):
    """Everything the federation and every venue hold about the caller (GDPR access and portability)."""

    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        data = gdpr.export_person(person=_person(request), request=request)
        return Response(data, headers={"Content-Disposition": 'attachment; filename="coursive-hub-export.json"'})


class MyTokenList(APIView):
    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(TokenSerializer(selectors.tokens_of(_person(request)), many=True).data)

    @extend_schema(request=TokenCreateSerializer, responses={201: IssuedTokenSerializer})
    def post(self, request: Request) -> Response:
        issuer = request.auth if isinstance(request.auth, ApiToken) else None
        issued = create_api_token(
            user=_person(request), request=request, issued_by=issuer, **validated(TokenCreateSerializer, request)
        )
        body = IssuedTokenSerializer(issued.token).data | {"token": issued.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class MyTokenDetail(APIView):
    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        token = get_object_or_404(selectors.tokens_of(_person(request)), pk=pk)  # another's: 404
        revoke_api_token(token=token, actor=_person(request), request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DirectoryList(generics.ListAPIView[Organisation]):
    """The public directory of member organisations (those that consented to be listed)."""

    permission_classes = [AllowAny]
    serializer_class = DirectoryEntrySerializer

    def get_queryset(self) -> Any:
        return selectors.directory()

    @extend_schema(request=OrganisationApplySerializer, responses={201: OrganisationSerializer})
    def post(self, request: Request) -> Response:
        """Apply for membership: the caller becomes the owner of a new organisation in status *applicant*."""
        if not allows(Action.APPLY)().has_permission(request, self):
            self.permission_denied(request)
        fields = validated(OrganisationApplySerializer, request)
        organisation = services.apply_for_membership(applicant=_person(request), **fields)
        return Response(OrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetail(APIView):
    """An organisation: its directory entry for everyone, its full record for its owners and admins."""

    permission_classes = [AllowAny]

    def _visible(self, request: Request, slug: str) -> tuple[Organisation, bool]:
        organisation = Organisation.objects.select_related("home_venue").filter(slug=slug).first()
        if organisation is None:
            raise Http404
        editable = can_edit_organisation(principal_of(request), organisation)
        listed = selectors.directory().filter(pk=organisation.pk).exists()
        if not (editable or listed):
            raise Http404  # unlisted and not yours: it does not exist for you
        return organisation, editable

    @extend_schema(
        responses=OpenApiResponse(
            {
                "anyOf": [
                    {"$ref": "#/components/schemas/Organisation"},
                    {"$ref": "#/components/schemas/DirectoryEntry"},
                ]
            },
            description="The full record for its owners and federation admins; the directory entry for others.",
        )
    )
    def get(self, request: Request, slug: str) -> Response:
        organisation, editable = self._visible(request, slug)
        serializer = OrganisationSerializer if editable else DirectoryEntrySerializer
        return Response(serializer(organisation).data)

    @extend_schema(request=OrganisationWriteSerializer, responses=OrganisationSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        organisation, editable = self._visible(request, slug)
        if not editable or not allows(Action.PROFILE)().has_permission(request, self):
            self.permission_denied(request)
        fields = validated(OrganisationWriteSerializer, request, partial=True)
        return Response(OrganisationSerializer(services.update_organisation(organisation=organisation, **fields)).data)


class OrganisationStatusView(APIView):
    """Federation admins move an organisation between applicant, active, suspended and left."""

    permission_classes = [allows(Action.FEDERATION_ADMIN)]

    @extend_schema(request=StatusChangeSerializer, responses=OrganisationSerializer)
    def post(self, request: Request, slug: str) -> Response:
        organisation = get_object_or_404(Organisation, slug=slug)
        changed = services.change_organisation_status(
            organisation=organisation, actor=_person(request), **validated(StatusChangeSerializer, request)
        )
        return Response(OrganisationSerializer(changed).data)
