"""Regression tests for what the code reviews found: each failed before its fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from federation import gdpr, services
from federation.admin import UserAdmin
from federation.models import ApiToken, AuditEvent, Organisation, User, VenueRole
from federation.tokens import create_api_token
from hub.admin import FederationAdminSite
from tenants.models import Venue

from .factories import TEST_PASSWORD, UserFactory
from .federation_fixtures import Cast
from .live import at_once

A, B, F = "gresilles.localhost", "battants.localhost", "localhost"


@pytest.mark.parametrize(
    ("role", "host", "admitted"),
    [
        ("staff_a", A, True),
        ("manager_a", A, True),
        ("staff_a", B, False),
        ("member", A, False),
        ("admin", A, True),
        ("admin", F, True),
        ("staff_a", F, False),
    ],
)
def test_the_real_login_form_admits_the_venue_team(cast: Cast, role: str, host: str, admitted: bool) -> None:
    client = Client(HTTP_HOST=host)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": cast.people[role].email, "password": TEST_PASSWORD}
    )
    if admitted:
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
    else:
        assert response.status_code == 200 and b"errornote" in response.content


def test_federation_staff_without_superuser_rights_stay_out_of_the_federation_admin(db: None) -> None:
    staff = UserFactory.create(email="clerk@coursive.example", is_staff=True)
    client = Client(HTTP_HOST=F)
    client.force_login(staff)
    assert client.get("/admin/federation/venuerole/add/").status_code == 302


@pytest.mark.parametrize("query", ["limit=100000000000000000000000", "offset=100000000000000000000000"])
def test_absurd_pagination_is_capped_not_a_500(cast: Cast, query: str) -> None:
    listing = cast.client("anonymous", F).get("/api/v1/organisations/?" + query)
    members = cast.client("staff_a", A).get("/api/v1/members/?" + query)
    assert listing.status_code == members.status_code == 200


@pytest.mark.parametrize("query", ["limit=-5&offset=-9", "limit=abc&offset=xyz"])
def test_pagination_that_is_not_a_number_is_refused_not_a_500(cast: Cast, query: str) -> None:
    """Changed by the fuzzing work (test_fuzz_regressions.py): such pages were served as if not asked, now 422."""
    listing = cast.client("anonymous", F).get("/api/v1/organisations/?" + query)
    members = cast.client("staff_a", A).get("/api/v1/members/?" + query)
    assert listing.status_code == members.status_code == 422
    assert set(listing.json()["errors"]) == {"limit", "offset"}


def test_a_token_cannot_mint_a_stronger_token(cast: Cast) -> None:
    member = cast.people["member"]
    short = create_api_token(user=member, expires_at=timezone.now() + timedelta(minutes=5))
    read_only = create_api_token(user=member, scopes=["read", "write"][:1])
    short_client = APIClient(HTTP_HOST=A, HTTP_AUTHORIZATION="Bearer " + short.secret)

    later = (timezone.now() + timedelta(days=365)).isoformat()
    assert short_client.post("/api/v1/me/tokens/", {"expires_at": later}, format="json").status_code == 422
    inherited = short_client.post("/api/v1/me/tokens/", {"name": "child"}, format="json")
    assert inherited.status_code == 201
    assert ApiToken.objects.get(pk=inherited.json()["id"]).expires_at == short.token.expires_at

    upgrade = APIClient(HTTP_HOST=A, HTTP_AUTHORIZATION="Bearer " + read_only.secret)
    assert upgrade.post("/api/v1/me/tokens/", {"scopes": ["read", "write"]}, format="json").status_code == 403


def test_an_email_change_is_audited(cast: Cast) -> None:
    cast.client("member", A).patch("/api/v1/me/", {"email": "new@label.example"}, format="json")
    event = AuditEvent.objects.get(action="person.email_changed")
    assert event.actor == cast.people["member"] and "new@label.example" not in str(event.detail)


@pytest.mark.parametrize("body", [{"full_name": "x", "is_superuser": True}, {"nmae": "typo"}])
def test_unknown_fields_are_refused_not_ignored(cast: Cast, body: dict[str, Any]) -> None:
    response = cast.client("member", A).patch("/api/v1/me/", body, format="json")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(body) - {"full_name"}
    assert not User.objects.get(pk=cast.people["member"].pk).is_superuser


def test_access_flag_changes_in_the_admin_are_audited(cast: Cast) -> None:
    request = RequestFactory().post("/admin/", HTTP_HOST=F)
    request.user = cast.people["admin"]
    person = User.objects.get(pk=cast.people["member"].pk)
    person.is_superuser = True
    UserAdmin(User, FederationAdminSite()).save_model(request, person, form=None, change=True)
    event = AuditEvent.objects.get(action="person.access_changed")
    assert event.detail == {"is_superuser": [False, True]} and event.actor == cast.people["admin"]


def test_non_ascii_digits_are_not_a_siret(cast: Cast) -> None:
    arabic = "٧٣٢٨٢٩٣٢٠٠٠٠٧٤"  # 73282932000074 in Arabic-Indic digits: a member's SIRET in disguise
    response = cast.client("staff_b", F).post(
        "/api/v1/organisations/",
        {"name": "Déguisée", "sector": "web", "home_venue": "battants", "siret": arabic},
        format="json",
    )
    assert response.status_code == 422 and "siret" in response.json()["errors"]


def test_erasure_reaches_the_admin_history_and_case_variant_failed_logins(cast: Cast) -> None:
    member = cast.people["member"]
    LogEntry.objects.create(
        user=cast.people["admin"],
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(member.pk),
        object_repr=str(member),
        action_flag=CHANGE,
        change_message="renamed",
    )
    AuditEvent.objects.create(action="login.failed", actor_label="MEMBER@Label.example")

    gdpr.erase_person(person=member, actor=None)

    assert not LogEntry.objects.filter(object_repr=member.full_name).exists()
    assert not AuditEvent.objects.filter(actor_label__iexact="member@label.example").exists()


def test_a_deactivated_persons_token_and_session_stop_working(cast: Cast) -> None:
    staff = cast.people["staff_a"]
    session = Client(HTTP_HOST=A)
    session.force_login(staff)
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert cast.client("staff_a", A).get("/api/v1/members/").status_code == 401
    assert session.get("/admin/").status_code == 302


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
@pytest.mark.parametrize(
    ("host", "path"),
    [
        (F, "/api/v1/me/"),
        (A, "/api/v1/members/"),
        (A, "/api/v1/staff/"),
        (A, "/api/v1/me/export/"),
        (F, "/api/v1/organisations/label-test/"),
    ],
)
def test_partner_tokens_are_refused_everything_personal(cast: Cast, host: str, path: str, method: str) -> None:
    response = getattr(cast.client("partner", host), method)(path, {}, format="json")
    expected = 200 if (method == "get" and "organisations" in path) else 403  # the public directory entry
    assert response.status_code in (expected, 405) if method in ("post", "delete") else response.status_code == expected


def _at_once(worker: Callable[[int], Any], n: int = 4) -> list[Any]:
    """`live.at_once`, each thread closing its own database connection and reporting its exception."""

    def run(i: int) -> Any:
        try:
            return worker(i)
        except Exception as exc:  # reported to the test, which asserts on it
            return exc
        finally:
            connections.close_all()

    return at_once(n, run)


def test_concurrent_grants_of_the_same_role_give_one_row_and_one_audit(committed_db: None) -> None:
    person = UserFactory.create(email="twice@coursive.example")
    venue = Venue.objects.get(schema_name="gresilles")

    results = _at_once(lambda i: services.grant_venue_role(person=person, venue=venue, role="staff", actor=None))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert VenueRole.objects.filter(user=person, venue=venue).count() == 1
    assert AuditEvent.objects.filter(action="role.granted", detail__person=person.pk).count() == 1


def test_concurrent_applications_with_the_same_name_all_get_their_own_slug(committed_db: None) -> None:
    people = [UserFactory.create(email=f"founder{i}@coursive.example") for i in range(4)]
    venue = Venue.objects.get(schema_name="battants")

    results = _at_once(
        lambda i: services.apply_for_membership(
            applicant=people[i], home_venue=venue, name="Studio Jumeau", sector="design"
        )
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "studio-jumeau",
        "studio-jumeau-2",
        "studio-jumeau-3",
        "studio-jumeau-4",
    ]
