"""Reads of a person's registrations at every venue (for `me`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from federation.models import User
from tenants.events.models import Registration
from tenants.models import Venue

from ..core import Position, after_position
from .types import RegistrationView


def mine(person: User) -> QuerySet[Registration]:
    """A person's registrations at the active venue, with their events."""
    return Registration.objects.filter(person=person).select_related("event")


def registrations_page(person: User, since: dt.datetime | None) -> Any:
    """The loader of `me.registrations` at one venue (see `core.across_venues`)."""

    def load(venue: Venue, after: Position | None, n: int) -> list[RegistrationView]:
        rows = mine(person).filter(after_position("event__starts_at", venue, after)).order_by("event__starts_at", "pk")
        if since is not None:
            rows = rows.filter(event__ends_at__gt=since)
        return [RegistrationView.of(venue, registration) for registration in rows[:n]]

    return load


def registration_position(view: RegistrationView) -> Position:
    return view.event_starts_at, view.venue.schema_name, view.pk
