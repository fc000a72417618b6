"""GraphQL cost control and hygiene: constant SQL per page whatever its size, request limits, auth, the SDL
file, introspection and GraphiQL by environment."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from graphql import print_schema

from api.graphql.limits import MAX_ALIASES, MAX_BATCH
from api.graphql.schema import schema
from api.graphql.views import checked_cached
from hub.db import connection
from shared_catalog.models import CatalogueEntry
from tenants.coworking.models import Booking
from tenants.events.models import Registration
from tenants.models import Venue

from .events_fixtures import make_event, soon
from .federation_fixtures import Cast
from .graphql_fixtures import ME, Network, post

CATALOGUE = """query($first: Int, $after: String) {
  catalogue(first: $first, after: $after) {
    edges { cursor node { id ref kind title priceFrom venue { slug name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def _catalogue(count: int) -> None:
    venues = list(Venue.objects.exclude(schema_name="public").order_by("schema_name"))
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(
            venue=venues[i % 2],
            source_type="resource",
            source_id=str(i),
            kind="resource",
            title="Bureau %d" % i,
            visibility="public",
            price_from=Decimal(i),
        )
        for i in range(count)
    )


def queries_for(cast: Cast, role: str, query: str, variables: dict[str, Any]) -> tuple[int, Any]:
    client = cast.client(role, "localhost")
    post(client, "{ venues { slug } }")  # the token's first use of the minute records it: not the page's cost
    with CaptureQueriesContext(connection) as captured:
        status, body = post(client, query, variables)
    assert status == 200 and "errors" not in body, body
    return len(captured), body["data"]


def test_a_catalogue_page_costs_the_same_sql_at_5_and_50_entries(cast: Cast) -> None:
    _catalogue(120)
    small, five = queries_for(cast, "member", CATALOGUE, {"first": 5})
    large, fifty = queries_for(cast, "member", CATALOGUE, {"first": 50})
    assert len(five["catalogue"]["edges"]) == 5 and len(fifty["catalogue"]["edges"]) == 50
    assert small == large
    anonymous, _ = queries_for(cast, "anonymous", CATALOGUE, {"first": 50})
    assert anonymous <= large


def test_catalogue_pages_follow_their_cursor_without_gaps_or_repeats(cast: Cast) -> None:
    _catalogue(23)
    seen: list[str] = []
    after = None
    while True:
        _, data = queries_for(cast, "anonymous", CATALOGUE, {"first": 10, "after": after})
        seen += [edge["node"]["id"] for edge in data["catalogue"]["edges"]]
        after = data["catalogue"]["pageInfo"]["endCursor"]
        if not data["catalogue"]["pageInfo"]["hasNextPage"]:
            break
    assert len(seen) == len(set(seen)) == 23


def _bookings_and_registrations(network: Network, count: int) -> None:
    """`count` bookings and registrations for the member, half at each venue."""
    member, organisation = network.cast.people["member"], network.cast.organisation
    start = dt.datetime.combine(network.day, dt.time(9), tzinfo=dt.UTC)
    for slug, room in (("battants", network.room), ("gresilles", network.home_room)):
        with schema_context(slug):
            Booking.objects.bulk_create(
                Booking(
                    resource=room,
                    member=member,
                    organisation=organisation,
                    during=DateTimeTZRange(start + dt.timedelta(hours=i), start + dt.timedelta(hours=i + 1)),
                    blocks=DateTimeTZRange(start + dt.timedelta(hours=i), start + dt.timedelta(hours=i + 1)),
                    exclusive=True,
                    rate_category="resident",
                    price_excl_vat=Decimal("8.00"),
                    vat_rate=Decimal("20"),
                    price_incl_vat=Decimal("9.60"),
                )
                for i in range(count // 2)
            )
            staff = network.cast.people["staff_a" if slug == "gresilles" else "staff_b"]
            first = make_event(staff, starts_at=soon(3), ends_at=soon(3, 11))
            events = []
            for i in range(count // 2):
                event = copy.copy(first)
                event.pk = event.id = None
                event.starts_at, event.ends_at = soon(4 + i), soon(4 + i, 11)
                events.append(event)
            for event in type(first).objects.bulk_create(events):
                Registration.objects.create(
                    event=event, person=member, status="confirmed", category="member", price=Decimal("0")
                )
    connection.set_schema_to_public()


def test_me_costs_the_same_sql_at_5_and_50_bookings_and_registrations(network: Network) -> None:
    _bookings_and_registrations(network, 60)
    small, five = queries_for(network.cast, "member", ME, {"first": 5})
    large, fifty = queries_for(network.cast, "member", ME, {"first": 50})
    assert len(five["me"]["bookings"]["edges"]) == 5 and len(fifty["me"]["bookings"]["edges"]) == 50
    assert len(fifty["me"]["registrations"]["edges"]) == 50
    assert small == large


def test_my_bookings_across_venues_page_in_time_order_without_gaps(network: Network) -> None:
    _bookings_and_registrations(network, 14)
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        _, data = queries_for(network.cast, "member", ME, {"first": 4, "after": after})
        page = data["me"]["bookings"]
        seen += [(edge["node"]["start"], edge["node"]["id"]) for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert len(seen) == len({s[1] for s in seen}) == 14
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)
    assert {s[1].split("/")[0] for s in seen} == {"battants", "gresilles"}


def test_over_deep_over_wide_and_aliased_queries_are_refused_before_running(cast: Cast) -> None:
    client = cast.client("member", "localhost")
    aliases = "{ %s }" % " ".join("a%d: venues { slug }" % i for i in range(MAX_ALIASES + 1))
    status, body = post(client, aliases)
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    # depth through fragments: each fragment nests the next one a level deeper
    fragments = " ".join(
        "fragment F%d on CatalogueConnection { edges { node { venue { slug } } } pageInfo { ...F%d } }" % (i, i + 1)
        for i in range(3)
    )
    status, body = post(client, "{ catalogue { ...F0 } } %s" % fragments)
    assert status == 400  # F3 is unknown and pageInfo is not a connection: invalid either way, never a 500
    nested = "{ me { bookings { edges { node { venue { slug } } } } } }"
    assert post(client, nested)[0] == 200
    too_deep = "query { me { bookings { edges { node { venue { ...V } } } } } } fragment V on Venue { slug }"
    assert post(client, too_deep)[0] == 200
    wide = "{ %s }" % " ".join("venues { slug name city timezone address }" for _ in range(60))
    status, body = post(client, wide)  # counted before merging: a padded query is as costly to validate
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "fields" in body["errors"][0]["message"]
    fields = "{ catalogue { edges { node { %s } } } }" % " ".join("t%d: title" % i for i in range(MAX_ALIASES))
    assert post(client, fields)[0] == 200
    cyclic = "{ venues { ...A } } fragment A on Venue { slug ...B } fragment B on Venue { name ...A }"
    status, body = post(client, cyclic)
    assert status == 400 and "cannot spread fragment" in json.dumps(body).lower()


def test_depth_beyond_the_limit_is_refused(cast: Cast) -> None:
    # The schema has no recursive types, so its deepest honest query stays under MAX_DEPTH; lower the limit
    # to see the rule refuse one (through a fragment, which counts where it is spread).
    depth_ok = "{ me { bookings { edges { node { ...V } } } } } fragment V on Booking { venue { slug } }"
    assert post(cast.client("member", "localhost"), depth_ok)[0] == 200
    from api.graphql import limits

    original = limits.MAX_DEPTH
    try:
        limits.MAX_DEPTH = 4
        checked_cached.cache_clear()  # validation results are cached by query text
        status, body = post(cast.client("member", "localhost"), depth_ok)
    finally:
        limits.MAX_DEPTH = original
        checked_cached.cache_clear()
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "deeper" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"first": 51}, "first"), ({"first": 0}, "first"), ({"first": -5}, "first"), ({"after": "bm9wZQ"}, "after")],
)
def test_huge_pages_and_invalid_cursors_are_typed_errors(cast: Cast, variables: dict[str, Any], field: str) -> None:
    for query in (CATALOGUE, ME.replace("$month: String", "$month: String = null")):
        status, body = post(cast.client("member", "localhost"), query, variables)
        assert status == 200, body
        error = body["errors"][0]
        assert error["extensions"]["code"] == "INVALID" and field in error["extensions"]["fields"], body


def test_other_bad_cursors_never_fail_the_server(network: Network) -> None:
    for after in ["", "!!!", "W10", "WyJ4IiwieSIsMV0", "WyIyMDI3LTAxLTAxIiwiYSIsMV0", "x" * 300, "WzEsMiwzXQ"]:
        for query in (CATALOGUE, ME):
            status, body = post(network.cast.client("member", "localhost"), query, {"after": after, "first": 2})
            assert status == 200 and all(e["extensions"]["code"] == "INVALID" for e in body.get("errors", [])), (
                after,
                body,
            )


def test_batches_are_capped_and_answered_per_operation(cast: Cast) -> None:
    client = cast.client("member", "localhost")
    one = {"query": "{ venues { slug } }"}
    response = client.post("/graphql/", data=json.dumps([one] * MAX_BATCH), content_type="application/json")
    assert response.status_code == 200 and [a["status"] for a in response.json()] == [200] * MAX_BATCH
    too_many = client.post("/graphql/", data=json.dumps([one] * (MAX_BATCH + 1)), content_type="application/json")
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["extensions"]["code"] == "BATCH_TOO_LARGE"
    for body in (
        "[]",
        "[1, 2]",
        "[",
        '[{"query": 5}]',
        '{"query": {"a": 1}}',
        '{"query": "{ venues { slug } }", "variables": [1]}',
    ):
        response = client.post("/graphql/", data=body, content_type="application/json")
        assert 400 <= response.status_code < 500, body
    connection.set_schema_to_public()


def test_oversized_queries_are_refused(cast: Cast) -> None:
    client = cast.client("member", "localhost")
    long = "{ venues { slug } }" + " " * 10_001
    status, body = post(client, long)
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    tokens = "{ venues { %s } }" % " ".join(["x"] * 2_100)
    status, body = post(client, tokens)
    assert status == 400 and "token" in body["errors"][0]["message"].lower()


def test_tokens_decide_who_is_asking(cast: Cast) -> None:
    query = "{ me { email } }"
    assert post(cast.client("member", "localhost"), query)[1]["data"]["me"]["email"] == "member@label.example"
    assert post(cast.client("anonymous", "localhost"), query)[1]["data"]["me"] is None
    bad = cast.client("anonymous", "localhost")
    bad.credentials(HTTP_AUTHORIZATION="Bearer hub_nope_nope")
    status, body = post(bad, query)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    status, body = post(cast.client("partner", "localhost"), query)
    assert status == 403 and body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"
    malformed = cast.client("anonymous", "localhost")
    malformed.credentials(HTTP_AUTHORIZATION="Bearer a b")
    assert post(malformed, query)[0] == 401


def test_sessions_count_only_where_enabled_and_with_csrf(cast: Cast, settings: Any) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(cast.people["member"])
    query = json.dumps({"query": "{ me { email } }"})
    answer = client.post("/graphql/", data=query, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["data"]["me"] is None  # sessions off: anonymous
    settings.HUB_GRAPHQL_SESSIONS = True
    refused = client.post("/graphql/", data=query, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "CSRF"
    client.get("/graphql/", HTTP_ACCEPT="application/json")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/graphql/", data=query, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.json()["data"]["me"]["email"] == "member@label.example"
    connection.set_schema_to_public()


def test_introspection_and_graphiql_are_off_in_production_and_on_in_development(cast: Cast, settings: Any) -> None:
    client = cast.client("anonymous", "localhost")
    introspect = "{ __schema { queryType { name } } }"
    status, body = post(client, introspect)
    assert status == 400 and "introspection" in body["errors"][0]["message"].lower()
    assert post(client, "{ __typename }")[0] == 200
    page = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert "graphiql" not in page.content.decode().lower()
    settings.HUB_GRAPHQL_INTROSPECTION = settings.HUB_GRAPHIQL = True
    status, body = post(client, introspect)
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    page = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "graphiql" in page.content.decode().lower()
    connection.set_schema_to_public()


def test_the_production_settings_keep_graphiql_introspection_and_sessions_off() -> None:
    source = Path("hub/settings/prod.py").read_text() + Path("hub/settings/base.py").read_text()
    assert "HUB_GRAPHIQL = False" in source and "HUB_GRAPHQL_INTROSPECTION = False" in source
    assert "HUB_GRAPHQL_SESSIONS = False" in source
    assert "HUB_GRAPHIQL" not in Path("hub/settings/prod.py").read_text()


def test_the_sdl_file_is_the_schema_of_the_code() -> None:
    written = Path("api/graphql/schema.graphql").read_text()
    assert written == print_schema(schema.graphql_schema), (
        "api/graphql/schema.graphql is stale: run `manage.py graphql_schema --out api/graphql/schema.graphql`"
    )


def test_get_cannot_mutate_and_other_methods_are_refused(cast: Cast) -> None:
    client = cast.client("member", "localhost")
    response = client.get("/graphql/", {"query": 'mutation { cancelBooking(booking: "x") { errors { code } } }'})
    assert response.status_code == 405
    assert client.put("/graphql/", data="{}", content_type="application/json").status_code == 405
    assert client.get("/graphql/", {"query": "{ venues { slug } }"}).status_code == 200
    connection.set_schema_to_public()


def test_a_query_text_is_parsed_and_validated_once(cast: Cast) -> None:
    checked_cached.cache_clear()
    client = cast.client("member", "localhost")
    for _ in range(3):
        assert post(client, "{ venues { slug } }")[0] == 200
    assert (checked_cached.cache_info().misses, checked_cached.cache_info().hits) == (1, 2)
