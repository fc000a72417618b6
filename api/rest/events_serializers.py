"""Serializers of the events REST API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from tenants.events.models import MAX_PRICE, Event, Programme, Registration, Visibility

from .fields import MomentField

ID: dict[str, Any] = {"min_value": 1, "max_value": 2**63 - 1}
PRICE: dict[str, Any] = {
    "max_digits": 7,
    "decimal_places": 2,
    "min_value": Decimal("0"),
    "max_value": MAX_PRICE,
    "required": False,
}


class EventSerializer(serializers.ModelSerializer[Event]):
    seats_left = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()
    advisor = serializers.CharField(source="advisor.full_name", read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "capacity",
            "seats_left",
            "price_member",
            "price_network",
            "price_public",
            "visibility",
            "registration_deadline",
            "status",
            "is_published",
            "programme",
            "advisor",
            "room",
        ]
        read_only_fields = fields

    def get_seats_left(self, event: Event) -> int:
        held = getattr(event, "held", None)  # annotated by the views' querysets
        if held is None:
            held = event.registrations.filter(status__in=Registration.HOLDS_A_SEAT).count()
        return max(event.capacity - held, 0)

    def get_room(self, event: Event) -> str | None:
        booking = event.room_booking
        return booking.resource.name if booking is not None and booking.status != "cancelled" else None


class EventWriteSerializer(serializers.Serializer[Any]):
    """Times are ISO 8601 with an offset (stored in UTC). `room`: a coworking room of this venue, booked for
    the event's time (null gives it back)."""

    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    starts_at = MomentField()
    ends_at = MomentField()
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    price_member = serializers.DecimalField(**PRICE)
    price_network = serializers.DecimalField(**PRICE)
    price_public = serializers.DecimalField(**PRICE)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    registration_deadline = MomentField(required=False, allow_null=True)
    is_published = serializers.BooleanField(required=False)
    programme = serializers.IntegerField(required=False, allow_null=True, **ID)
    advisor = serializers.EmailField(required=False, allow_null=True, help_text="E-mail of the advisor's account.")
    room = serializers.IntegerField(required=False, allow_null=True, **ID)


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    person = serializers.EmailField(source="person.email", read_only=True)
    event_title = serializers.CharField(source="event.title", read_only=True)
    starts_at = serializers.DateTimeField(source="event.starts_at", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "event",
            "event_title",
            "starts_at",
            "person",
            "status",
            "category",
            "price",
            "programme",
            "created_at",
            "promoted_at",
            "cancelled_at",
            "attended_at",
        ]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer[Event]):
    class Meta:
        model = Event
        fields = ["id", "title", "kind", "starts_at", "ends_at", "status"]
        read_only_fields = fields


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "title", "description", "visibility", "is_published", "sessions"]
        read_only_fields = fields


class ProgrammeWriteSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    is_published = serializers.BooleanField(required=False)


class SessionReportSerializer(serializers.Serializer[Any]):
    event = serializers.IntegerField(source="event.pk")
    title = serializers.CharField(source="event.title")
    registration = RegistrationSerializer(allow_null=True)
    refused = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Why this session is refused, by field."
    )


class ProgrammeRefusedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()
    sessions = SessionReportSerializer(many=True)


class EventFilterSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Event.Kind.choices, required=False)
    programme = serializers.IntegerField(required=False, **ID)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword: declared here rather than as a class attribute
        self.fields["from"] = serializers.DateField(required=False)
        self.fields["to"] = serializers.DateField(required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        far = [name for name in ("from", "to") if name in data and data[name].year > 2999]
        if far:
            raise serializers.ValidationError({name: [_("Too far in the future.")] for name in far})
        return data


def local_midnight(day: dt.date, tz: dt.tzinfo, days: int = 0) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=days), dt.time(), tzinfo=tz)
