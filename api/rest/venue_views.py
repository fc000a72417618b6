"""REST on a venue host: the venue, its offer, its members (staff) and its team (managers)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation import selectors, services
from federation.models import Organisation, User
from federation.permissions import Action, allows, can
from hub.errors import InvalidInput
from tenants.coworking.availability import availability
from tenants.coworking.models import Booking, Plan, Resource, Subscription
from tenants.coworking.plans import consumptions, subscribe
from tenants.coworking.selectors import bookable_resources, bookings_at_venue, bookings_of
from tenants.coworking.series import SeriesRefused, book_series
from tenants.coworking.services import book_resource, cancel_booking, check_in

from .lookups import request_venue
from .pagination import CappedLimitOffsetPagination
from .serializers import (
    AvailabilityQuerySerializer,
    BookingCreateSerializer,
    BookingSerializer,
    FreeSlotSerializer,
    KindQuerySerializer,
    OccurrenceSerializer,
    PlanSerializer,
    ResourceSerializer,
    SeriesCreateSerializer,
    StaffGrantSerializer,
    StaffSerializer,
    SubscribeSerializer,
    SubscriptionSerializer,
    SubscriptionUsageSerializer,
    VenueMemberSerializer,
    VenueSerializer,
)
from .validation import validated, validated_query


def _visible_bookings(request: Request) -> QuerySet[Booking]:
    """The venue's staff see every booking here; anyone else only their own (others' do not exist)."""
    person = cast(User, request.user)
    return bookings_at_venue() if can(person, Action.VENUE_OPERATE, request_venue(request)) else bookings_of(person)


class VenueView(APIView):
    """The venue this host serves."""

    permission_classes = [allows(Action.VENUE_BROWSE)]

    @extend_schema(responses=VenueSerializer)
    def get(self, request: Request) -> Response:
        return Response(VenueSerializer(request_venue(request)).data)


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
        return selectors.organisations_of_venue(request_venue(self.request))


class StaffList(APIView):
    """The venue's team. Staff read it; managers grant roles."""

    def get_permissions(self) -> list[Any]:
        action = Action.VENUE_OPERATE if self.request.method == "GET" else Action.VENUE_MANAGE
        return [allows(action)()]

    @extend_schema(responses=StaffSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(StaffSerializer(selectors.venue_staff(request_venue(request)), many=True).data)

    @extend_schema(request=StaffGrantSerializer, responses={201: StaffSerializer})
    def post(self, request: Request) -> Response:
        grant = validated(StaffGrantSerializer, request)
        person = User.objects.filter(email__iexact=grant["email"], is_active=True).first()
        if person is None:
            raise InvalidInput(_("No such person."), fields={"email": [_("No active person has this e-mail address.")]})
        venue_role = services.grant_venue_role(
            person=person, venue=request_venue(request), role=grant["role"], actor=cast(User, request.user)
        )
        return Response(StaffSerializer(venue_role).data, status=status.HTTP_201_CREATED)


class StaffDetail(APIView):
    permission_classes = [allows(Action.VENUE_MANAGE)]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        venue_role = get_object_or_404(selectors.venue_staff(request_venue(request)), pk=pk)  # another venue's: 404
        services.revoke_venue_role(venue_role=venue_role, actor=cast(User, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookingList(APIView):
    """Bookings at this venue: staff see all of them, members their own. POST books (any venue whose
    network terms allow it); repeat a POST with the same `Idempotency-Key` header to retry safely."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    def get_permissions(self) -> list[Any]:
        return [allows(Action.PROFILE if self.request.method == "GET" else Action.VENUE_BOOK)()]

    @extend_schema(responses=BookingSerializer(many=True))
    def get(self, request: Request) -> Response:
        bookings = _visible_bookings(request)
        paginator = CappedLimitOffsetPagination()
        page = paginator.paginate_queryset(bookings, request, view=self)
        return paginator.get_paginated_response(BookingSerializer(page, many=True).data)

    @extend_schema(
        request=BookingCreateSerializer,
        responses={201: BookingSerializer, 200: BookingSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def post(self, request: Request) -> Response:
        data = validated(BookingCreateSerializer, request)
        key = request.headers.get("Idempotency-Key", "")
        result = book_resource(
            venue=request_venue(request),
            resource_id=data["resource"],
            member=cast(User, request.user),
            start=data["start"],
            end=data["end"],
            seats=data["seats"],
            idempotency_key=key,
        )
        code = status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        return Response(BookingSerializer(result.booking).data, status=code)


class BookingCancel(APIView):
    """Cancel a booking: its member, or the venue's staff. Another person's booking does not exist for you."""

    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(request=None, responses=BookingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visible = _visible_bookings(request)
        booking = get_object_or_404(visible, pk=pk)
        return Response(BookingSerializer(cancel_booking(booking=booking)).data)


def _availability(request: Request, resources: list[Resource]) -> Response:
    query = validated_query(AvailabilityQuerySerializer, request)
    venue = request_venue(request)
    found = availability(resources, query["date"], query["days"], venue.tzinfo, timezone.now())
    return Response(
        {
            "timezone": venue.timezone,
            "resources": [
                {
                    "resource": resource.pk,
                    "name": resource.name,
                    "days": [
                        {"date": day.isoformat(), "slots": FreeSlotSerializer(slots, many=True).data}
                        for day, slots in found[resource.pk].items()
                    ],
                }
                for resource in resources
            ],
        }
    )


class ResourceAvailability(APIView):
    """Free slots of one resource for `days` days from `date` (the venue's local days and times)."""

    permission_classes = [allows(Action.VENUE_BROWSE)]

    @extend_schema(parameters=[AvailabilityQuerySerializer], responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        return _availability(request, [get_object_or_404(bookable_resources(), pk=pk)])


class KindAvailability(APIView):
    """Free slots of every bookable resource (of `kind`, if given) for `days` days from `date`."""

    permission_classes = [allows(Action.VENUE_BROWSE)]

    @extend_schema(parameters=[AvailabilityQuerySerializer], responses={200: dict})
    def get(self, request: Request) -> Response:
        kind = validated_query(KindQuerySerializer, request).get("kind")
        resources = bookable_resources()
        return _availability(request, list(resources.filter(kind=kind) if kind else resources))


class BookingCheckIn(APIView):
    """Check a booking in: its member, or the venue's staff."""

    permission_classes = [allows(Action.PROFILE)]

    @extend_schema(request=None, responses=BookingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visible = _visible_bookings(request)
        return Response(BookingSerializer(check_in(booking=get_object_or_404(visible, pk=pk))).data)


class BookingSeriesCreate(APIView):
    """Book a recurring series (weekly or monthly, at the same local time). All or nothing by default:
    409 with the per-occurrence report and nothing booked; otherwise 201 with what was booked and what not."""

    permission_classes = [allows(Action.VENUE_BOOK)]

    @extend_schema(request=SeriesCreateSerializer, responses={201: dict, 409: dict})
    def post(self, request: Request) -> Response:
        data = validated(SeriesCreateSerializer, request)
        try:
            result = book_series(
                venue=request_venue(request),
                resource_id=data["resource"],
                member=cast(User, request.user),
                start=data["start"],
                end=data["end"],
                frequency=data["frequency"],
                count=data["count"],
                skip=set(data["skip"]),
                all_or_nothing=data["all_or_nothing"],
            )
        except SeriesRefused as exc:
            return Response(
                {
                    "detail": exc.message,
                    "code": exc.code,
                    "occurrences": OccurrenceSerializer(exc.occurrences, many=True).data,
                },
                status=409,
            )
        return Response(
            {"series": str(result.series), "occurrences": OccurrenceSerializer(result.occurrences, many=True).data},
            status=201,
        )


class PlanList(generics.ListAPIView[Any]):
    """The plans this venue sells."""

    permission_classes = [allows(Action.VENUE_BROWSE)]
    serializer_class = PlanSerializer

    def get_queryset(self) -> Any:
        return Plan.objects.filter(is_active=True)


class SubscriptionList(APIView):
    """Subscriptions at this venue with this month's consumption: staff see all and subscribe
    organisations; members see their organisations' own."""

    def get_permissions(self) -> list[Any]:
        return [allows(Action.PROFILE if self.request.method == "GET" else Action.VENUE_OPERATE)()]

    @extend_schema(responses={200: SubscriptionUsageSerializer(many=True)})
    def get(self, request: Request) -> Response:
        person, venue = cast(User, request.user), request_venue(request)
        subscriptions = Subscription.objects.select_related("plan", "organisation").order_by("-starts_on", "id")
        if not can(person, Action.VENUE_OPERATE, venue):
            mine = Organisation.objects.filter(memberships__user=person).values_list("pk", flat=True)
            subscriptions = subscriptions.filter(organisation_id__in=list(mine))
        today = timezone.now().astimezone(venue.tzinfo).date()
        page = list(subscriptions[:200])
        used = consumptions(page, today, venue)
        rows = [
            SubscriptionSerializer(subscription).data
            | {
                "this_month": {
                    "bookings": used[subscription.pk].bookings,
                    "hours": str(used[subscription.pk].hours),
                    "hours_included": used[subscription.pk].hours_included,
                    "days_left": used[subscription.pk].days_left,
                }
            }
            for subscription in page
        ]
        return Response(rows)

    @extend_schema(request=SubscribeSerializer, responses={201: SubscriptionSerializer})
    def post(self, request: Request) -> Response:
        data = validated(SubscribeSerializer, request)
        organisation = Organisation.objects.filter(slug=data["organisation"]).first()
        plan = Plan.objects.filter(pk=data["plan"]).first()
        resource = Resource.objects.filter(pk=data["resource"]).first() if data["resource"] else None
        missing = {
            name: [_("Not found.")] for name, found in (("organisation", organisation), ("plan", plan)) if found is None
        }
        if data["resource"] and resource is None:
            missing["resource"] = [_("Not found.")]
        if missing or organisation is None or plan is None:
            raise InvalidInput(_("The subscription cannot be made."), fields=missing)
        subscription = subscribe(
            organisation=organisation,
            plan=plan,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            resource=resource,
        )
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)
