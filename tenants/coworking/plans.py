"""Plans and subscriptions: which bookings a subscription covers, and what it has consumed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from federation.models import Organisation
from hub.errors import InvalidInput
from tenants.models import Venue

from .models import Booking, Plan, Resource, Subscription


def active_subscriptions(organisation: Organisation, day: dt.date) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(organisation=organisation, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("plan")
    )


def renter_of(resource: Resource, day: dt.date) -> Subscription | None:
    """The subscription that rents this desk or office on `day`, if any."""
    return (
        Subscription.objects.filter(resource=resource, plan__kind__in=Plan.DEDICATED, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("plan")
        .first()
    )


def _hours(bookings: QuerySet[Booking]) -> Decimal:
    return sum(
        (Decimal((b.during.upper - b.during.lower).total_seconds()) / 3600 for b in bookings.only("during")), Decimal(0)
    )


def _month(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime.combine(day.replace(day=1), dt.time(0), tzinfo=tz)
    following = dt.datetime.combine((day.replace(day=1) + dt.timedelta(days=32)).replace(day=1), dt.time(0), tzinfo=tz)
    return first, following


def covering(
    organisation: Organisation | None, resource: Resource, start: dt.datetime, end: dt.datetime, venue: Venue
) -> Subscription | None:
    """The subscription that pays for this booking, consuming a day credit if that is what it takes.
    Call inside the booking's transaction: the subscription row is locked while its allowance is read."""
    if organisation is None:
        return None
    day = start.astimezone(venue.tzinfo).date()
    for subscription in active_subscriptions(organisation, day).select_for_update(of=("self",)):
        plan = subscription.plan
        if plan.kind in Plan.DEDICATED:
            if subscription.resource_id == resource.pk:
                return subscription
            continue
        if resource.kind not in plan.covers_kinds:
            continue
        if plan.day_credits is not None:
            local_day = _local_day(start, venue.tzinfo)
            if subscription.bookings.filter(status__in=Booking.ACTIVE, during__overlap=local_day).exists():
                return subscription  # this day is already paid for
            if subscription.day_credits_left:
                subscription.day_credits_left -= 1
                subscription.save(update_fields=["day_credits_left"])
                return subscription
            continue
        if plan.included_hours_per_month is not None:
            lower, upper = _month(day, venue.tzinfo)
            used = _hours(subscription.bookings.filter(status__in=Booking.ACTIVE, during__overlap=(lower, upper)))
            if used + Decimal((end - start).total_seconds()) / 3600 > plan.included_hours_per_month:
                continue
        return subscription
    return None


@dataclass(frozen=True)
class Consumption:
    bookings: int
    hours: Decimal
    days_left: int | None
    hours_included: int | None


def consumptions(subscriptions: list[Subscription], month: dt.date, venue: Venue) -> dict[int, Consumption]:
    """This month's use of each subscription, in one query whatever their number."""
    lower, upper = _month(month, venue.tzinfo)
    used: dict[int, list[Booking]] = {subscription.pk: [] for subscription in subscriptions}
    for booking in Booking.objects.filter(
        subscription__in=subscriptions, status__in=Booking.ACTIVE, during__overlap=(lower, upper)
    ).only("subscription_id", "during"):
        used[booking.subscription_id].append(booking)  # type: ignore[index]
    return {
        subscription.pk: Consumption(
            bookings=len(used[subscription.pk]),
            hours=sum(
                (Decimal((b.during.upper - b.during.lower).total_seconds()) / 3600 for b in used[subscription.pk]),
                Decimal(0),
            ),
            days_left=subscription.day_credits_left,
            hours_included=subscription.plan.included_hours_per_month,
        )
        for subscription in subscriptions
    }


def consumption(subscription: Subscription, month: dt.date, venue: Venue) -> Consumption:
    return consumptions([subscription], month, venue)[subscription.pk]


@transaction.atomic
def subscribe(
    *,
    organisation: Organisation,
    plan: Plan,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    resource: Resource | None = None,
) -> Subscription:
    """Give an organisation a plan at this venue. Dedicated plans name a free desk or office."""
    errors: dict[str, list[str]] = {}
    if not plan.is_active:
        errors["plan"] = [_("This plan is no longer on sale.")]
    if organisation.status != Organisation.Status.ACTIVE:
        errors["organisation"] = [_("Only an active member organisation can subscribe.")]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The end must not be before the start.")]
    if plan.kind in Plan.DEDICATED:
        if resource is None:
            errors["resource"] = [_("Name the desk or office this plan rents.")]
        elif (rented := renter_of(resource, starts_on)) is not None and rented.organisation_id != organisation.pk:
            errors["resource"] = [_("This desk or office is already rented.")]
    elif resource is not None:
        errors["resource"] = [_("Only fixed desks and offices name a resource.")]
    if errors:
        raise InvalidInput(_("The subscription cannot be made."), fields=errors)
    return Subscription.objects.create(
        organisation=organisation,
        plan=plan,
        resource=resource,
        starts_on=starts_on,
        ends_on=ends_on,
        day_credits_left=plan.day_credits,
    )


def _local_day(moment: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    day = moment.astimezone(tz).date()
    return (
        dt.datetime.combine(day, dt.time(0), tzinfo=tz),
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
    )


def return_day_credit(booking: Booking, venue: Venue) -> None:
    """A booking cancelled in time gives its day back to the pass or card that paid for it, unless another
    booking of the same subscription still uses that (local) day. Call before marking it cancelled."""
    assert booking.subscription_id is not None
    subscription = Subscription.objects.select_for_update().select_related("plan").get(pk=booking.subscription_id)
    if subscription.plan.day_credits is None or subscription.day_credits_left is None:
        return
    still_used = (
        subscription.bookings.filter(
            status__in=Booking.ACTIVE, during__overlap=_local_day(booking.during.lower, venue.tzinfo)
        )
        .exclude(pk=booking.pk)
        .exists()
    )
    if not still_used:
        subscription.day_credits_left = min(subscription.day_credits_left + 1, subscription.plan.day_credits)
        subscription.save(update_fields=["day_credits_left"])
