"""Input values checked the same way across the GraphQL domains."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from api.rest.fields import FIRST_YEAR, LAST_YEAR
from hub.errors import InvalidInput

PARIS = ZoneInfo("Europe/Paris")


def moment(value: dt.datetime | None, field: str, tz: ZoneInfo = PARIS) -> dt.datetime | None:
    """An aware UTC datetime from a GraphQL DateTime (one without an offset is read in `tz`), 1900 to 2999."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    try:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(value)
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise InvalidInput(_("Not a usable date."), fields={field: [_("Between 1900 and 2999.")]}) from exc
