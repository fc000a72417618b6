"""Writes of a venue's programme: events (with the room they take, booked through the coworking service so it
cannot be double-booked), their cancellation, and training programmes. Run with the venue's schema active;
each function is one transaction and records its outbox events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.models import User
from hub.errors import Conflict, InvalidInput
from tenants.coworking.models import Booking
from tenants.coworking.services import release_room, reserve_room, rooms_changed

from . import notifications
from .models import MAX_PRICE, Event, Programme, Registration
from .outbox import record_event, record_programme
from .registrations import promote, seats_held

EDITABLE = (  # in the order the admin shows them
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "capacity",
    "price_member",
    "price_network",
    "price_public",
    "visibility",
    "registration_deadline",
    "is_published",
    "programme",
    "advisor",
)
LAST_MOMENT = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)
UNCHANGED: Any = object()


def _errors(event: Event, *, held: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        event.full_clean(exclude=["programme", "advisor", "room_booking"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        return errors
    if event.ends_at <= event.starts_at:
        errors["ends_at"] = [_("The end comes before the start.")]
    if event.ends_at > LAST_MOMENT:
        errors["ends_at"] = [_("Too far in the future.")]
    if event.ends_at - event.starts_at > dt.timedelta(days=31):
        errors.setdefault("ends_at", []).append(_("An event lasts a month at most; make a programme of sessions."))
    if event.registration_deadline is not None and event.registration_deadline > event.ends_at:
        errors["registration_deadline"] = [_("Registrations must close before the event ends.")]
    if event.capacity < held:
        errors["capacity"] = [_("%(n)d people already have a place: the capacity cannot be lower.") % {"n": held}]
    if event.kind == Event.Kind.ADVICE:
        if event.capacity != 1:
            errors["capacity"] = [_("An advice appointment is for one person.")]
        if event.advisor_id is None:
            errors["advisor"] = [_("An advice appointment needs its advisor.")]
        elif (
            Event.objects.filter(
                advisor_id=event.advisor_id,
                status=Event.Status.SCHEDULED,
                starts_at__lt=event.ends_at,
                ends_at__gt=event.starts_at,
            )
            .exclude(pk=event.pk)
            .exists()
        ):
            errors["starts_at"] = [_("The advisor has another appointment at that time.")]
    for name in ("price_member", "price_network", "price_public"):
        if not Decimal(0) <= getattr(event, name) <= MAX_PRICE:
            errors[name] = [_("Between 0 and %(max)s euros.") % {"max": MAX_PRICE}]
    return errors


@transaction.atomic
def save_event(*, event: Event, changes: Mapping[str, Any], room: int | None = UNCHANGED, actor: User) -> Event:
    """Create (`event` unsaved) or change an event. `room` takes a coworking meeting room or studio for its
    time (None gives it back); moving the event moves the booking. InvalidInput on bad values, Conflict when
    the room is taken or the event was cancelled. Raising the capacity promotes people from the waiting list."""
    creating = event.pk is None
    if not creating:
        event = Event.objects.select_for_update(of=("self",)).select_related("room_booking").get(pk=event.pk)
        if event.status == Event.Status.CANCELLED:
            raise Conflict(_("This event is cancelled."), fields={"status": [event.status]})
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed."), fields={n: [_("Read-only.")] for n in sorted(unknown)})
    before = (event.starts_at, event.ends_at, event.capacity) if not creating else None
    programmes = {event.programme_id} if not creating else set()
    for name, value in changes.items():
        setattr(event, name, value)
    held = 0 if creating else seats_held(event)
    errors = _errors(event, held=held)
    if errors:
        raise InvalidInput(_("The event is not valid."), fields=errors)
    event.save()
    current = event.room_booking
    if current is not None and current.status not in Booking.ACTIVE:
        current = None  # given back already: the event holds no room
    wanted = (current.resource_id if current else None) if room is UNCHANGED else room
    changed = before is not None and before != (event.starts_at, event.ends_at, event.capacity)
    touched_rooms = []
    if current is not None and (changed or wanted != current.resource_id):
        release_room(booking=current)
        touched_rooms.append(current.resource_id)
        current = None
    if wanted is not None and current is None:
        current = reserve_room(
            resource_id=wanted, start=event.starts_at, end=event.ends_at, organiser=actor, seats=event.capacity
        )
        touched_rooms.append(current.resource_id)
    if event.room_booking != current:
        event.room_booking = current
        event.save(update_fields=["room_booking"])
    rooms_changed(*touched_rooms)  # the resources' locks, taken last
    if not creating:
        promote(event)
    record_event(event)
    _record_programmes(programmes | {event.programme_id})
    return event


def _record_programmes(ids: set[int | None]) -> None:
    for programme in Programme.objects.filter(pk__in=[pk for pk in ids if pk is not None]).order_by("pk"):
        record_programme(Programme.objects.select_for_update().get(pk=programme.pk))


@transaction.atomic
def cancel_event(*, event: Event, actor: User, now: dt.datetime | None = None) -> Event:
    """Cancel an event that has not started: its room is given back and every registration is cancelled,
    and told so. (One that took place stays, with its attendance.)"""
    now = now or timezone.now()
    event = Event.objects.select_for_update(of=("self",)).select_related("room_booking").get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise Conflict(_("This event is cancelled already."), fields={"status": [event.status]})
    if event.starts_at <= now:
        raise Conflict(
            _("This event has started: it cannot be cancelled."), fields={"starts_at": [event.starts_at.isoformat()]}
        )
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    if event.room_booking is not None:
        release_room(booking=event.room_booking)
        rooms_changed(event.room_booking.resource_id)
    told = []
    waiting = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)
    for registration in event.registrations.filter(status__in=waiting).select_related("person", "event"):
        registration.status, registration.cancelled_at = Registration.Status.CANCELLED, now
        registration.save(update_fields=["status", "cancelled_at"])
        told.append(registration)
    notifications.event_cancelled(told)
    record_event(event)
    _record_programmes({event.programme_id})
    return event


@transaction.atomic
def save_programme(*, programme: Programme) -> Programme:
    try:
        programme.full_clean()
    except ValidationError as exc:
        raise InvalidInput(_("The programme is not valid."), fields=exc.message_dict) from exc
    programme.save()
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # outbox versions in commit order
    record_programme(programme)
    return programme
