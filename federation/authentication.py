"""DRF authentication by `Authorization: Bearer <token>` (personal and partner API tokens)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import ApiToken, User
from .tokens import TokenRejected, authenticate_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A personal token authenticates its person; a partner token authenticates no person (request.user is
    anonymous) and the partner is reached through `request.auth` (see `permissions.principal_of`)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User | AnonymousUser, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header: use “Bearer <token>”."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        try:
            token = authenticate_token(raw)
        except TokenRejected as exc:
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from exc
        if token.kind == ApiToken.Kind.PARTNER:
            return AnonymousUser(), token
        return token.user, token  # type: ignore[return-value]

    def authenticate_header(self, request: Request) -> Any:
        return 'Bearer realm="api"'
