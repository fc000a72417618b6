"""Reads of the active venue's coworking. Querysets are lazy: evaluate them under the same venue."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Resource


def bookable_resources() -> QuerySet[Resource]:
    return Resource.objects.filter(is_active=True).order_by("name", "id")
