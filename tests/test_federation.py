"""People, organisations, roles, network passes and tokens: rules, bad input over REST, audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from federation import selectors, services
from federation.models import ApiToken, AuditEvent, Membership, Organisation, User, VenueRole
from federation.validators import validate_naf, validate_siret
from hub.errors import Conflict, InvalidInput

from .federation_fixtures import VALID_SIRET, Cast

F, A, B = "localhost", "gresilles.localhost", "battants.localhost"


@pytest.mark.parametrize("siret", [VALID_SIRET, "732 829 320 00074", "35600000049837"])
def test_valid_sirets(siret: str) -> None:
    validate_siret(siret)


@pytest.mark.parametrize("siret", ["73282932000075", "7328293200007", "7328293200007A", "", "35600000000049"])
def test_invalid_sirets(siret: str) -> None:
    with pytest.raises(ValidationError):
        validate_siret(siret)


@pytest.mark.parametrize(("naf", "ok"), [("59.11A", True), ("90.01Z", True), ("5911A", False), ("59.11a", False)])
def test_naf_codes(naf: str, ok: bool) -> None:
    if ok:
        validate_naf(naf)
    else:
        with pytest.raises(ValidationError):
            validate_naf(naf)


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Organisation, Membership, User, AuditEvent, VenueRole))


BAD_APPLICATIONS: list[tuple[dict[str, Any], str]] = [
    ({"siret": "73282932000075"}, "siret"),
    ({"siret": "12"}, "siret"),
    ({"sector": "astrology"}, "sector"),
    ({"home_venue": "atlantis"}, "home_venue"),
    ({"naf_code": "9001"}, "naf_code"),
    ({"legal_form": "gmbh"}, "legal_form"),
    ({"website": "not a url"}, "website"),
    ({"name": ""}, "name"),
    ({"siret": VALID_SIRET}, "siret"),  # already a member's
    ({"directory_consent": "maybe"}, "directory_consent"),
]


@pytest.mark.parametrize(("change", "field"), BAD_APPLICATIONS, ids=[f for _c, f in BAD_APPLICATIONS])
def test_bad_applications_get_422_with_the_field_and_write_nothing(
    cast: Cast, change: dict[str, Any], field: str
) -> None:
    body = {"name": "Studio Neuf", "sector": "design", "home_venue": "battants"} | change
    before = _counts()

    response = cast.client("member", F).post("/api/v1/organisations/", body, format="json")

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert _counts() == before


def test_malformed_json_is_a_400_not_a_500(cast: Cast) -> None:
    response = cast.client("member", F).generic(
        "POST", "/api/v1/organisations/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_an_application_makes_the_applicant_owner_of_an_applicant_organisation(cast: Cast) -> None:
    response = cast.client("staff_b", F).post(
        "/api/v1/organisations/",
        {
            "name": "Studio Neuf",
            "sector": "design",
            "home_venue": "battants",
            "siret": "732 829 320 00074"[:0] + "44306184100047",
            "naf_code": "74.10Z",
            "legal_form": "sas",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["home_venue"], body["siret"]) == ("applicant", "battants", "44306184100047")
    organisation = Organisation.objects.get(slug=body["slug"])
    assert organisation.memberships.get().user == cast.people["staff_b"]
    assert organisation.memberships.get().role == "owner"


def test_duplicate_email_is_refused_case_insensitively(cast: Cast) -> None:
    before = _counts()
    response = cast.client("staff_a", A).patch("/api/v1/me/", {"email": "MEMBER@label.example"}, format="json")
    assert response.status_code == 422
    assert "email" in response.json()["errors"]
    with pytest.raises(InvalidInput):
        services.register_person(email="Member@Label.example")
    assert _counts() == before
    assert User.objects.get(pk=cast.people["staff_a"].pk).email == "staff.a@coursive.example"


def test_profile_update(cast: Cast) -> None:
    response = cast.client("member", B).patch(
        "/api/v1/me/", {"full_name": "Léa F.", "email": "Lea@New.example"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["full_name"], response.json()["email"]) == ("Léa F.", "lea@new.example")
    assert response.json()["memberships"][0]["organisation"] == "label-test"


def test_status_machine_dates_each_step_refuses_the_rest_and_audits(cast: Cast) -> None:
    organisation = cast.organisation
    admin = cast.people["admin"]
    assert organisation.status == "active" and organisation.activated_at is not None

    suspended = services.change_organisation_status(
        organisation=organisation, status="suspended", actor=admin, reason="unpaid fees"
    )
    assert suspended.suspended_at is not None
    services.change_organisation_status(organisation=organisation, status="active", actor=admin)
    left = services.change_organisation_status(organisation=organisation, status="left", actor=admin)
    assert left.left_at is not None

    for status in ("active", "suspended", "applicant", "left"):
        with pytest.raises(Conflict):
            services.change_organisation_status(organisation=organisation, status=status, actor=admin)
    events = AuditEvent.objects.filter(action="organisation.status", target_id=str(organisation.pk))
    assert [(e.detail["from"], e.detail["to"]) for e in events.order_by("id")] == [
        ("applicant", "active"),
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "left"),
    ]
    assert events.filter(actor=admin, detail__reason="unpaid fees").exists()


def test_status_change_over_rest_refuses_a_forbidden_move_with_409(cast: Cast) -> None:
    response = cast.client("admin", F).post(
        "/api/v1/organisations/label-test/status/", {"status": "applicant"}, format="json"
    )
    assert response.status_code == 409
    assert Organisation.objects.get(pk=cast.organisation.pk).status == "active"


def test_network_terms_resolve_from_most_to_least_specific(cast: Cast) -> None:
    organisation, a, b = cast.organisation, cast.venue_a, cast.venue_b
    assert selectors.network_terms(organisation, a).source == "home"
    assert selectors.network_terms(organisation, b).allowed is False

    services.set_network_pass(allowed=True, rate_category="network", monthly_hours=20)
    services.set_network_pass(venue=b, allowed=True, rate_category="network", monthly_hours=10)
    services.set_network_pass(organisation=organisation, allowed=True, rate_category="resident", monthly_hours=40)
    terms = selectors.network_terms(organisation, b)
    assert (terms.allowed, terms.rate_category, terms.monthly_hours, terms.source) == (
        True,
        "resident",
        40,
        "organisation",
    )
    services.set_network_pass(organisation=organisation, venue=b, allowed=False)
    assert selectors.network_terms(organisation, b).source == "organisation+venue"
    assert selectors.network_terms(organisation, b).allowed is False

    suspended = services.change_organisation_status(organisation=organisation, status="suspended", actor=None)
    assert selectors.network_terms(suspended, a).allowed is False  # suspended: not even at home


def test_the_directory_honours_the_consent_flag(cast: Cast) -> None:
    hidden = services.apply_for_membership(
        applicant=cast.people["staff_b"],
        home_venue=cast.venue_b,
        name="Discrète",
        sector="web",
        directory_consent=False,
    )
    services.change_organisation_status(organisation=hidden, status="active", actor=None)

    listed = cast.client("anonymous", F).get("/api/v1/organisations/").json()["results"]
    assert [entry["slug"] for entry in listed] == ["label-test"]
    assert set(listed[0]) == {"slug", "name", "kind", "sector", "description", "website", "city", "home_venue"}
    assert cast.client("member", F).get("/api/v1/organisations/discrete/").status_code == 404
    owner_view = cast.client("staff_b", F).get("/api/v1/organisations/discrete/")
    assert owner_view.status_code == 200 and owner_view.json()["directory_consent"] is False


def test_token_self_service_shows_the_secret_once_and_revokes(cast: Cast) -> None:
    client = cast.client("member", A)
    created = client.post("/api/v1/me/tokens/", {"name": "script", "scopes": ["read"]}, format="json")
    assert created.status_code == 201
    secret = created.json()["token"]
    listed = client.get("/api/v1/me/tokens/").json()
    assert all("token" not in row for row in listed) and secret not in str(listed)

    from rest_framework.test import APIClient

    read_only = APIClient(HTTP_HOST=A, HTTP_AUTHORIZATION="Bearer " + secret)
    assert read_only.get("/api/v1/me/").status_code == 200
    assert read_only.patch("/api/v1/me/", {"full_name": "x"}, format="json").status_code == 403  # no `write` scope

    others = ApiToken.objects.get(user=cast.people["staff_a"])
    assert client.delete(f"/api/v1/me/tokens/{others.pk}/").status_code == 404  # not yours looks like not found
    assert client.delete(f"/api/v1/me/tokens/{created.json()['id']}/").status_code == 204
    assert read_only.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"scopes": ["admin"]},
        {"scopes": []},
        {"expires_at": "2001-01-01T00:00:00Z"},
        {"expires_at": "tomorrow"},
        {"name": "x" * 101},
    ],
)
def test_bad_token_requests_get_422_and_issue_nothing(cast: Cast, body: dict[str, Any]) -> None:
    before = ApiToken.objects.count()
    response = cast.client("member", A).post("/api/v1/me/tokens/", body, format="json")
    assert response.status_code == 422, response.content
    assert ApiToken.objects.count() == before


def test_managers_grant_and_revoke_staff_at_their_venue_only(cast: Cast) -> None:
    manager = cast.client("manager_a", A)
    granted = manager.post("/api/v1/staff/", {"email": "member@label.example", "role": "staff"}, format="json")
    assert granted.status_code == 201
    assert AuditEvent.objects.filter(action="role.granted", venue=cast.venue_a, actor=cast.people["manager_a"]).exists()

    b_role = VenueRole.objects.get(user=cast.people["staff_b"])
    assert manager.delete(f"/api/v1/staff/{b_role.pk}/").status_code == 404  # B's id on A's host
    assert VenueRole.objects.filter(pk=b_role.pk).exists()
    assert manager.delete(f"/api/v1/staff/{granted.json()['id']}/").status_code == 204
    assert AuditEvent.objects.filter(action="role.revoked", venue=cast.venue_a).exists()

    unknown = manager.post("/api/v1/staff/", {"email": "nobody@x.example", "role": "staff"}, format="json")
    assert unknown.status_code == 422 and "email" in unknown.json()["errors"]


def test_venue_staff_see_their_venues_members_and_nobody_elses(cast: Cast) -> None:
    on_a = cast.client("staff_a", A).get("/api/v1/members/").json()["results"]
    on_b = cast.client("staff_b", B).get("/api/v1/members/").json()["results"]
    assert [o["slug"] for o in on_a] == ["label-test"]
    assert on_a[0]["people"] == [
        {"email": "member@label.example", "full_name": cast.people["member"].full_name, "role": "owner"}
    ]
    assert on_b == []


def test_partner_tokens_reach_nothing_personal(cast: Cast) -> None:
    for host, path in [
        (F, "/api/v1/me/"),
        (A, "/api/v1/members/"),
        (A, "/api/v1/staff/"),
        (A, "/api/v1/me/export/"),
        (F, "/api/v1/organisations/label-test/status/"),
    ]:
        assert cast.client("partner", host).get(path).status_code in (403, 405), path


def test_token_audit_rows_hold_no_secret(cast: Cast) -> None:
    events = AuditEvent.objects.filter(action="token.created")
    assert events.count() == len(cast.tokens)
    dump = str(list(AuditEvent.objects.values()))
    assert not any(secret in dump for secret in cast.tokens.values())
    assert not any(token.digest in dump for token in ApiToken.objects.all())
