"""Personal API tokens: issue, authenticate, revoke. Only a digest of a token is ever stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.errors import HubError, InvalidInput

from .models import ApiToken, User

TOKEN_PREFIX = "hub_"  # noqa: S105  (a marker, not a secret)
# `last_used_at` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRejected(HubError):
    code = "token_rejected"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the only time the clear token exists: show it, never store it


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(*, user: User, name: str = "", expires_at: datetime | None = None) -> IssuedToken:
    """Issue a personal token for an active person. The clear token is returned once."""
    if not user.is_active:
        raise InvalidInput(_("Inactive people cannot hold tokens."), fields={"user": [_("Inactive.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("The expiry must be in the future."), fields={"expires_at": [_("In the past.")]})
    prefix = secrets.token_hex(4)
    raw = "%s%s_%s" % (TOKEN_PREFIX, prefix, secrets.token_urlsafe(32))
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=digest(raw), expires_at=expires_at)
    return IssuedToken(token=token, secret=raw)


def authenticate_token(raw: str) -> ApiToken:
    """The usable token `raw` stands for, or `TokenRejected` (unknown, revoked, expired, inactive person)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise TokenRejected(_("Invalid token."))
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    now = timezone.now()
    if token is None or not token.user.is_active:
        raise TokenRejected(_("Invalid token."))
    if token.revoked_at is not None:
        raise TokenRejected(_("This token has been revoked."), code="token_revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected(_("This token has expired."), code="token_expired")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent: the first revocation time is kept)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
