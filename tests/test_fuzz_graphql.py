"""Schemathesis against the GraphQL schemas from their SDL files: the federation's at `/graphql/` and the
partners' at `/graphql/partners/`, every query and mutation field called with every role's token.

Checks, for each generated operation and role: no 5xx, a body that is a GraphQL response, no error that is
an unexpected exception (`INTERNAL_ERROR`: the endpoint's way of never answering 500, so it is the same bar)
or that leaks one in its message, and the endpoints' auth: partner tokens get nothing from `/graphql/`, and
only partner tokens get anything from `/graphql/partners/`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import given, seed, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from hub.db import connection

from .events_fixtures import Programme
from .federation_fixtures import ROLES
from .fuzzing import PROFILE, SEED, HostApp, in_process, seed_subscription
from .gallery_fixtures import Gallery
from .graphql_fixtures import Network

SDL = Path(__file__).resolve().parent.parent / "api" / "graphql"
# What an exception's text looks like when it slips into a message: a class name, a traceback, SQL.
LEAK = re.compile(
    r"Traceback|Error\b|Exception\b|object has no attribute|NoneType|psycopg|SELECT |INSERT |UPDATE |"
    r"DETAIL:|constraint \"|relation \"|File \"",
)


def _graphql_errors(response: Any) -> list[dict[str, Any]]:
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError("not JSON: %r" % response.content[:300]) from None
    if isinstance(body, dict):
        body = [body]
    return [error for item in body if isinstance(item, dict) for error in item.get("errors") or []]


def _fuzz_field(operation: Any, tokens: dict[str, str], errors: Any, reaches: set[str]) -> None:
    strategy = operation.as_strategy() | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)

    @settings(PROFILE)
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        for role in ROLES:
            headers = {"Authorization": "Bearer " + tokens[role]} if role in tokens else {}
            errors.tracebacks.clear()
            try:
                response = case.call(headers=headers)
                # Not schemathesis's `not_a_server_error` here: beyond the status it calls every error of a
                # well-formed query a server error, while a field that refuses answers null with an error
                # whose `extensions.code` says why (UNAUTHENTICATED, INVALID with its fields, …), as
                # documented. The status, the JSON and the data's conformance to the schema are checked; an
                # unexpected exception is recognised by its INTERNAL_ERROR code, below.
                assert response.status_code < 500, "%d: %r" % (response.status_code, response.content[:500])
                if response.status_code == 200:
                    operation.schema.validate_response(operation, response, case=case)
                for error in _graphql_errors(response):
                    code = (error.get("extensions") or {}).get("code")
                    assert code != "INTERNAL_ERROR", "an exception inside the resolver: %s" % error
                    assert not LEAK.search(str(error.get("message", ""))), "a message leaks internals: %s" % error
                if role not in reaches:
                    assert not 200 <= response.status_code < 300, "%s got %d here" % (role, response.status_code)
            except (Exception, BaseExceptionGroup) as failure:
                if SEED is not None:
                    failure.add_note("replay: HUB_FUZZ_SEED=%d make fuzz" % SEED)
                failure.add_note("role: %s\nquery: %s" % (role, str(case.body)))
                for text in errors.tracebacks:
                    failure.add_note(text)
                raise
            finally:
                connection.set_schema_to_public()

    if SEED is not None:
        run = seed(SEED)(run)
    run()


@pytest.mark.parametrize(
    ("sdl", "endpoint", "reaches"),
    [
        ("schema.graphql", "/graphql/", set(ROLES) - {"partner"}),
        ("partners.graphql", "/graphql/partners/", {"partner"}),
    ],
)
def test_graphql_fields_hold_for_every_role(
    sdl: str, endpoint: str, reaches: set[str], programme: Programme, gallery: Gallery, network: Network
) -> None:
    tokens = programme.cast.tokens
    seed_subscription(programme.cast)
    schema = schemathesis.graphql.from_path(SDL / sdl)
    schema.location = "http://localhost" + endpoint
    schema.app = HostApp(WSGIHandler(), "localhost")
    failures = []
    with in_process() as errors:
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                pytest.fail("the document holds an operation schemathesis cannot read: %s" % result.err())
            operation = result.ok()
            try:
                _fuzz_field(operation, tokens, errors, reaches)
            except (Exception, BaseExceptionGroup) as failure:  # every field is fuzzed; all failures together
                failures.append("%s: %s\n%s" % (operation.label, failure, "\n".join(getattr(failure, "__notes__", []))))
    assert not failures, "\n\n".join(failures)
