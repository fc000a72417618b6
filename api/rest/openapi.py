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
