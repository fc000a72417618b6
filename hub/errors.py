"""Domain errors of the hub. Each carries a stable `code`; API layers map codes to statuses once."""

from __future__ import annotations

from collections.abc import Mapping


class HubError(Exception):
    """Base of the errors services raise on purpose. `fields` maps field names to messages."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = dict(fields or {})


class InvalidInput(HubError):
    code = "invalid"


class Conflict(HubError):
    code = "conflict"


class NotFound(HubError):
    code = "not_found"
