"""Domain errors of the hub. Each carries a stable `code`; API layers map codes to statuses once."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class HubError(Exception):
    """Base of the errors services raise on purpose. `fields` maps field names to messages."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = dict(fields or {})

    def describe(self) -> str:
        """The message and every field's messages on one line (for commands and logs)."""
        details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in self.fields.items())
        return f"{self.message} {details}".strip()


class InvalidInput(HubError):
    code = "invalid"


class Conflict(HubError):
    code = "conflict"


class NotFound(HubError):
    code = "not_found"


def invalid_from(error: ValidationError, message: str | None = None) -> InvalidInput:
    """A Django ValidationError (from `full_clean`) as an InvalidInput with field-level messages."""
    if hasattr(error, "error_dict"):
        fields = {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    else:
        fields = {"non_field_errors": [str(m) for m in error.messages]}
    return InvalidInput(message or _("The data is not valid."), fields=fields)
