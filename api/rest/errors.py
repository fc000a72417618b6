"""One mapping from domain errors to HTTP, for every REST view."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, OperationalError
from django.utils.translation import gettext as _
from psycopg.errors import DeadlockDetected, SerializationFailure
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hub.errors import HubError

STATUS_BY_CODE = {
    "invalid": status.HTTP_422_UNPROCESSABLE_ENTITY,
    "conflict": status.HTTP_409_CONFLICT,
    "not_found": status.HTTP_404_NOT_FOUND,
    "not_allowed": status.HTTP_403_FORBIDDEN,
    "quota_exceeded": status.HTTP_409_CONFLICT,
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, HubError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.fields:
            body["errors"] = exc.fields
        return Response(body, status=STATUS_BY_CODE.get(exc.code, status.HTTP_422_UNPROCESSABLE_ENTITY))
    if isinstance(exc, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE, read by request.data
        return Response({"detail": _("The request is too large."), "code": "request_too_large"}, status=413)
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, (DeadlockDetected, SerializationFailure)):
        # Two requests crossed on the same rows; PostgreSQL undid this one entirely: the client may retry.
        return Response(
            {"detail": _("Another change happened at the same time; please try again."), "code": "conflict"},
            status=409,
        )
    if isinstance(exc, IntegrityError):
        # A constraint the database enforces that validation could not see coming (a race).
        return Response({"detail": _("Conflict with the current state."), "code": "conflict"}, status=409)
    if isinstance(exc, exceptions.ValidationError):
        # Well-formed JSON whose content is wrong: 422 with field errors, like the services' InvalidInput.
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return Response({"detail": _("The data is not valid."), "code": "invalid", "errors": errors}, status=422)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data["code"] = getattr(detail, "code", "error")
    return response
