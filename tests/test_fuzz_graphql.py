"""Schemathesis against the GraphQL schemas from their SDL files: the federation's at `/graphql/` and the
partners' at `/graphql/partners/`, every query and mutation field called with every role's token.

Checks, for each generated operation and role: no 5xx, a body that is a GraphQL response, no error that is
an unexpected exception (`INTERNAL_ERROR`: the endpoint's way of never answering 500, so it is the same bar)
or that leaks one in its message, and the endpoints' auth: partner tokens get nothing from `/graphql/`, and
only partner tokens get anything from `/graphql/partners/`. IDs and date-times are drawn half the time from
the seeded world, and the booking and registration mutations are also fuzzed on seeded objects directly, so
that the writes reach their services.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.graphql import nodes
from schemathesis.specs.graphql.scalars import CUSTOM_SCALARS, get_extra_scalar_strategies

from hub.db import connection

from .events_fixtures import Programme
from .federation_fixtures import ROLES
from .fuzzing import PROFILE, SEED, HostApp, in_process, seed_subscription
from .gallery_fixtures import Gallery
from .graphql_fixtures import CREATE_BOOKING, Network, local, post

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


@contextmanager
def real_references(network: Network, programme: Programme) -> Iterator[None]:
    """IDs and date-times drawn half the time from the seeded world, so the generated mutations reach real
    resources, events and bookings (a made-up id only reaches "not found"): the network room at 52 Battants and
    the member's home room at Grésilles on the day they are open, the events of Grésilles, and ids of every
    kind at both venues (1 to 3: the bookings and registrations the fuzzer makes itself)."""
    extra = get_extra_scalar_strategies()
    refs = [network.room_ref, network.home_room_ref]
    refs += ["gresilles/event/%d" % event.pk for event in (programme.cafe, programme.workshop, programme.opening)]
    kinds = ("resource", "event", "booking", "registration", "programme")
    refs += [
        "%s/%s/%d" % (venue, kind, pk) for venue in ("gresilles", "battants") for kind in kinds for pk in (1, 2, 3)
    ]
    slots = [local(network.day, hour, minute) for hour in (7, 9, 10, 12, 19) for minute in (0, 30)]
    saved = dict(CUSTOM_SCALARS)
    CUSTOM_SCALARS["ID"] = st.one_of(st.sampled_from(refs), st.text(max_size=30)).map(nodes.String)
    CUSTOM_SCALARS["DateTime"] = st.one_of(st.sampled_from(slots).map(nodes.String), extra["DateTime"])
    try:
        yield
    finally:
        CUSTOM_SCALARS.clear()
        CUSTOM_SCALARS.update(saved)


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
    with in_process() as errors, real_references(network, programme):
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                pytest.fail("the document holds an operation schemathesis cannot read: %s" % result.err())
            operation = result.ok()
            try:
                _fuzz_field(operation, tokens, errors, reaches)
            except (Exception, BaseExceptionGroup) as failure:  # every field is fuzzed; all failures together
                failures.append("%s: %s\n%s" % (operation.label, failure, "\n".join(getattr(failure, "__notes__", []))))
    assert not failures, "\n\n".join(failures)


ERRORS = "errors { code field message }"
CANCEL_BOOKING = "mutation($b: ID!) { cancelBooking(booking: $b) { booking { id status } %s } }" % ERRORS
REGISTER = "mutation($e: ID!) { registerForEvent(event: $e) { registration { id status price } %s } }" % ERRORS
CANCEL_REGISTRATION = (
    "mutation($r: ID!) { cancelRegistration(registration: $r) { registration { id status } %s } }" % ERRORS
)


def _judge(role: str, status: int, body: Any) -> Any:
    """The same bar as above for one answer; returns its data."""
    assert status < 500, body
    items = body if isinstance(body, list) else [body]
    for error in (error for item in items for error in item.get("errors") or []):
        assert (error.get("extensions") or {}).get("code") != "INTERNAL_ERROR", error
        assert not LEAK.search(str(error.get("message", ""))), error
    if role == "partner":
        assert not 200 <= status < 300, body
    return body.get("data") if isinstance(body, dict) else None


def test_graphql_mutations_on_seeded_objects(programme: Programme, network: Network) -> None:
    """Bookings and registrations with real references (a network room, a home room, the venue's events) and
    fuzzed times, lengths, seats and idempotency keys, each by any role, then cancelled by the same role or
    another: the mutations that write reach their services, where made-up ids stop at "not found"."""
    cast = programme.cast
    rooms = [network.room_ref, network.home_room_ref]
    events = ["gresilles/event/%d" % event.pk for event in (programme.cafe, programme.workshop, programme.opening)]
    people = [role for role in ROLES if role != "partner"]

    @settings(PROFILE, max_examples=PROFILE.max_examples * 10)
    @given(
        # Each first option is what the rules accept (the member, office hours, whole hours), so that a good
        # share of the cases books; the others are what they must refuse cleanly.
        role=st.one_of(st.just("member"), st.sampled_from(ROLES)),
        other=st.sampled_from(people),
        room=st.sampled_from(rooms),
        start=st.one_of(
            st.tuples(st.sampled_from([9, 11, 14]), st.just(0)),
            st.tuples(st.integers(5, 21), st.sampled_from([0, 15, 30, 59])),
        ),
        minutes=st.one_of(st.sampled_from([60, 120]), st.integers(-60, 600), st.integers(-(10**6), 10**7)),
        seats=st.one_of(st.just(1), st.integers(-3, 20), st.integers(-(2**40), 2**40)),
        key=st.one_of(st.none(), st.text(max_size=120)),
        event=st.sampled_from(events),
    )
    def run(
        role: str, other: str, room: str, start: tuple[int, int], minutes: int, seats: int, key: str | None, event: str
    ) -> None:
        client = cast.client(role, "localhost")
        begins = dt.datetime.fromisoformat(local(network.day, *start))
        booking = {
            "resource": room,
            "start": begins.isoformat(),
            "end": (begins + dt.timedelta(minutes=minutes)).isoformat(),
            "seats": seats,
            "idempotencyKey": key,
        }
        data = _judge(role, *post(client, CREATE_BOOKING, {"input": booking}))
        made = ((data or {}).get("createBooking") or {}).get("booking")
        if made:
            reached.add("booking")
            for who in (other, role):
                _judge(who, *post(cast.client(who, "localhost"), CANCEL_BOOKING, {"b": made["id"]}))
        data = _judge(role, *post(client, REGISTER, {"e": event}))
        registration = ((data or {}).get("registerForEvent") or {}).get("registration")
        if registration:
            reached.add("registration")
            for who in (other, role):
                _judge(who, *post(cast.client(who, "localhost"), CANCEL_REGISTRATION, {"r": registration["id"]}))

    reached: set[str] = set()
    if SEED is not None:
        run = seed(SEED)(run)
    run()
    assert reached == {"booking", "registration"}, "the fuzzed mutations never reached a service: %s" % reached
