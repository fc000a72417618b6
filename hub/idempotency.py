"""Idempotency-Key support shared by the services that create things on request (bookings, sales).

A create stores the client's key and a fingerprint of its request; the same key again returns the first
result when the request is the same, and is refused (InvalidInput) when it is not."""

from __future__ import annotations

import hashlib
import json
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from .errors import InvalidInput

M = TypeVar("M", bound=Model)
MAX_KEY = 100  # characters


def checked_key(key: str) -> str:
    """The client's key, stripped; InvalidInput when it is longer than the column that keeps it."""
    key = (key or "").strip()
    if len(key) > MAX_KEY:
        raise InvalidInput(
            _("The Idempotency-Key is too long."),
            fields={"idempotency_key": [_("%(n)d characters at most.") % {"n": MAX_KEY}]},
        )
    return key


def fingerprint(**request: object) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def earlier(rows: QuerySet[M], request_fingerprint: str) -> M | None:
    """The row an earlier request with this key created (`rows` filtered on the key and its owner), or None;
    InvalidInput when that request was another one."""
    found = rows.first()
    if found is not None and getattr(found, "request_fingerprint") != request_fingerprint:  # noqa: B009
        raise InvalidInput(
            _("This Idempotency-Key was used for another request."),
            fields={"idempotency_key": [_("Already used with a different body.")]},
        )
    return found
