"""Writes of a venue's coworking: booking and cancelling. Run with the venue's schema active.

Overlaps of an exclusive resource are refused by the database itself (an exclusion constraint on the
booked range plus buffer), never by a check-then-insert; a pooled resource's seats are counted under a
row lock on the resource.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.models import Organisation, User
from federation.permissions import Action, can
from federation.selectors import active_organisations, network_terms
from hub import idempotency
from hub.errors import Conflict, HubError, InvalidInput, NotFound
from settlement import services as settlement
from settlement.selectors import network_hours_used
from tenants.models import Venue
from tenants.selectors import active_venue

from . import plans, rules
from .events import record_availability
from .models import Booking, Resource


class NotAllowed(HubError):
    code = "not_allowed"


class QuotaExceeded(HubError):
    code = "quota_exceeded"


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    replayed: bool  # True when an Idempotency-Key repeated an earlier request: nothing new was written


def _terms_for(member: User, venue: Venue, resource: Resource) -> tuple[Organisation | None, str, int | None]:
    """(organisation booked for, rate category, monthly network hours or None) — or NotAllowed."""
    organisations = list(active_organisations(member).select_related("home_venue"))
    for organisation in organisations:
        if organisation.home_venue_id == venue.pk:
            return organisation, "resident", None
    if not resource.network_bookable:
        raise NotAllowed(_("This resource is for the venue's own members."))
    for organisation in organisations:
        terms = network_terms(organisation, venue)
        if terms.allowed:
            return organisation, terms.rate_category, terms.monthly_hours
    raise NotAllowed(_("Your organisation's network terms do not allow booking at this venue."))


def book_resource(
    *,
    venue: Venue,
    resource_id: int,
    member: User,
    start: dt.datetime,
    end: dt.datetime,
    seats: int = 1,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> BookingResult:
    """Book a resource of the active venue for [start, end) at the price of the member's rate category.

    Raises NotFound (no such active resource here), NotAllowed (network terms), InvalidInput (rules:
    hours, closures, slots, window, seats; or an Idempotency-Key reused for another request),
    QuotaExceeded (monthly network hours) and Conflict (taken; `fields["conflict"]` holds the interval).
    """
    now = now or timezone.now()
    # In UTC from here on: Python subtracts two datetimes sharing one ZoneInfo as wall-clock times, which
    # is wrong across a DST change (01:00 to 04:00 on the last Sunday of March lasts two hours, not three).
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    idempotency_key = idempotency.checked_key(idempotency_key)
    if not can(member, Action.VENUE_BOOK, venue):
        raise NotAllowed(_("You may not book at this venue."))
    fingerprint = idempotency.fingerprint(
        resource=resource_id, start=start.isoformat(), end=end.isoformat(), seats=seats
    )
    if idempotency_key:
        earlier = _replay(member, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
    resource = Resource.objects.filter(pk=resource_id, is_active=True).first()
    if resource is None:
        raise NotFound(_("No such resource."), fields={"resource": [_("No such resource at this venue.")]})
    organisation, category, monthly_hours = _terms_for(member, venue, resource)
    rented = plans.renter_of(resource, start.astimezone(venue.tzinfo).date())
    if rented is not None and (organisation is None or rented.organisation_id != organisation.pk):
        raise NotAllowed(_("This desk or office is rented to a member."))
    errors = rules.request_errors(resource, start=start, end=end, seats=seats, now=now, tz=venue.tzinfo)
    if errors:
        raise InvalidInput(_("The booking cannot be made."), fields=errors)
    excl, incl = rules.quote(resource, rate_category=category, start=start, end=end, seats=seats)
    booking = Booking(
        resource=resource,
        member=member,
        organisation=organisation,
        during=DateTimeTZRange(start, end),
        blocks=DateTimeTZRange(start, end + dt.timedelta(minutes=resource.buffer_minutes)),
        exclusive=resource.exclusive,
        seats=seats,
        rate_category=category,
        price_excl_vat=excl,
        vat_rate=resource.vat_rate,
        price_incl_vat=incl,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        network=organisation is not None and organisation.home_venue_id != venue.pk,
    )
    try:
        with transaction.atomic():
            covered_by = plans.covering(organisation, resource, start, end, venue)
            if covered_by is not None:  # the subscription pays; network hours are not counted either
                booking.subscription = covered_by
                booking.price_excl_vat = booking.price_incl_vat = Decimal("0.00")
            else:
                _check_quota(organisation, monthly_hours, start, end, venue)
            if not resource.exclusive:
                _check_seats(resource, booking)
            booking.save()
            if booking.network and organisation is not None:  # what the host earns, what the quota counts
                settlement.record_booking(host=venue, organisation=organisation, booking=booking)
            Resource.objects.select_for_update().filter(pk=resource.pk).first()  # one version at a time
            record_availability(venue=venue, resource=resource, now=now)
    except IntegrityError as exc:
        if idempotency_key:  # the same key, sent twice at once: the first one won
            earlier = _replay(member, idempotency_key, fingerprint)
            if earlier is not None:
                return earlier
        raise _conflict(resource, booking) from exc
    return BookingResult(booking=booking, replayed=False)


def _replay(member: User, key: str, fingerprint: str) -> BookingResult | None:
    earlier = idempotency.earlier(Booking.objects.filter(member=member, idempotency_key=key), fingerprint)
    return BookingResult(booking=earlier, replayed=True) if earlier is not None else None


def _check_quota(
    organisation: Organisation | None, monthly_hours: int | None, start: dt.datetime, end: dt.datetime, venue: Venue
) -> None:
    if organisation is None or organisation.home_venue_id == venue.pk:
        return
    _lock_quota(organisation)  # even without a limit here: the hours count where the pass sets one
    if monthly_hours is None:
        return
    wanted = Decimal((end - start).total_seconds()) / 3600
    if network_hours_used(organisation, settlement.month_of(start, venue)) + wanted > monthly_hours:
        raise QuotaExceeded(
            _("This booking would exceed your organisation's %(n)d network hours this month.") % {"n": monthly_hours}
        )


def _lock_quota(organisation: Organisation) -> None:
    """One network booking at a time per organisation, at every venue: the lock is on its row in the public
    schema, which every venue's transactions share."""
    Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()


def _check_seats(resource: Resource, booking: Booking) -> None:
    Resource.objects.select_for_update().filter(pk=resource.pk).first()  # one pooled booking at a time
    overlapping = Booking.objects.filter(resource=resource, status__in=Booking.ACTIVE, blocks__overlap=booking.blocks)
    taken = _peak_seats(list(overlapping.only("blocks", "seats")))
    if taken + booking.seats > resource.capacity:
        raise Conflict(
            _("Not enough free seats at this time."),
            fields={"seats": [_("%(n)d seats left.") % {"n": max(resource.capacity - taken, 0)}]},
        )


def _peak_seats(bookings: list[Booking]) -> int:
    """The most seats in use at any one moment among `bookings` (not their sum: 09–10 and 10–11 never meet)."""
    changes = [(b.blocks.lower, b.seats) for b in bookings] + [(b.blocks.upper, -b.seats) for b in bookings]
    peak = current = 0
    for _moment, delta in sorted(changes, key=lambda change: (change[0], change[1])):  # ends before starts
        current += delta
        peak = max(peak, current)
    return peak


def _conflict(resource: Resource, booking: Booking) -> Conflict:
    other = (
        Booking.objects.filter(resource=resource, status__in=Booking.ACTIVE, blocks__overlap=booking.blocks)
        .order_by("during")
        .first()
    )
    fields: dict[str, list[str]] = {}
    if other is not None:
        fields["conflict"] = [other.during.lower.isoformat(), other.during.upper.isoformat()]
    return Conflict(_("This resource is already booked at that time."), fields=fields)


@transaction.atomic
def cancel_booking(*, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Cancel a confirmed booking; a late cancellation costs the resource's fee. Cancelling twice is a
    conflict."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().select_related("resource").get(pk=booking.pk)
    _not_an_event_room(booking)
    if booking.status != Booking.Status.CONFIRMED:
        raise Conflict(_("Only a confirmed booking can be cancelled."), fields={"status": [booking.status]})
    booking.cancellation_fee = rules.cancellation_fee(
        booking.resource, price_incl_vat=booking.price_incl_vat, start=booking.during.lower, now=now
    )
    in_time = booking.during.lower - now >= dt.timedelta(hours=booking.resource.free_cancellation_hours)
    if booking.subscription_id is not None and in_time:
        plans.return_day_credit(booking, active_venue())
    booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
    booking.save(update_fields=["status", "cancelled_at", "cancellation_fee"])
    if booking.network:
        settlement.record_cancellation(host=active_venue(), booking=booking)
    _availability_changed(booking.resource, now)
    return booking


def _availability_changed(resource: Resource, now: dt.datetime) -> None:
    Resource.objects.select_for_update().filter(pk=resource.pk).first()
    record_availability(venue=active_venue(), resource=resource, now=now)


CHECK_IN_OPENS = dt.timedelta(minutes=15)  # members may check in this long before their start


@transaction.atomic
def check_in(*, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Mark a confirmed booking as checked in, from 15 minutes before its start until its end."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    _not_an_event_room(booking)
    if booking.status != Booking.Status.CONFIRMED:
        raise Conflict(_("Only a confirmed booking can be checked in."), fields={"status": [booking.status]})
    if not booking.during.lower - CHECK_IN_OPENS <= now < booking.during.upper:
        raise Conflict(
            _("Check-in opens 15 minutes before the start and closes at the end."),
            fields={"start": [booking.during.lower.isoformat()]},
        )
    booking.status = Booking.Status.CHECKED_IN
    booking.save(update_fields=["status"])
    return booking


def release_no_shows(*, now: dt.datetime | None = None) -> int:
    """Bookings of the active venue still unchecked `no_show_minutes` after their start become no-shows,
    which frees the rest of their time for others (the price stays due). Returns how many were released."""
    now = now or timezone.now()
    released = 0
    for resource in Resource.objects.filter(bookings__status=Booking.Status.CONFIRMED).distinct():
        cutoff = now - dt.timedelta(minutes=resource.no_show_minutes)
        with transaction.atomic():
            due = dict(  # locked: a check-in waits for the release, or the release skips it
                Booking.objects.select_for_update()
                .filter(
                    resource=resource,
                    purpose=Booking.Purpose.MEMBER,
                    status=Booking.Status.CONFIRMED,
                    during__startswith__lte=cutoff,
                    during__endswith__gt=now,
                )
                .values_list("pk", "during")
            )
            count = Booking.objects.filter(pk__in=list(due)).update(status=Booking.Status.NO_SHOW)
            if count:
                _availability_changed(resource, now)
                _figures_changed(*(during.lower for during in due.values()))
        released += count
    return released


def _figures_changed(*starts: dt.datetime) -> None:
    """A bulk `.update()` sends no signal: touch the partners' figures of the bookings' days (of the active
    venue, in the caller's transaction) as `reporting.signals` does for a save."""
    from reporting import rollups  # reporting imports the coworking models
    from reporting.models import Area

    venue = active_venue()
    for day in sorted({start.astimezone(venue.tzinfo).date() for start in starts}):
        rollups.touch(venue, Area.COWORKING, day)


def _not_an_event_room(booking: Booking) -> None:
    if booking.purpose == Booking.Purpose.EVENT:
        raise Conflict(
            _("This room is taken for one of the venue's events: change the event instead."),
            fields={"purpose": [booking.purpose]},
        )


def reserve_room(*, resource_id: int, start: dt.datetime, end: dt.datetime, organiser: User, seats: int = 1) -> Booking:
    """Take a room of the active venue for one of its events, at no charge and outside the opening-hours
    rules (events run in the evening too). The exclusion constraint keeps it from any other booking:
    Conflict with the interval taken. Call inside the transaction of the event's change, then
    `rooms_changed()` once the event's rooms are settled (it locks the resources: taking that lock before
    inserting could deadlock with a member's booking of the same room)."""
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    resource = Resource.objects.filter(pk=resource_id, is_active=True).first()
    if resource is None:
        raise InvalidInput(_("No such room."), fields={"room": [_("No such resource at this venue.")]})
    if resource.kind not in (Resource.Kind.MEETING_ROOM, Resource.Kind.STUDIO) or not resource.exclusive:
        raise InvalidInput(
            _("An event takes a meeting room or a studio for itself."),
            fields={"room": [_("Choose a meeting room or a studio.")]},
        )
    if seats > resource.capacity:
        raise InvalidInput(
            _("The room is too small for the event."),
            fields={"capacity": [_("%(room)s seats %(n)d.") % {"room": resource.name, "n": resource.capacity}]},
        )
    booking = Booking(
        resource=resource,
        member=organiser,
        during=DateTimeTZRange(start, end),
        blocks=DateTimeTZRange(start, end + dt.timedelta(minutes=resource.buffer_minutes)),
        exclusive=True,
        rate_category="event",
        price_excl_vat=Decimal("0.00"),
        vat_rate=resource.vat_rate,
        price_incl_vat=Decimal("0.00"),
        purpose=Booking.Purpose.EVENT,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        conflict = _conflict(resource, booking)
        raise Conflict(
            _("The room is already booked at that time."), fields={"room": conflict.fields.get("conflict", [])}
        ) from exc
    return booking


@transaction.atomic
def release_room(*, booking: Booking) -> None:
    """Give back a room an event had taken (the event moved or was cancelled); then `rooms_changed()`."""
    released = Booking.objects.filter(pk=booking.pk, status__in=Booking.ACTIVE).update(
        status=Booking.Status.CANCELLED, cancelled_at=timezone.now()
    )
    if released:  # the event's booking counted in the coworking figures of its day
        _figures_changed(Booking.objects.values_list("during", flat=True).get(pk=booking.pk).lower)


def rooms_changed(*resource_ids: int) -> None:
    """Record the availability of the rooms an event took or gave back (in resource id order)."""
    for resource in Resource.objects.filter(pk__in=sorted(set(resource_ids))).order_by("pk"):
        _availability_changed(resource, timezone.now())
