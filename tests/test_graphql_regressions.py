"""Regressions found by review of the GraphQL API: each was a 500, an internal error, a staff power used
through the members' API, or a malformed value accepted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from django_tenants.utils import schema_context

from api.graphql.core import encode
from hub.db import connection
from marketplace.models import ServiceOffer
from tenants.coworking.models import Booking, Resource
from tenants.events.models import Registration, Visibility

from .events_fixtures import make_event
from .federation_fixtures import Cast
from .graphql_fixtures import CREATE_BOOKING, ME, Network, gql, local, post

REGISTER = "mutation($e: ID!) { registerForEvent(event: $e) { registration { id } errors { code } } }"


def test_a_batch_of_operations_graphene_refuses_is_answered_not_a_500(cast: Cast) -> None:
    client = cast.client("member", "localhost")
    bodies: list[list[dict[str, Any]]] = [
        [{}],
        [{"variables": {}}],
        [{"query": 0}],
        [{"query": "{ __typename }", "variables": "notjson"}],
    ]
    for body in bodies:
        response = client.post("/graphql/", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 400, (body, response.status_code)
        assert response.json()[0]["status"] == 400 and response.json()[0]["errors"]
    connection.set_schema_to_public()


UNSTORABLE = ["a\u0000b", "\udc00", "x\ud800y"]


def test_nul_characters_and_lone_surrogates_are_invalid_input_not_internal_errors(network: Network) -> None:
    client = network.cast.client("member", "localhost")
    for text in UNSTORABLE:
        values = {"resource": network.room_ref, "start": local(network.day, 10), "end": local(network.day, 11)}
        for field in ("idempotencyKey", "resource"):
            status, body = post(client, CREATE_BOOKING, {"input": values | {field: text}})
            assert body["errors"][0]["extensions"]["code"] == "INVALID", (text, body)
        status, body = post(client, "{ catalogue(venue: %s) { edges { cursor } } }" % json.dumps(text))
        assert status == 400 and body["errors"], body  # INVALID, or a syntax error for a lone surrogate escape
        offer = {"title": "t" + text, "sector": "MUSIC", "venues": [text]}
        query = (
            'mutation($i: ServiceOfferInput!) { createServiceOffer(organisation: "x", input: $i) { errors { code } } }'
        )
        status, body = post(client, query, {"i": offer})
        assert body["errors"][0]["extensions"]["code"] == "INVALID", body
        cursor = encode([text, 1])
        status, body = post(
            client, "query($a: String) { organisations(after: $a) { edges { cursor } } }", {"a": cursor}
        )
        assert body["errors"][0]["extensions"]["code"] == "INVALID", body
    with schema_context("battants"):
        assert not Booking.objects.exists()
    assert not ServiceOffer.objects.exists()


def test_cursors_with_offsets_postgresql_refuses_are_read_in_utc_or_refused(network: Network) -> None:
    for start in ("9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+00:00"):  # out of the calendar we keep
        status, body = post(network.cast.client("member", "localhost"), ME, {"after": encode([start, "a", 1])})
        assert status == 200 and body["errors"][0]["extensions"]["code"] == "INVALID", (start, body)
    late = encode(["2024-01-01T00:00:00+20:00", "a", 1])  # an offset PostgreSQL refuses: the same instant in UTC
    status, body = post(network.cast.client("member", "localhost"), ME, {"after": late})
    assert status == 200 and "errors" not in body, body


def test_staff_register_and_cancel_through_graphql_as_members_only(cast: Cast) -> None:
    with schema_context("gresilles"):
        staff = cast.people["staff_a"]
        residents = make_event(staff, visibility=Visibility.VENUE)
        draft = make_event(staff, title="Brouillon", visibility=Visibility.PUBLIC, is_published=False)
        public = make_event(staff, title="Ouvert", visibility=Visibility.PUBLIC)
    connection.set_schema_to_public()
    for role in ("staff_a", "manager_a", "admin"):
        for event in (residents, draft):
            answer = gql(cast, role, REGISTER, {"e": "gresilles/event/%d" % event.pk})["registerForEvent"]
            assert answer["errors"] == [{"code": "NOT_FOUND"}], (role, event.title)
    made = gql(cast, "staff_a", REGISTER, {"e": "gresilles/event/%d" % public.pk})["registerForEvent"]
    assert made["errors"] == []
    with schema_context("gresilles"):
        type(public).objects.filter(pk=public.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=30))
    connection.set_schema_to_public()
    late = "mutation($r: ID!) { cancelRegistration(registration: $r) { errors { code } } }"
    answer = gql(cast, "staff_a", late, {"r": made["registration"]["id"]})["cancelRegistration"]
    assert answer["errors"][0]["code"] == "CONFLICT"  # started: members ask the venue's team
    with schema_context("gresilles"):
        assert Registration.objects.get().status == "confirmed"


def test_odd_references_and_months_are_refused(network: Network) -> None:
    values = {"start": local(network.day, 10), "end": local(network.day, 11)}
    for ref in ("battants/resource/0%d" % network.room.pk, "battants/resource/+%d" % network.room.pk):
        answer = gql(network.cast, "member", CREATE_BOOKING, {"input": values | {"resource": ref}})["createBooking"]
        assert answer["errors"][0]["code"] == "NOT_FOUND", ref
    request = 'mutation($o: ID!) { requestService(offer: $o, message: "?") { errors { code field } } }'
    for offer in ("x/y/5", "gresilles/resource/5", "05", "battants/service/"):
        answer = gql(network.cast, "member", request, {"o": offer})["requestService"]
        assert answer["errors"][0]["code"] == "NOT_FOUND", offer
    for month in ("２０２７-01", "2027-01\n", "2027-1", "3000-01", "2027-00"):
        _status, body = post(
            network.cast.client("admin", "localhost"),
            "query($m: String!) { settlements(month: $m) { balance } }",
            {"m": month},
        )
        assert body["errors"][0]["extensions"]["code"] == "INVALID", month


def test_residents_only_resources_have_no_availability_for_network_members(network: Network) -> None:
    with schema_context("battants"):
        Resource.objects.filter(pk=network.room.pk).update(network_bookable=False)
    with schema_context("gresilles"):
        Resource.objects.filter(pk=network.home_room.pk).update(network_bookable=False)
    connection.set_schema_to_public()
    query = "query($r: ID!, $d: Date!) { availability(resource: $r, from: $d) { name } }"
    day = network.day.isoformat()
    _, body = post(network.cast.client("member", "localhost"), query, {"r": network.room_ref, "d": day})
    assert body["data"]["availability"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    home: dict[str, Any] = gql(network.cast, "member", query, {"r": network.home_room_ref, "d": day})
    assert home["availability"]["name"] == "Salle Tilleul 3"  # its own venue's resource: residents see it


HUGE = "1" * 5000  # int() refuses strings of more than 4 300 digits


def test_ids_of_thousands_of_digits_are_not_found(network: Network) -> None:
    values = {"resource": "battants/resource/" + HUGE, "start": local(network.day, 10), "end": local(network.day, 11)}
    answer = gql(network.cast, "member", CREATE_BOOKING, {"input": values})["createBooking"]
    assert answer["errors"][0]["code"] == "NOT_FOUND"
    for mutation, argument in (
        ("cancelBooking(booking: $x)", "battants/booking/" + HUGE),
        ("registerForEvent(event: $x)", "battants/event/" + HUGE),
        ("cancelRegistration(registration: $x)", "battants/registration/" + HUGE),
        ('requestService(offer: $x, message: "?")', HUGE),
        ("updateServiceOffer(id: $x, input: {})", "gresilles/service/" + HUGE),
    ):
        query = "mutation($x: ID!) { r: %s { errors { code } } }" % mutation
        assert gql(network.cast, "member", query, {"x": argument})["r"]["errors"][0]["code"] == "NOT_FOUND", mutation
    _, body = post(network.cast.client("anonymous", "localhost"), "{ catalogueEntry(id: %s) { id } }" % HUGE)
    assert body["errors"][0]["extensions"]["code"] in ("INVALID", "NOT_FOUND"), body


def test_literals_python_cannot_convert_are_validation_errors(cast: Cast) -> None:
    client = cast.client("member", "localhost")
    for query in (
        "{ organisations(first: %s) { edges { cursor } } }" % HUGE,
        "{ organisations(first: -%s) { edges { cursor } } }" % HUGE,
        '{ catalogue(from: "9999-12-31T24:00:00") { edges { cursor } } }',
        'query($x: DateTime = "9999-12-31T24:00:00") { catalogue(from: $x) { edges { cursor } } }',
    ):
        status, body = post(client, query)
        assert status == 400 and body["errors"][0]["extensions"]["code"] == "INVALID", (query[:60], body)


def test_deeply_nested_json_and_bad_encodings_are_400s(cast: Cast) -> None:
    client = cast.client("member", "localhost")
    deep_cursor = "W1tb" * 1000  # base64 of 3 000 "["
    for query in (
        "query($a: String) { organisations(after: $a) { edges { cursor } } }",
        "query($a: String) { catalogue(after: $a) { edges { cursor } } }",
        "query($a: String) { me { bookings(after: $a) { edges { cursor } } } }",
    ):
        status, body = post(client, query, {"a": deep_cursor})
        assert status == 200 and body["errors"][0]["extensions"]["code"] == "INVALID", body
    deep = "[" * 100_000 + "]" * 100_000
    for raw in ('{"query": "{ venues { slug } }", "variables": {"a": %s}}' % deep, deep):
        response = client.post("/graphql/", data=raw, content_type="application/json")
        assert response.status_code == 400
    for undecodable in (b"\xff\xfe{ venues { slug } }", b"\xed\xa0\x80"):
        response = client.post("/graphql/", data=undecodable, content_type="application/graphql")
        assert response.status_code == 400
    connection.set_schema_to_public()


def test_tiny_prices_are_rounded_not_overflowed(cast: Cast) -> None:
    query = "query($p: Decimal) { catalogue(maxPrice: $p) { edges { cursor } } }"
    for price in ("1e-20000", "0e-1000000", "0.001"):
        assert gql(cast, "anonymous", query, {"p": price})["catalogue"]["edges"] == []


def test_one_mutation_per_operation(network: Network) -> None:
    values = {"resource": network.room_ref, "start": local(network.day, 10), "end": local(network.day, 11)}
    two = """mutation($i: CreateBookingInput!) {
      a: createBooking(input: $i) { errors { code } }
      b: cancelBooking(booking: "nope") { errors { code } }
    }"""
    status, body = post(network.cast.client("member", "localhost"), two, {"i": values})
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "ONE_MUTATION"
    through_fragment = """mutation($i: CreateBookingInput!) { ...Both }
      fragment Both on Mutation {
        createBooking(input: $i) { errors { code } }
        cancelBooking(booking: "x") { __typename }
      }"""
    assert post(network.cast.client("member", "localhost"), through_fragment, {"i": values})[0] == 400
    with schema_context("battants"):
        assert not Booking.objects.exists()
    one = "mutation($i: CreateBookingInput!) { createBooking(input: $i) { errors { code } } __typename }"
    assert gql(network.cast, "member", one, {"i": values})["createBooking"]["errors"] == []
