"""Admins: the federation's on its host, each venue's on its own host for that venue's team only; logins audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from federation.models import AuditEvent
from tenants.coworking.models import Resource

from .factories import TEST_PASSWORD, ResourceFactory
from .federation_fixtures import Cast

A, B, F = "gresilles.localhost", "battants.localhost", "localhost"


def _login(host: str, email: str) -> Client:
    client = Client(HTTP_HOST=host)
    assert client.login(email=email, password=TEST_PASSWORD)
    return client


def _enters(client: Client, path: str = "/admin/") -> bool:
    response = client.get(path)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]
        return False
    assert response.status_code == 200
    return True


@pytest.mark.parametrize(
    ("role", "on_a", "on_b", "on_federation"),
    [
        ("member", False, False, False),
        ("staff_a", True, False, False),
        ("manager_a", True, False, False),
        ("staff_b", False, True, False),
        ("admin", True, True, True),
    ],
)
def test_who_enters_which_admin(cast: Cast, role: str, on_a: bool, on_b: bool, on_federation: bool) -> None:
    email = cast.people[role].email
    assert _enters(_login(A, email)) is on_a
    assert _enters(_login(B, email)) is on_b
    assert _enters(_login(F, email)) is on_federation


def test_a_session_from_venue_a_replayed_on_venue_b_opens_nothing(cast: Cast) -> None:
    on_a = _login(A, cast.people["staff_a"].email)
    assert _enters(on_a)
    replay = Client(HTTP_HOST=B)
    replay.cookies = on_a.cookies
    assert not _enters(replay)
    assert not _enters(replay, "/admin/coworking/resource/")


def test_staff_change_and_managers_also_delete_in_their_venue_admin(cast: Cast) -> None:
    with schema_context("gresilles"):
        resource = Resource.objects.get(name="Salle Tilleul")  # the cast made it
    with schema_context("battants"):
        ResourceFactory.create(name="Salle Battant")
    staff, manager = _login(A, cast.people["staff_a"].email), _login(A, cast.people["manager_a"].email)

    listing = staff.get("/admin/coworking/resource/")
    assert b"Salle Tilleul" in listing.content and b"Salle Battant" not in listing.content
    assert staff.get(f"/admin/coworking/resource/{resource.pk}/change/").status_code == 200
    assert staff.get(f"/admin/coworking/resource/{resource.pk}/delete/").status_code == 403
    assert manager.get(f"/admin/coworking/resource/{resource.pk}/delete/").status_code == 200


def test_logins_are_audited_without_secrets(cast: Cast) -> None:
    Client(HTTP_HOST=A).post("/admin/login/", {"username": "staff.a@coursive.example", "password": "wrong-guess"})
    _login(A, cast.people["staff_a"].email)

    failed = AuditEvent.objects.get(action="login.failed")
    assert (failed.actor_label, failed.venue) == ("staff.a@coursive.example", cast.venue_a)
    assert AuditEvent.objects.filter(action="login.succeeded", actor=cast.people["staff_a"]).exists()
    assert "wrong-guess" not in str(list(AuditEvent.objects.values()))


def test_federation_admins_read_the_audit_log_and_cannot_edit_it(cast: Cast) -> None:
    admin = _login(F, cast.people["admin"].email)
    page = admin.get("/admin/federation/auditevent/")
    assert page.status_code == 200 and b"token created" in page.content
    event = AuditEvent.objects.earliest("id")
    assert admin.get("/admin/federation/auditevent/add/").status_code == 403
    assert admin.post(f"/admin/federation/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_federation_admin_pages_render(cast: Cast) -> None:
    admin = _login(F, cast.people["admin"].email)
    for path in [
        "/admin/federation/user/",
        "/admin/federation/organisation/",
        "/admin/federation/partner/",
        "/admin/federation/networkpass/",
        "/admin/federation/apitoken/",
        "/admin/federation/venuerole/",
        f"/admin/federation/user/{cast.people['member'].pk}/change/",
        f"/admin/federation/organisation/{cast.organisation.pk}/change/",
        "/admin/tenants/venue/",
        "/admin/reporting/surveycampaign/",
        "/admin/reporting/surveycampaign/add/",
        "/admin/reporting/surveyanswer/",
        "/admin/reporting/memberspell/",
    ]:
        assert admin.get(path).status_code == 200, path


def test_federation_admins_open_and_close_survey_campaigns(cast: Cast) -> None:
    from reporting.models import SurveyCampaign

    admin = _login(F, cast.people["admin"].email)
    added = admin.post(
        "/admin/reporting/surveycampaign/add/", {"year": "2026", "opens_on": "2027-01-05", "closes_on": "2027-03-31"}
    )
    assert added.status_code == 302, added.content
    campaign = SurveyCampaign.objects.get(year=2026)
    backwards = admin.post(
        "/admin/reporting/surveycampaign/add/", {"year": "2027", "opens_on": "2028-03-01", "closes_on": "2028-01-01"}
    )
    assert backwards.status_code == 200 and not SurveyCampaign.objects.filter(year=2027).exists()
    closing = {"action": "close_campaigns", "_selected_action": [campaign.pk]}
    assert admin.post("/admin/reporting/surveycampaign/", closing).status_code == 302
    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    reopened = admin.post(
        f"/admin/reporting/surveycampaign/{campaign.pk}/change/",
        {"year": "2026", "opens_on": "2027-01-05", "closes_on": "2099-03-31"},
    )
    assert reopened.status_code == 302  # saved, but the dates of a closed campaign are read-only
    campaign.refresh_from_db()
    assert campaign.closes_on == dt.date(2027, 3, 31)
    assert admin.get("/admin/reporting/surveyanswer/add/").status_code == 403
