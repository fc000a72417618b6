"""API tokens: issue, authenticate, revoke. Only a digest of a token is ever stored.

Personal tokens act for a person with the scopes `read` (safe methods) and/or `write`; partner tokens act
for a partner and carry `stats:read` only: they reach aggregated figures and nothing personal.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.errors import HubError, InvalidInput

from . import audit
from .models import ApiToken, AuditEvent, Partner, User

TOKEN_PREFIX = "hub_"  # noqa: S105  (a marker, not a secret)
PERSONAL_SCOPES = ("read", "write", "calendar")  # calendar: the secret of iCalendar feed URLs, nothing else
DEFAULT_PERSONAL_SCOPES = ("read", "write")
PARTNER_SCOPES = ("stats:read",)
MAX_TOKEN_LENGTH = 200
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


def _checked_scopes(scopes: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in allowed]
    if unknown or not chosen:
        raise InvalidInput(
            _("The token cannot be issued."),
            fields={"scopes": [_("Choose among: %(allowed)s.") % {"allowed": ", ".join(allowed)}]},
        )
    return chosen


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(
            _("The token cannot be issued."), fields={"expires_at": [_("The expiry must be in the future.")]}
        )


def _issue(**fields: object) -> IssuedToken:
    prefix = secrets.token_hex(4)
    raw = "%s%s_%s" % (TOKEN_PREFIX, prefix, secrets.token_urlsafe(32))
    token = ApiToken.objects.create(prefix=prefix, digest=digest(raw), **fields)
    return IssuedToken(token=token, secret=raw)


@transaction.atomic
def create_api_token(
    *,
    user: User,
    name: str = "",
    scopes: Iterable[str] = DEFAULT_PERSONAL_SCOPES,
    expires_at: datetime | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
    issued_by: ApiToken | None = None,
) -> IssuedToken:
    """Issue a personal token for an active person; the clear token is returned once. Audited.

    When a token asks (`issued_by`), the new one gets no scope it lacks and expires no later than it:
    a short-lived or read-only token cannot mint a stronger one."""
    if not user.is_active:
        raise InvalidInput(_("Inactive people cannot hold tokens."), fields={"user": [_("Inactive.")]})
    scopes = list(scopes)
    if issued_by is not None:
        if not set(scopes) <= set(issued_by.scopes):
            raise InvalidInput(
                _("The token cannot be issued."),
                fields={"scopes": [_("A token cannot grant scopes it does not have.")]},
            )
        if issued_by.expires_at is not None:
            if expires_at is None:
                expires_at = issued_by.expires_at
            elif expires_at > issued_by.expires_at:
                raise InvalidInput(
                    _("The token cannot be issued."),
                    fields={"expires_at": [_("A token cannot outlive the token that issues it.")]},
                )
    _check_expiry(expires_at)
    issued = _issue(
        kind=ApiToken.Kind.PERSONAL,
        user=user,
        name=name.strip()[:100],
        scopes=_checked_scopes(scopes, PERSONAL_SCOPES),
        expires_at=expires_at,
    )
    audit.record(
        AuditEvent.Action.TOKEN_CREATED,
        actor=actor or user,
        target=issued.token,
        request=request,
        detail={
            "prefix": issued.token.prefix,
            "kind": "personal",
            "holder": user.pk,
            "scopes": issued.token.scopes,
            "issued_by": issued_by.prefix if issued_by is not None else "session",
        },
    )
    return issued


@transaction.atomic
def create_partner_token(
    *, partner: Partner, name: str = "", expires_at: datetime | None = None, actor: User | None = None
) -> IssuedToken:
    """Issue a partner token (aggregated statistics only); the clear token is returned once. Audited."""
    if not partner.is_active:
        raise InvalidInput(_("This partner is deactivated."), fields={"partner": [_("Inactive.")]})
    _check_expiry(expires_at)
    issued = _issue(
        kind=ApiToken.Kind.PARTNER,
        partner=partner,
        name=name.strip()[:100],
        scopes=list(PARTNER_SCOPES),
        expires_at=expires_at,
    )
    audit.record(
        AuditEvent.Action.TOKEN_CREATED,
        actor=actor,
        actor_label="" if actor else "system",
        target=issued.token,
        detail={"prefix": issued.token.prefix, "kind": "partner", "holder": partner.pk},
    )
    return issued


def authenticate_token(raw: str) -> ApiToken:
    """The usable token `raw` stands for, or `TokenRejected` (unknown, revoked, expired, inactive holder)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        raise TokenRejected(_("Invalid token."))
    token = ApiToken.objects.select_related("user", "partner").filter(digest=digest(raw)).first()
    now = timezone.now()
    if token is None or not getattr(token.holder, "is_active", False):
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
def revoke_api_token(*, token: ApiToken, actor: User | None = None, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token. Idempotent: the first revocation time is kept and audited once."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit.record(
            AuditEvent.Action.TOKEN_REVOKED,
            actor=actor,
            actor_label="" if actor else "system",
            target=token,
            request=request,
            detail={"prefix": token.prefix, "kind": token.kind},
        )
    return token
