"""Reads of a venue's gallery (run with the venue's schema active)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from .models import Artwork, ExhibitedWork, Exhibition

PUBLIC_STATUSES = (Artwork.Status.AVAILABLE, Artwork.Status.ON_HOLD)


def artworks() -> QuerySet[Artwork]:
    """Every artwork, for the venue's staff."""
    return Artwork.objects.select_related("artist").order_by("-created_at", "-id")


def artworks_on_sale() -> QuerySet[Artwork]:
    """What the public sees: works available or on hold (shown as such), never an edition set."""
    return artworks().filter(status__in=PUBLIC_STATUSES)


def exhibitions() -> QuerySet[Exhibition]:
    shown = ExhibitedWork.objects.select_related("artwork__artist").order_by("position", "id")
    return Exhibition.objects.prefetch_related(Prefetch("items", queryset=shown)).order_by("-starts_on", "-id")


def public_exhibitions(today: dt.date) -> QuerySet[Exhibition]:
    """Published exhibitions that are on now or coming."""
    return exhibitions().filter(is_published=True, ends_on__gte=today).order_by("starts_on", "id")
