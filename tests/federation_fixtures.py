"""The cast of the permission tests: one principal per role, each with a real token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from federation import services
from federation.models import Organisation, Partner, User, VenueRole
from federation.tokens import create_api_token, create_partner_token
from tenants.models import Venue

from .factories import ResourceFactory, UserFactory

ROLES = ["anonymous", "member", "staff_a", "manager_a", "staff_b", "partner", "admin"]
VALID_SIRET = "73282932000074"  # passes the Luhn check


@dataclass
class Cast:
    venue_a: Venue
    venue_b: Venue
    people: dict[str, User]
    partner: Partner
    organisation: Organisation
    tokens: dict[str, str]

    def client(self, role: str, host: str) -> APIClient:
        client = APIClient(HTTP_HOST=host)
        if role in self.tokens:
            client.credentials(HTTP_AUTHORIZATION="Bearer " + self.tokens[role])
        return client

    def ids(self) -> dict[str, int]:
        """Row ids the permission table names: {member_token}, {staff_a_role}, {a_resource}."""
        from federation.models import ApiToken

        with schema_context(self.venue_a.schema_name):
            from tenants.coworking.models import Resource

            resource = Resource.objects.get(name="Salle Tilleul").pk
        return {
            "member_token": ApiToken.objects.filter(user=self.people["member"]).earliest("id").pk,
            "staff_a_role": VenueRole.objects.get(user=self.people["staff_a"]).pk,
            "a_resource": resource,
        }

    def principal(self, role: str) -> Any:
        from django.contrib.auth.models import AnonymousUser

        if role == "partner":
            return self.partner
        return self.people.get(role, AnonymousUser())


def make_cast(venue_a: Venue, venue_b: Venue) -> Cast:
    people = {
        "member": UserFactory.create(email="member@label.example"),
        "staff_a": UserFactory.create(email="staff.a@coursive.example"),
        "manager_a": UserFactory.create(email="manager.a@coursive.example"),
        "staff_b": UserFactory.create(email="staff.b@coursive.example"),
        "admin": UserFactory.create(email="admin@coursive.example", is_staff=True, is_superuser=True),
    }
    services.grant_venue_role(person=people["staff_a"], venue=venue_a, role=VenueRole.Role.STAFF, actor=None)
    services.grant_venue_role(person=people["manager_a"], venue=venue_a, role=VenueRole.Role.MANAGER, actor=None)
    services.grant_venue_role(person=people["staff_b"], venue=venue_b, role=VenueRole.Role.STAFF, actor=None)
    organisation = services.apply_for_membership(
        applicant=people["member"],
        home_venue=venue_a,
        name="Label Test",
        sector="music",
        siret=VALID_SIRET,
        directory_consent=True,
    )
    organisation = services.change_organisation_status(organisation=organisation, status="active", actor=None)
    partner = services.create_partner(
        name="Dijon Métropole", kind="agglomeration", territory="Dijon Métropole", venues=[venue_a]
    )
    tokens = {role: create_api_token(user=person).secret for role, person in people.items()}
    with schema_context(venue_a.schema_name):
        ResourceFactory.create(name="Salle Tilleul")
    tokens["partner"] = create_partner_token(partner=partner).secret
    return Cast(venue_a, venue_b, people, partner, organisation, tokens)


@pytest.fixture
def cast(venue_a: Venue, venue_b: Venue) -> Cast:
    return make_cast(venue_a, venue_b)
