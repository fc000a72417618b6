"""How drf-spectacular describes the hub's authentication in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "federation.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "Personal API token (`hub_…`)."}


class HostSchemaView(SpectacularAPIView):
    """The OpenAPI document of the host asked: a venue host's API, or the federation host's."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.urlconf = getattr(request, "urlconf", None)  # set by the routing middleware; one view per request
        return super().get(request, *args, **kwargs)


ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: a sentence, a stable code and, for invalid input, messages per field.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["detail"],
    "additionalProperties": True,
}
# What the API's one exception handler (api/rest/errors.py), the authentication, the throttles and the
# routing answer on any operation, before or instead of its own result.
ERRORS_ANY_METHOD = {
    "400": "Malformed request (JSON that does not parse, a header that is not valid).",
    "401": "Missing, unknown, expired or revoked token.",
    "403": "The caller may not do this here (role, token scope, partner token).",
    "404": "No such object here (or not yours), or another venue's id.",
    "422": "Invalid input; `errors` holds the messages per field.",
    "429": "Too many requests or sign-in attempts; retry after the `Retry-After` header's delay.",
}
ERRORS_WRITES = {
    "409": "Conflict with the current state (a booking's slot, a sale, a concurrent change).",
    "413": "The request body is larger than the limit.",
    "415": "The body's content type is not JSON.",
}


def document_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer with, in the
    one shape the exception handler gives them (a client and schemathesis know what to expect)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            errors = ERRORS_ANY_METHOD | (ERRORS_WRITES if method != "get" else {})
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
