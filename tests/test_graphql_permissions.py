"""Who may call each GraphQL field and mutation: one row per root field × every role of the cast. A field
added to the schema without a row fails `test_every_root_field_has_a_row`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from api.graphql.schema import schema
from shared_catalog.models import CatalogueEntry

from .federation_fixtures import ROLES, Cast
from .graphql_fixtures import post

OK, NULL, UNAUTH, DENIED = "ok", "null", "UNAUTHENTICATED", "denied"
NOT_ALLOWED, NOT_FOUND, INVALID = "NOT_ALLOWED", "NOT_FOUND", "INVALID"
PERSONS = ["member", "staff_a", "manager_a", "staff_b", "admin"]


def everyone(outcome: str, **exceptions: str) -> dict[str, str]:
    """`outcome` for every role but the partner (whose token reaches the partners' API only)."""
    return {role: outcome for role in ROLES} | {"partner": DENIED} | exceptions


def persons(outcome: str, **exceptions: str) -> dict[str, str]:
    return everyone(outcome, anonymous=UNAUTH, **exceptions)


# field: (operation, expected outcome per role). `{resource}` is the cast's room at Grésilles, `{org}` the
# member's organisation, `{day}` a day next week.
MATRIX: dict[str, tuple[str, dict[str, str]]] = {
    "venues": ("{ venues { slug } }", everyone(OK)),
    "catalogue": ("{ catalogue(first: 5) { edges { node { id } } } }", everyone(OK)),
    "catalogueEntry": (  # a network-only entry: for people of member organisations (and admins)
        '{ catalogueEntry(id: "{entry}") { id } }',
        everyone(NULL, member=OK, admin=OK),
    ),
    "availability": ('{ availability(resource: "{resource}", from: "{day}") { name } }', persons(OK)),
    "organisations": ("{ organisations { edges { node { slug } } } }", everyone(OK)),
    "me": ("{ me { email } }", everyone(OK, anonymous=NULL)),
    "settlements": (
        '{ settlements(month: "2027-01") { balance } }',
        persons(NOT_ALLOWED, manager_a=OK, admin=OK),
    ),
    "createBooking": (
        'mutation { createBooking(input: {resource: "{resource}", start: "{day}T10:00:00", end: "{day}T11:00:00"})'
        " { booking { id } errors { code } } }",
        persons(NOT_ALLOWED, member=INVALID),  # the member reaches the rules (the room has no opening hours)
    ),
    "cancelBooking": (
        'mutation { cancelBooking(booking: "gresilles/booking/1") { errors { code } } }',
        persons(NOT_FOUND),
    ),
    "registerForEvent": (
        'mutation { registerForEvent(event: "gresilles/event/1") { errors { code } } }',
        persons(NOT_FOUND),
    ),
    "registerForProgramme": (
        'mutation { registerForProgramme(programme: "gresilles/programme/1") { errors { code } } }',
        persons(NOT_FOUND),
    ),
    "cancelRegistration": (
        'mutation { cancelRegistration(registration: "gresilles/registration/1") { errors { code } } }',
        persons(NOT_FOUND),
    ),
    "requestService": (
        'mutation { requestService(offer: "1", message: "Bonjour") { errors { code } } }',
        persons(NOT_FOUND),
    ),
    "createServiceOffer": (
        'mutation { createServiceOffer(organisation: "{org}", input: {title: "Son", sector: MUSIC, '
        'venues: ["gresilles"]}) { offer { id } errors { code } } }',
        persons(NOT_FOUND, member=OK),  # its owners (federation admins act in the admin, not here)
    ),
    "updateServiceOffer": (
        'mutation { updateServiceOffer(id: "1", input: {title: "Son"}) { errors { code } } }',
        persons(NOT_FOUND),
    ),
}


def test_every_root_field_has_a_row() -> None:
    fields = set(schema.graphql_schema.query_type.fields) | set(schema.graphql_schema.mutation_type.fields)
    assert fields == set(MATRIX), "add a row for: %s" % sorted(fields ^ set(MATRIX))
    assert all(set(row) == set(ROLES) for _, row in MATRIX.values())


def _network_entry(cast: Cast) -> CatalogueEntry:
    return CatalogueEntry.objects.create(
        venue=cast.venue_b, source_type="resource", source_id="1", kind="resource", title="Studio", visibility="network"
    )


def _outcome(answer: tuple[int, Any], field: str) -> str:
    status, body = answer
    if status == 403:
        return DENIED
    assert status == 200, body
    for error in body.get("errors", []):
        return error["extensions"]["code"]
    value = body["data"][field]
    if value is None:
        return NULL
    if isinstance(value, dict) and value.get("errors"):
        return value["errors"][0]["code"]
    return OK


@pytest.mark.parametrize("field", sorted(MATRIX))
def test_permission_matrix(cast: Cast, field: str) -> None:
    operation, expected = MATRIX[field]
    day = (timezone.now() + dt.timedelta(days=7)).date().isoformat()
    query = (
        operation.replace("{resource}", "gresilles/resource/%d" % cast.ids()["a_resource"])
        .replace("{org}", cast.organisation.slug)
        .replace("{day}", day)
        .replace("{entry}", str(_network_entry(cast).pk))
    )
    found = {role: _outcome(post(cast.client(role, "localhost"), query), field) for role in ROLES}
    assert found == expected


# The partners' schema (/graphql/partners/): partner tokens only. Its partner sees venue A (Grésilles);
# naming venue B is refused, and no field of any answer shows B.
PARTNER_MATRIX: dict[str, str] = {
    "me": "{ me { name venues { slug } } }",
    "metrics": "{ metrics { metric } }",
    "surveyMetrics": "{ surveyMetrics { metric } }",
    "stats": '{ stats(metric: BOOKINGS, from: "2025-03-01", to: "2025-03-31", venues: %s) { metric } }',
    "surveyStats": "{ surveyStats(year: 2025, metric: RESPONDENTS, venues: %s) { metric } }",
}


def test_every_partner_root_field_has_a_row() -> None:
    from api.graphql.partners.schema import schema as partner_schema

    assert set(partner_schema.graphql_schema.query_type.fields) == set(PARTNER_MATRIX)


def _partners(cast: Cast, role: str, query: str) -> tuple[int, dict[str, Any]]:
    response = cast.client(role, "localhost").post("/graphql/partners/", {"query": query}, format="json")
    return response.status_code, response.json()


@pytest.mark.parametrize("field", sorted(PARTNER_MATRIX))
def test_partner_matrix(cast: Cast, field: str) -> None:
    from reporting.models import SurveyCampaign

    SurveyCampaign.objects.create(year=2025, opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 12, 31))
    query = PARTNER_MATRIX[field]
    own, other = (query % '["gresilles"]', query % '["battants"]') if "%s" in query else (query, None)
    expected = {"anonymous": 401, "partner": 200} | {role: 403 for role in PERSONS}
    for role in ROLES:
        status, body = _partners(cast, role, own)
        assert status == expected[role], (role, body)
        if role == "partner":
            assert "errors" not in body and body["data"][field] is not None, body
            assert "battants" not in json.dumps(body), body
    if other is not None:
        status, body = _partners(cast, "partner", other)
        assert status == 200 and body["errors"][0]["extensions"]["code"] == "INVALID", body
        assert body["data"] is None or body["data"][field] is None, body
