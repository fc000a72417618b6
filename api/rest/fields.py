"""Serializer fields shared by the REST views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FIRST_YEAR, LAST_YEAR = 1900, 2999


class MomentField(serializers.DateTimeField):
    """An ISO 8601 date and time (read in the venue's time zone without an offset), between 1900 and 2999:
    dates at the ends of the calendar overflow once shifted to UTC, and are typing mistakes anyway."""

    default_error_messages = {"range": _("Between 1900 and 2999.")}

    def to_internal_value(self, value: Any) -> dt.datetime:
        try:
            moment = super().to_internal_value(value)
        except (OverflowError, ValueError):
            self.fail("range")
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            self.fail("range")
        return moment


class SlugLookupField(serializers.SlugRelatedField):
    """A slug naming a row, refused as invalid when it holds a NUL character: PostgreSQL cannot compare such
    text and DRF's own field would let the database error through (a 500)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
