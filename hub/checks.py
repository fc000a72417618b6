"""System checks of the hub's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if settings.SECURE_PROXY_SSL_HEADER and settings.SECURE_SSL_REDIRECT and not settings.HUB_TRUSTED_PROXIES:
        return [
            Warning(
                "SECURE_SSL_REDIRECT is on and no proxy is trusted: X-Forwarded-Proto is ignored, so behind a "
                "TLS proxy every request is redirected to itself.",
                hint="Set TRUSTED_PROXIES to the reverse proxy's addresses (CIDR), or SECURE_SSL_REDIRECT=false.",
                id="hub.W001",
            )
        ]
    return []
