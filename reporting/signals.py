"""Venue changes that move the partners' figures record an `activity.changed` event in the outbox, in the
change's own transaction (see `rollups.touch`); an organisation's change updates its membership spell.

A change that moves something to another day (a booking, a sale, an event, a registration to another event)
touches the day it left as well as the day it reached: a pre_save remembers the stored value. A change of
what past figures are counted by (an organisation's sector, a resource's kind or no-show release, an
artist's organisation) touches the whole activity of the venues concerned (`rollups.touch_activity`).
Bulk `.update()`s send no signal: the services that use them touch the days themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from federation.models import Organisation
from tenants.coworking.models import Booking, Closure, OpeningHours, Resource
from tenants.events.models import Event, Registration
from tenants.gallery.models import Artist, Sale
from tenants.models import Venue

from . import rollups
from .models import Area


def _venue() -> Venue | None:
    """The venue whose schema is active (`schema_context` sets a stand-in, not the venue's row)."""
    tenant = getattr(connection, "tenant", None)
    schema = getattr(tenant, "schema_name", "public")
    if schema == "public":
        return None
    return tenant if isinstance(tenant, Venue) else Venue.objects.filter(schema_name=schema).first()


def _touch(area: str, *moments: dt.datetime | dt.date | None) -> None:
    venue = _venue()
    days = (
        sorted(
            {m.astimezone(venue.tzinfo).date() if isinstance(m, dt.datetime) else m for m in moments if m is not None}
        )
        if venue is not None
        else []
    )
    if not days:
        return
    assert venue is not None
    with transaction.atomic():  # a save outside a transaction has committed: record right after it
        for day in days:
            rollups.touch(venue, area, day)


def _stored(instance: models.Model, update_fields: Any, *lookups: str, fields: tuple[str, ...] = ()) -> tuple | None:
    """The stored values of `lookups` for `instance` before this save, or None: a new row, or `update_fields`
    leaves out every one of `fields` (the field names the lookups depend on, by default the lookups)."""
    if not instance.pk or (update_fields is not None and not set(fields or lookups) & set(update_fields)):
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).values_list(*lookups).first()


def _first(row: tuple | None) -> Any:
    return row[0] if row is not None else None


def _was(instance: models.Model) -> Any:
    """What the pre_save remembered, once (a later delete of the same instance must not reuse it)."""
    return instance.__dict__.pop("_reporting_was", None)


@receiver(pre_save, sender=Event)
def _remember_event_start(sender: type, instance: Event, **kwargs: Any) -> None:
    instance._reporting_was = (  # type: ignore[attr-defined]
        Event.objects.filter(pk=instance.pk).values_list("starts_at", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def _event_changed(sender: type, instance: Event, **kwargs: Any) -> None:
    _touch(Area.EVENTS, instance.starts_at, _was(instance))


@receiver(pre_save, sender=Registration)
def _remember_registration_event(sender: type, instance: Registration, update_fields: Any = None, **kw: Any) -> None:
    was = _stored(instance, update_fields, "event__starts_at", fields=("event", "event_id"))
    instance._reporting_was = _first(was)  # type: ignore[attr-defined]


@receiver(post_save, sender=Registration)
@receiver(post_delete, sender=Registration)
def _registration_changed(sender: type, instance: Registration, **kwargs: Any) -> None:
    _touch(
        Area.EVENTS,
        Event.objects.filter(pk=instance.event_id).values_list("starts_at", flat=True).first(),
        _was(instance),
    )


@receiver(pre_save, sender=Booking)
def _remember_booking_start(sender: type, instance: Booking, update_fields: Any = None, **kwargs: Any) -> None:
    was = _first(_stored(instance, update_fields, "during"))
    instance._reporting_was = getattr(was, "lower", None)  # type: ignore[attr-defined]


@receiver(post_save, sender=Booking)
@receiver(post_delete, sender=Booking)
def _booking_changed(sender: type, instance: Booking, **kwargs: Any) -> None:
    during = instance.during
    _touch(Area.COWORKING, getattr(during, "lower", None), _was(instance))


@receiver(pre_save, sender=Sale)
def _remember_sale_time(sender: type, instance: Sale, update_fields: Any = None, **kwargs: Any) -> None:
    instance._reporting_was = _first(_stored(instance, update_fields, "sold_at"))  # type: ignore[attr-defined]


@receiver(post_save, sender=Sale)
@receiver(post_delete, sender=Sale)
def _sale_changed(sender: type, instance: Sale, **kwargs: Any) -> None:
    _touch(Area.GALLERY, instance.sold_at, _was(instance))


@receiver(pre_save, sender=Artist)
def _remember_artist_organisation(sender: type, instance: Artist, update_fields: Any = None, **kwargs: Any) -> None:
    was = _stored(instance, update_fields, "organisation_id", fields=("organisation", "organisation_id"))
    instance._reporting_was = was  # type: ignore[attr-defined]


@receiver(post_save, sender=Artist)
def _artist_changed(sender: type, instance: Artist, **kwargs: Any) -> None:
    """The artist's sales are the organisation's (contributor and sector): all of them move with it."""
    was = _was(instance)
    venue = _venue()
    if venue is None or was is None or was == (instance.organisation_id,):
        return
    with transaction.atomic():
        rollups.touch_activity(venue, (Area.GALLERY,))


@receiver(post_save, sender=Closure)
@receiver(post_delete, sender=Closure)
def _closure_changed(sender: type, instance: Closure, **kwargs: Any) -> None:
    venue = _venue()
    if venue is not None:
        with transaction.atomic():
            rollups.touch(venue, Area.COWORKING, instance.starts_on, instance.ends_on)


@receiver(post_save, sender=OpeningHours)
@receiver(post_delete, sender=OpeningHours)
@receiver(post_save, sender=Resource)
@receiver(post_delete, sender=Resource)
def _capacity_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    """Past days keep the capacity they had; from today to the horizon, the bookable hours are recounted."""
    venue = _venue()
    if venue is not None:
        today = timezone.localdate()
        with transaction.atomic():
            rollups.touch(venue, Area.COWORKING, today, today + dt.timedelta(days=rollups.HORIZON_DAYS))


RESOURCE_COUNTED = ("kind", "no_show_minutes")  # what the coworking SQL reads of a resource for every booking


@receiver(pre_save, sender=Resource)
def _remember_resource(sender: type, instance: Resource, update_fields: Any = None, **kwargs: Any) -> None:
    instance._reporting_was = _stored(instance, update_fields, *RESOURCE_COUNTED)  # type: ignore[attr-defined]


@receiver(post_save, sender=Resource)
def _resource_counted_differently(sender: type, instance: Resource, **kwargs: Any) -> None:
    """A resource's bookings are counted by its current kind (and no-show release): all of them move with it."""
    was = _was(instance)
    venue = _venue()
    if venue is None or was is None or was == tuple(getattr(instance, name) for name in RESOURCE_COUNTED):
        return
    with transaction.atomic():
        rollups.touch_activity(venue, (Area.COWORKING,))


@receiver(pre_save, sender=Organisation)
def _remember_sector(sender: type, instance: Organisation, update_fields: Any = None, **kwargs: Any) -> None:
    instance._reporting_was = _first(_stored(instance, update_fields, "sector"))  # type: ignore[attr-defined]


@receiver(post_save, sender=Organisation)
def _organisation_changed(sender: type, instance: Organisation, **kwargs: Any) -> None:
    rollups.record_spell(instance)
    was = _was(instance)
    if was is None or was == instance.sector:
        return
    # The figures carry the sector read at recount time, at every venue the organisation was active in.
    # A rare admin change: every venue's whole activity is recounted (a recount is idempotent).
    with transaction.atomic():
        for venue in Venue.objects.exclude(schema_name="public").order_by("schema_name"):
            rollups.touch_activity(venue)
