"""Audit of logins (admin and session logins on every host). Failures are counted by federation.lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from hub.http import current_venue

from . import audit
from .models import AuditEvent, User


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record(
        AuditEvent.Action.LOGIN_SUCCEEDED,
        actor=user,
        request=request,
        venue=current_venue(request) if request is not None else None,
    )


@receiver(user_login_failed)
def audit_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:200]
    audit.record(
        AuditEvent.Action.LOGIN_FAILED,
        actor_label=attempted or "unknown",
        request=request,
        venue=current_venue(request) if request is not None else None,
    )
