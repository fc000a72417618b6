"""REST of a venue's programme: events (public reads as their visibility allows, staff writes), self-service
registration and cancellation, attendance by staff, training programmes registered to as a whole."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.permissions import Action, allows
from hub.errors import InvalidInput
from tenants.events import registrations, services
from tenants.events.models import Event, Programme, Registration

from . import events_serializers as es
from .lookups import actor, page, person, request_venue, staff, writes_need
from .pagination import CappedLimitOffsetPagination
from .validation import validated, validated_query


def _events(request: Request) -> QuerySet[Event]:
    """The events the caller may see, with their seats taken counted in the same query."""
    held = Count("registrations", filter=Q(registrations__status__in=Registration.HOLDS_A_SEAT))
    return (
        registrations.visible_events(request.user, request_venue(request))
        .select_related("advisor", "room_booking__resource")
        .annotate(held=held)
    )


def _event_changes(data: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    room = data.pop("room", services.UNCHANGED)
    if "programme" in data and data["programme"] is not None:
        found = Programme.objects.filter(pk=data["programme"]).first()
        if found is None:
            raise InvalidInput(_("No such programme."), fields={"programme": [_("Not found at this venue.")]})
        data["programme"] = found
    if "advisor" in data:
        data["advisor"] = person(data["advisor"], "advisor")
    return data, room


class EventList(APIView):
    """Coming and past events the caller may see (`?kind=`, `?from=`, `?to=` dates, `?programme=`); the
    venue's staff create events here, optionally taking a coworking room for their time."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)
    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Event.Kind.values),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Events ending on or after this day."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Events starting on or before this day."),
            OpenApiParameter("programme", int),
        ],
        responses=es.EventSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows, wanted = _events(request), validated_query(es.EventFilterSerializer, request)
        tz = request_venue(request).tzinfo
        if "kind" in wanted:
            rows = rows.filter(kind=wanted["kind"])
        if "programme" in wanted:
            rows = rows.filter(programme_id=wanted["programme"])
        if "from" in wanted:
            rows = rows.filter(ends_at__gte=es.local_midnight(wanted["from"], tz))
        if "to" in wanted:
            rows = rows.filter(starts_at__lt=es.local_midnight(wanted["to"], tz, days=1))
        return page(request, self, rows, es.EventSerializer)

    @extend_schema(request=es.EventWriteSerializer, responses={201: es.EventSerializer})
    def post(self, request: Request) -> Response:
        changes, room = _event_changes(validated(es.EventWriteSerializer, request))
        event = services.save_event(
            event=Event(), changes=changes, room=None if room is services.UNCHANGED else room, actor=actor(request)
        )
        return Response(es.EventSerializer(get_object_or_404(_events(request), pk=event.pk)).data, status=201)


class EventDetail(APIView):
    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(responses=es.EventSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(es.EventSerializer(get_object_or_404(_events(request), pk=pk)).data)

    @extend_schema(request=es.EventWriteSerializer, responses=es.EventSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        event = get_object_or_404(Event, pk=pk)
        changes, room = _event_changes(validated(es.EventWriteSerializer, request, partial=True))
        services.save_event(event=event, changes=changes, room=room, actor=actor(request))
        return Response(es.EventSerializer(get_object_or_404(_events(request), pk=pk)).data)


class EventCancel(APIView):
    """Cancel an event (staff): its room is given back, its registrations cancelled and their people told."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=None, responses=es.EventSerializer)
    def post(self, request: Request, pk: int) -> Response:
        services.cancel_event(event=get_object_or_404(Event, pk=pk), actor=actor(request))
        return Response(es.EventSerializer(get_object_or_404(_events(request), pk=pk)).data)


def _registrations(request: Request) -> QuerySet[Registration]:
    """Staff see every registration here; a person sees their own (anyone else's does not exist)."""
    rows = Registration.objects.select_related("person", "event").order_by("created_at", "id")
    return rows if staff(request) else rows.filter(person=actor(request))


class EventRegistrations(APIView):
    """An event's registrations (staff: all; a person: their own). POST registers the caller: 201 with a
    seat (`confirmed`) or a place on the waiting list (`waitlisted`)."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)
    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(responses=es.RegistrationSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        event = get_object_or_404(_events(request), pk=pk)
        return page(request, self, _registrations(request).filter(event=event), es.RegistrationSerializer)

    @extend_schema(request=None, responses={201: es.RegistrationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        registration = registrations.register(event_id=pk, person=actor(request))
        return Response(es.RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class RegistrationCancel(APIView):
    """Cancel a registration: its person (before the start) or the venue's staff. A freed seat goes to the
    first person waiting, who is told by e-mail."""

    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(request=None, responses=es.RegistrationSerializer)
    def post(self, request: Request, pk: int, registration: int) -> Response:
        found = get_object_or_404(_registrations(request), pk=registration, event_id=pk)
        return Response(es.RegistrationSerializer(registrations.cancel(registration=found, actor=actor(request))).data)


class RegistrationCheckIn(APIView):
    """Record that a registered person came (staff)."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=None, responses=es.RegistrationSerializer)
    def post(self, request: Request, pk: int, registration: int) -> Response:
        found = get_object_or_404(Registration, pk=registration, event_id=pk)
        return Response(es.RegistrationSerializer(registrations.check_in(registration=found)).data)


class MyRegistrations(APIView):
    """The caller's registrations at this venue, coming first."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)
    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(responses=es.RegistrationSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = Registration.objects.filter(person=actor(request)).select_related("person", "event")
        return page(request, self, rows.order_by("-event__starts_at", "-id"), es.RegistrationSerializer)


def _programmes(request: Request) -> QuerySet[Programme]:
    """The programmes the caller may see, with only the sessions they may see."""
    venue = request_venue(request)
    where = registrations.standing(request.user, venue)
    sessions = registrations.visible_events(request.user, venue)
    rows = Programme.objects.prefetch_related(Prefetch("sessions", queryset=sessions)).order_by("title", "id")
    return rows if where.staff else rows.filter(is_published=True, visibility__in=where.sees)


class ProgrammeList(APIView):
    """Training programmes ("parcours") the caller may see, with their sessions; staff create them."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)
    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(responses=es.ProgrammeSerializer(many=True))
    def get(self, request: Request) -> Response:
        return page(request, self, _programmes(request), es.ProgrammeSerializer)

    @extend_schema(request=es.ProgrammeWriteSerializer, responses={201: es.ProgrammeSerializer})
    def post(self, request: Request) -> Response:
        programme = services.save_programme(programme=Programme(**validated(es.ProgrammeWriteSerializer, request)))
        return Response(es.ProgrammeSerializer(programme).data, status=status.HTTP_201_CREATED)


class ProgrammeDetail(APIView):
    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(responses=es.ProgrammeSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(es.ProgrammeSerializer(get_object_or_404(_programmes(request), pk=pk)).data)

    @extend_schema(request=es.ProgrammeWriteSerializer, responses=es.ProgrammeSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        programme = get_object_or_404(Programme, pk=pk)
        for name, value in validated(es.ProgrammeWriteSerializer, request, partial=True).items():
            setattr(programme, name, value)
        return Response(es.ProgrammeSerializer(services.save_programme(programme=programme)).data)


class ProgrammeRegister(APIView):
    """Register the caller to every coming session of a programme, each with a seat, or to none: 409 with a
    report per session when one is full, closed or not open to them."""

    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(
        request=None, responses={201: es.SessionReportSerializer(many=True), 409: es.ProgrammeRefusedSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        try:
            reports = registrations.register_programme(programme_id=pk, person=actor(request))
        except registrations.ProgrammeRefused as refused:
            return Response(
                {
                    "detail": refused.message,
                    "code": refused.code,
                    "sessions": es.SessionReportSerializer(refused.sessions, many=True).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(es.SessionReportSerializer(reports, many=True).data, status=status.HTTP_201_CREATED)
