"""GDPR export and erasure across the federation and two venue schemas, through the plugin registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from federation import gdpr
from federation.models import ApiToken, AuditEvent, User, VenueRole
from hub.db import connection

from .federation_fixtures import Cast

VENUES = ("gresilles", "battants")


def _rows(person_id: int) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT visitor_id, email, note FROM visit_log WHERE visitor_id = %s ORDER BY note", [person_id])
        return [{"visitor_id": r[0], "email": r[1], "note": r[2]} for r in cursor.fetchall()]


def _anonymise(person: User) -> int:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE visit_log SET email = NULL WHERE visitor_id = %s", [person.pk])
        return cursor.rowcount


@pytest.fixture
def visit_logs(cast: Cast) -> Iterator[Cast]:
    """A per-venue table holding personal data in both venue schemas, with a venue GDPR plugin for it."""
    member, other = cast.people["member"], cast.people["staff_a"]
    for slug in VENUES:
        with schema_context(slug), connection.cursor() as cursor:
            cursor.execute("CREATE TABLE visit_log (visitor_id bigint, email text, note text)")
            cursor.execute(
                "INSERT INTO visit_log VALUES (%s, %s, %s), (%s, %s, %s)",
                [member.pk, member.email, "visited " + slug, other.pk, other.email, "staff " + slug],
            )
    gdpr.register("visit_log", scope="venue", export=lambda person: _rows(person.pk), anonymise=_anonymise)
    yield cast
    gdpr.unregister("visit_log")


def test_export_covers_the_federation_and_every_venue_schema(visit_logs: Cast) -> None:
    member = visit_logs.people["member"]
    response = APIClient(
        HTTP_HOST="battants.localhost", HTTP_AUTHORIZATION="Bearer " + visit_logs.tokens["member"]
    ).get("/api/v1/me/export/")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    federation = data["federation"]["federation"]
    assert federation["profile"]["email"] == "member@label.example"
    assert federation["memberships"][0]["organisation_slug"] == "label-test"
    assert federation["api_tokens"][0]["prefix"] and "digest" not in federation["api_tokens"][0]
    for slug in VENUES:  # only this person's rows, from each schema
        assert data["venues"][slug]["visit_log"] == [
            {"visitor_id": member.pk, "email": "member@label.example", "note": "visited " + slug}
        ]
    assert AuditEvent.objects.filter(action="person.exported", actor=member).exists()
    assert visit_logs.tokens["member"] not in str(data)


def test_erasure_anonymises_everywhere_and_keeps_the_rest(visit_logs: Cast) -> None:
    member, admin = visit_logs.people["member"], visit_logs.people["admin"]
    VenueRole.objects.create(user=member, venue=visit_logs.venue_b, role="staff")

    report = gdpr.erase_person(person=member, actor=admin)

    assert report.venues == {
        slug: {"coworking": 0, "events": 0, "gallery": 0, "visit_log": 1} for slug in ("battants", "gresilles")
    }
    erased = User.objects.get(pk=member.pk)
    assert (erased.email, erased.full_name, erased.is_active) == (f"erased-{member.pk}@erased.invalid", "", False)
    assert not erased.has_usable_password()
    assert not VenueRole.objects.filter(user=erased).exists()
    assert not ApiToken.objects.filter(user=erased, revoked_at__isnull=True).exists()
    assert erased.memberships.count() == 1  # the organisation's history keeps a pseudonymous member
    for slug in VENUES:
        with schema_context(slug):
            assert _rows(member.pk) == [{"visitor_id": member.pk, "email": None, "note": "visited " + slug}]
            assert _rows(visit_logs.people["staff_a"].pk)[0]["email"] == "staff.a@coursive.example"
    assert "member@label.example" not in str(list(AuditEvent.objects.values()))
    assert AuditEvent.objects.filter(action="person.erased", actor=admin, target_id=str(member.pk)).exists()
    assert (
        APIClient(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer " + visit_logs.tokens["member"])
        .get("/api/v1/me/")
        .status_code
        == 401
    )


def test_erasure_is_all_or_nothing_across_schemas(visit_logs: Cast) -> None:
    member = visit_logs.people["member"]

    def fail_in_second_venue(person: User) -> int:
        if connection.schema_name == "gresilles":  # venues run in slug order: battants first, then gresilles
            raise RuntimeError("disk full")
        return 0

    gdpr.register("flaky", scope="venue", export=lambda person: [], anonymise=fail_in_second_venue)
    try:
        with pytest.raises(RuntimeError):
            gdpr.erase_person(person=member, actor=None)
    finally:
        gdpr.unregister("flaky")

    assert User.objects.get(pk=member.pk).email == "member@label.example"
    with schema_context("battants"):
        assert _rows(member.pk)[0]["email"] == "member@label.example"
    assert not AuditEvent.objects.filter(action="person.erased").exists()


def test_erase_command_asks_for_confirmation(cast: Cast) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_person", "member@label.example")
    assert User.objects.get(email="member@label.example").is_active
    call_command("erase_person", "member@label.example", "--yes")
    assert not User.objects.filter(email="member@label.example").exists()
