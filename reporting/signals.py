"""Venue changes that move the partners' figures record an `activity.changed` event in the outbox, in the
change's own transaction (see `rollups.touch`); an organisation's change updates its membership spell."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from federation.models import Organisation
from tenants.coworking.models import Booking, Closure, OpeningHours, Resource
from tenants.events.models import Event, Registration
from tenants.gallery.models import Sale
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


@receiver(pre_save, sender=Event)
def _remember_event_start(sender: type, instance: Event, **kwargs: Any) -> None:
    instance._reporting_was = (  # type: ignore[attr-defined]
        Event.objects.filter(pk=instance.pk).values_list("starts_at", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def _event_changed(sender: type, instance: Event, **kwargs: Any) -> None:
    _touch(Area.EVENTS, instance.starts_at, getattr(instance, "_reporting_was", None))


@receiver(post_save, sender=Registration)
@receiver(post_delete, sender=Registration)
def _registration_changed(sender: type, instance: Registration, **kwargs: Any) -> None:
    _touch(Area.EVENTS, Event.objects.filter(pk=instance.event_id).values_list("starts_at", flat=True).first())


@receiver(post_save, sender=Booking)
@receiver(post_delete, sender=Booking)
def _booking_changed(sender: type, instance: Booking, **kwargs: Any) -> None:
    during = instance.during
    _touch(Area.COWORKING, getattr(during, "lower", None))


@receiver(post_save, sender=Sale)
@receiver(post_delete, sender=Sale)
def _sale_changed(sender: type, instance: Sale, **kwargs: Any) -> None:
    _touch(Area.GALLERY, instance.sold_at)


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


@receiver(post_save, sender=Organisation)
def _organisation_changed(sender: type, instance: Organisation, **kwargs: Any) -> None:
    rollups.record_spell(instance)
