"""Helpers of the fuzz tests: the WSGI app as one host sees it, the hypothesis profiles, and the checks.

The in-suite run (`make test`) uses the `fuzz-ci` profile: few examples per operation, derandomized, so CI
sees the same cases each run. `make fuzz` sets `HUB_FUZZ=deep`: many more examples from a random seed,
printed by `make fuzz` at the start and in every failure, so a failure is replayed with
`HUB_FUZZ_SEED=<seed> make fuzz`.
"""

from __future__ import annotations

import os
import random
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

DEEP = os.environ.get("HUB_FUZZ") == "deep"
settings.register_profile(
    "fuzz-ci",
    max_examples=int(os.environ.get("HUB_FUZZ_EXAMPLES", "3")),
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found; `make fuzz` shrinks it
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "fuzz-deep",
    max_examples=int(os.environ.get("HUB_FUZZ_EXAMPLES", "20")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = settings.get_profile("fuzz-deep" if DEEP else "fuzz-ci")
SEED: int | None = None
if DEEP:
    SEED = int(os.environ.get("HUB_FUZZ_SEED") or random.SystemRandom().randrange(2**32))


class HostApp:
    """Django's WSGI handler answering as if every request named `host` (django-tenants routes on the Host
    header: a venue host, or the federation host)."""

    def __init__(self, handler: WSGIHandler, host: str) -> None:
        self.handler = handler
        self.host = host

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"] = self.host.split(":")[0]
        return self.handler(environ, start_response)


class ServerErrors:
    """The tracebacks of the exceptions the requests raised, to show the cause with a failing case."""

    def __init__(self) -> None:
        self.tracebacks: list[str] = []

    def record(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        self.tracebacks.append(traceback.format_exc())


@contextmanager
def in_process() -> Iterator[ServerErrors]:
    """Requests run in the test's own transaction: Django must not close the connection at the end of each
    request as it does under a real server (the test client does the same)."""
    errors = ServerErrors()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(errors.record)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(errors.record)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def seed_subscription(cast: Any) -> None:
    """A plan and the cast organisation's subscription at venue A, so `subscriptions/` lists a row."""
    import datetime as dt
    from decimal import Decimal

    from django_tenants.utils import schema_context

    from tenants.coworking.models import Plan
    from tenants.coworking.plans import subscribe

    with schema_context(cast.venue_a.schema_name):
        plan = Plan.objects.create(
            name="Carte 10 jours", kind="ten_day_card", price_excl_vat=Decimal("90"), day_credits=10
        )
        subscribe(organisation=cast.organisation, plan=plan, starts_on=dt.date.today())
