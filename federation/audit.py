"""The audit log: one function writes it, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent, User

SECRET_WORDS = ("password", "secret", "token", "digest")


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR: hub.proxies has already replaced it with the client's when a trusted proxy forwarded it.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    action: str,
    *,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    venue: Any = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event. `detail` must not carry secrets: keys that look like one are refused."""
    detail = dict(detail or {})
    leaked = [key for key in detail if any(word in key.lower() for word in SECRET_WORDS)]
    if leaked:
        raise ValueError("audit detail must not carry secrets: %s" % ", ".join(leaked))
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        venue=venue,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail,
        ip_address=client_ip(request),
    )
