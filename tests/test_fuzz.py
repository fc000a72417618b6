"""Schemathesis against each host's OpenAPI document, every operation called with every role's token.

Checks, for each generated case and role: no 5xx (`not_a_server_error`), the status code, content type,
headers and body conform to the document, and the auth the document declares is enforced: an operation whose
security has no anonymous option never answers 2xx to an anonymous caller, and a partner token reaches on the
REST API nothing an anonymous caller does not, and no role gets a 2xx from an operation whose permission
classes `federation.permissions.can` refuses that role at that host (staff of the other venue on a staff
operation, a member on a manager's, …). Failures found here are fixed at their cause and kept as plain
tests in test_fuzz_regressions.py.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.urls import resolve
from hypothesis import given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from federation.permissions import can
from hub.db import connection
from tenants.models import Venue

from .events_fixtures import Programme
from .federation_fixtures import ROLES, Cast
from .fuzzing import PROFILE, SEED, HostApp, in_process, seed_subscription
from .gallery_fixtures import Gallery
from .graphql_fixtures import Network

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
HOSTS = ["gresilles.localhost", "battants.localhost", "localhost"]


def _anonymous_allowed(operation: Any) -> bool:
    """Does the document let an anonymous caller in (no security, or an empty requirement among them)?"""
    security = operation.definition.raw.get("security", operation.schema.raw_schema.get("security"))
    return not security or {} in security


def _refused_roles(operation: Any, cast: Cast, host: str) -> set[str]:
    """The roles `federation.permissions.can` refuses this operation to, at this host: the actions the view's
    permission classes name (`allows(Action…)`), asked for each role's principal. Empty when a permission
    of the view names no action (the view decides alone: its own checks are not judged here)."""
    venue = Venue.objects.filter(domains__domain=host).first()
    urlconf = "hub.urls_venue" if venue is not None else "hub.urls_federation"
    match = resolve(re.sub(r"\{[^}]+\}", "1", operation.path), urlconf=urlconf)
    view = match.func.view_class(**getattr(match.func, "view_initkwargs", {}))  # type: ignore[attr-defined]
    view.request = SimpleNamespace(method=operation.method.upper())
    view.args, view.kwargs = (), match.kwargs
    named = [getattr(permission, "action", None) for permission in view.get_permissions()]
    actions = [action for action in named if action is not None]
    if not actions or len(actions) < len(named):
        return set()
    return {role for role in ROLES if not all(can(cast.principal(role), action, venue) for action in actions)}


def _fuzz_operation(operation: Any, tokens: dict[str, str], errors: Any, refused: set[str]) -> None:
    # Valid input (reaches the views' logic) and invalid input (must be refused with a 4xx, never a 500).
    strategy = operation.as_strategy() | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)

    @settings(PROFILE)
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        statuses: dict[str, int] = {}
        for role in ROLES:
            headers = {"Authorization": "Bearer " + tokens[role]} if role in tokens else {}
            errors.tracebacks.clear()
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:
                if SEED is not None:
                    failure.add_note("replay: HUB_FUZZ_SEED=%d make fuzz" % SEED)
                failure.add_note("role: %s" % role)
                for text in errors.tracebacks:
                    failure.add_note(text)
                raise
            finally:
                connection.set_schema_to_public()
            statuses[role] = response.status_code
        ok = {role for role, status in statuses.items() if 200 <= status < 300}
        assert "anonymous" not in ok or _anonymous_allowed(operation), (
            "anonymous got %d where the document requires auth" % statuses["anonymous"]
        )
        assert "partner" not in ok or "anonymous" in ok, "a partner token got %d where anonymous got %d" % (
            statuses["partner"],
            statuses["anonymous"],
        )
        assert not ok & refused, "federation.permissions refuses %s here, yet: %s" % (
            sorted(ok & refused),
            {role: statuses[role] for role in sorted(ok & refused)},
        )

    if SEED is not None:
        run = seed(SEED)(run)
    run()


@pytest.mark.parametrize("host", HOSTS)
def test_openapi_operations_hold_for_every_role(
    host: str, programme: Programme, gallery: Gallery, network: Network
) -> None:
    tokens = programme.cast.tokens
    seed_subscription(programme.cast)
    app = HostApp(WSGIHandler(), host)
    with in_process() as errors:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)
        connection.set_schema_to_public()
        failures = []
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                pytest.fail("the document holds an operation schemathesis cannot read: %s" % result.err())
            operation = result.ok()
            try:
                _fuzz_operation(operation, tokens, errors, _refused_roles(operation, programme.cast, host))
            except (
                Exception,
                BaseExceptionGroup,
            ) as failure:  # every operation is fuzzed; all failures are reported together
                failures.append("%s %s: %s" % (operation.method.upper(), operation.path, failure))
    assert not failures, "\n\n".join(failures)


def test_the_permission_oracle_names_the_refused_roles(programme: Programme) -> None:
    """The auth check above can fail: on venue A the staff operations are refused to all but A's team and
    the federation admin, the manager's to staff too, and the public reads to nobody."""
    cast = programme.cast
    with in_process():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", HostApp(WSGIHandler(), HOSTS[0]))
    connection.set_schema_to_public()
    refused = {
        (path, method): _refused_roles(schema[path][method], cast, HOSTS[0])
        for path, method in [("/api/v1/artists/", "GET"), ("/api/v1/staff/", "POST"), ("/api/v1/artworks/", "GET")]
    }
    assert refused[("/api/v1/artists/", "GET")] == {"anonymous", "member", "staff_b", "partner"}
    assert refused[("/api/v1/staff/", "POST")] == {"anonymous", "member", "staff_a", "staff_b", "partner"}
    assert refused[("/api/v1/artworks/", "GET")] == set()
