"""Registrations to a venue's events: who may see and register (visibility), at which price (category),
seats and the waiting list, cancellation with promotion, attendance, programmes all or nothing.

Seats are decided under a row lock on the event: registrations to one event are taken one at a time, so
capacity is never exceeded and the waiting list keeps its order (registration time, then id)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.models import Organisation, User
from federation.permissions import Action, can, is_person
from federation.selectors import active_organisations
from hub.errors import Conflict, InvalidInput, NotFound
from tenants.models import Venue
from tenants.selectors import active_venue

from . import notifications
from .models import Event, Programme, Registration, Visibility
from .outbox import record_event

R = Registration.Status
CHECK_IN_OPENS = dt.timedelta(hours=1)  # before the start
CHECK_IN_CLOSES = dt.timedelta(days=1)  # after the end


@dataclass(frozen=True)
class Standing:
    """Where a person stands at a venue: the category they pay and the visibilities open to them."""

    category: str
    organisation: Organisation | None
    sees: frozenset[str]
    staff: bool = False


def standing(person: object, venue: Venue, *, as_staff: bool = True) -> Standing:
    """`as_staff=False` leaves out the powers of the person's role at the venue (the federation API acts for
    people as members, never as staff)."""
    if not is_person(person):
        return Standing(Registration.Category.PUBLIC, None, frozenset({Visibility.PUBLIC}))
    staff = as_staff and can(person, Action.VENUE_OPERATE, venue)
    organisations = list(active_organisations(person))
    home = next((o for o in organisations if o.home_venue_id == venue.pk), None)
    if home is not None:
        return Standing(Registration.Category.MEMBER, home, frozenset(Visibility.values), staff)
    if organisations:
        return Standing(
            Registration.Category.NETWORK, organisations[0], frozenset({Visibility.NETWORK, Visibility.PUBLIC}), staff
        )
    seen = frozenset(Visibility.values) if staff else frozenset({Visibility.PUBLIC})
    return Standing(Registration.Category.PUBLIC, None, seen, staff)


def visible_events(person: object, venue: Venue, *, as_staff: bool = True) -> QuerySet[Event]:
    """The events `person` may see here: all of them for the venue's staff (unless `as_staff` is False);
    otherwise the published ones of the visibilities open to them."""
    events = Event.objects.select_related("programme").order_by("starts_at", "id")
    where = standing(person, venue, as_staff=as_staff)
    if where.staff:
        return events
    return events.filter(is_published=True, visibility__in=where.sees)


def seats_held(event: Event) -> int:
    return event.registrations.filter(status__in=Registration.HOLDS_A_SEAT).count()


def _locked_event(event_id: int, person: User, venue: Venue, as_staff: bool) -> Event:
    event = visible_events(person, venue, as_staff=as_staff).select_for_update(of=("self",)).filter(pk=event_id).first()
    if event is None:  # missing, unpublished, or not for this person: all look the same
        raise NotFound(_("No such event."))
    return event


@dataclass(frozen=True)
class Refusal:
    code: str  # "conflict" (the state of things) or "invalid" (too late)
    fields: dict[str, list[str]]


def _refusal(event: Event, person: User, now: dt.datetime) -> Refusal | None:
    if event.status == Event.Status.CANCELLED:
        return Refusal("conflict", {"event": [_("This event is cancelled.")]})
    if event.starts_at <= now:
        return Refusal("invalid", {"event": [_("This event has started or is over.")]})
    if event.closes_at <= now:
        return Refusal(
            "invalid", {"event": [_("Registrations closed at %(when)s.") % {"when": event.closes_at.isoformat()}]}
        )
    if event.advisor_id == person.pk:
        return Refusal("conflict", {"person": [_("You hold this appointment.")]})
    if event.registrations.filter(person=person, status__in=Registration.ACTIVE).exists():
        return Refusal("conflict", {"person": [_("You are registered already.")]})
    return None


def _register(
    event: Event, person: User, where: Standing, now: dt.datetime, programme: Programme | None
) -> Registration:
    confirmed = seats_held(event) < event.capacity
    registration = Registration.objects.create(
        event=event,
        person=person,
        organisation=where.organisation,
        status=R.CONFIRMED if confirmed else R.WAITLISTED,
        category=where.category,
        price=event.price_for(where.category),
        programme=programme,
    )
    record_event(event)
    return registration


def register(*, event_id: int, person: User, now: dt.datetime | None = None, as_staff: bool = True) -> Registration:
    """Register `person` to an event of the active venue: a seat if one is free, else a place on the waiting
    list. NotFound (not visible to them), Conflict (cancelled, already registered), InvalidInput (started,
    closed)."""
    now = now or timezone.now()
    venue = active_venue()
    try:
        with transaction.atomic():
            event = _locked_event(event_id, person, venue, as_staff)
            refused = _refusal(event, person, now)
            if refused is not None:
                error = Conflict if refused.code == "conflict" else InvalidInput
                raise error(_("The registration cannot be made."), fields=refused.fields)
            return _register(event, person, standing(person, venue, as_staff=as_staff), now, None)
    except IntegrityError as exc:  # registered twice at once
        raise Conflict(_("You are registered already."), fields={"person": [_("Registered already.")]}) from exc


def promote(event: Event, now: dt.datetime | None = None) -> list[Registration]:
    """Give free seats of a (locked) event to the waiting list, first come first served; each promoted
    person is told by e-mail once the transaction commits."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED or event.starts_at <= now:
        return []
    free = event.capacity - seats_held(event)
    promoted: list[Registration] = []
    if free <= 0:
        return promoted
    venue = active_venue()
    line = event.registrations.filter(status=R.WAITLISTED).select_related("person", "event")
    for registration in line.order_by("created_at", "id"):
        if len(promoted) == free:
            break
        if not visible_events(registration.person, venue).filter(pk=event.pk).exists():
            continue  # the event is no longer open to them (its visibility changed): they keep their place
        registration.status, registration.promoted_at = R.CONFIRMED, now
        registration.save(update_fields=["status", "promoted_at"])
        notifications.promoted(registration)
        promoted.append(registration)
    return promoted


@transaction.atomic
def cancel(
    *, registration: Registration, actor: User, now: dt.datetime | None = None, as_staff: bool = True
) -> Registration:
    """Cancel a registration (its person before the event starts, the venue's staff at any time unless
    `as_staff` is False); a seat it held goes to the first person waiting."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in (R.CONFIRMED, R.WAITLISTED):
        raise Conflict(_("This registration cannot be cancelled any more."), fields={"status": [registration.status]})
    if event.starts_at <= now and not (as_staff and can(actor, Action.VENUE_OPERATE, active_venue())):
        raise Conflict(
            _("The event has started: ask the venue's team."), fields={"event": [event.starts_at.isoformat()]}
        )
    registration.status, registration.cancelled_at = R.CANCELLED, now
    registration.save(update_fields=["status", "cancelled_at"])
    promote(event, now)
    record_event(event)
    return registration


@transaction.atomic
def check_in(*, registration: Registration, now: dt.datetime | None = None) -> Registration:
    """Staff record that a confirmed person came (from an hour before the start to a day after the end)."""
    now = now or timezone.now()
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != R.CONFIRMED:
        raise Conflict(_("Only a confirmed registration can be checked in."), fields={"status": [registration.status]})
    if not event.starts_at - CHECK_IN_OPENS <= now <= event.ends_at + CHECK_IN_CLOSES:
        raise Conflict(
            _("Attendance is recorded from an hour before the start to a day after the end."),
            fields={"event": [event.starts_at.isoformat()]},
        )
    registration.status, registration.attended_at = R.ATTENDED, now
    registration.save(update_fields=["status", "attended_at"])
    record_event(event)
    return registration


@dataclass(frozen=True)
class SessionReport:
    event: Event
    registration: Registration | None
    refused: dict[str, list[str]]


class ProgrammeRefused(Conflict):
    """Some session cannot be registered to: nothing was written. `sessions` says which and why."""

    def __init__(self, message: str, sessions: list[SessionReport]):
        super().__init__(message)
        self.sessions = sessions


def register_programme(
    *, programme_id: int, person: User, now: dt.datetime | None = None, as_staff: bool = True
) -> list[SessionReport]:
    """Register `person` to every coming session of a programme, with a seat in each, or to none of them
    (ProgrammeRefused with the per-session report). Sessions they are registered to already are kept.
    `as_staff=False` leaves the powers of their role at the venue out (see `standing`)."""
    now = now or timezone.now()
    venue = active_venue()
    where = standing(person, venue, as_staff=as_staff)
    programmes = Programme.objects.all() if where.staff else Programme.objects.filter(is_published=True)
    programme = programmes.filter(pk=programme_id, visibility__in=where.sees).first()
    if programme is None:
        raise NotFound(_("No such programme."))
    try:
        with transaction.atomic():
            return _register_programme(programme, person, where, venue, now)
    except IntegrityError as exc:  # the same person, twice at once
        raise Conflict(_("You are registered already."), fields={"person": [_("Registered already.")]}) from exc


def _register_programme(
    programme: Programme, person: User, where: Standing, venue: Venue, now: dt.datetime
) -> list[SessionReport]:
    """The programme's coming sessions open to `person` (others are not theirs to see, nor to attend)."""
    coming = visible_events(person, venue, as_staff=where.staff).filter(
        programme=programme, status=Event.Status.SCHEDULED, starts_at__gt=now
    )
    sessions = list(coming.order_by("pk").select_for_update(of=("self",)))  # in id order: no deadlock between two
    if not sessions:
        raise InvalidInput(_("This programme has no coming session."), fields={"programme": [_("No session.")]})
    reports, wanted = [], []
    for event in sorted(sessions, key=lambda e: (e.starts_at, e.pk)):
        mine = event.registrations.filter(person=person, status__in=Registration.ACTIVE).first()
        if mine is not None and mine.status != R.WAITLISTED:
            reports.append(SessionReport(event, None, {}))  # a seat there already
            continue
        refused = _refusal(event, person, now) if mine is None else None
        fields = refused.fields if refused is not None else {}
        if mine is not None:
            fields = {"event": [_("You are on the waiting list of this session.")]}
        elif not fields and seats_held(event) >= event.capacity:
            fields = {"event": [_("This session is full.")]}
        reports.append(SessionReport(event, None, fields))
        wanted.append(event)
    if any(report.refused for report in reports):
        raise ProgrammeRefused(_("The programme cannot be registered to as a whole."), reports)
    if not wanted:
        raise Conflict(_("You are registered to every session already."), fields={"person": [_("Registered already.")]})
    made = {event.pk: _register(event, person, where, now, programme) for event in wanted}
    return [SessionReport(r.event, made.get(r.event.pk), {}) for r in reports]
