from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from federation.models import Organisation, Sector, User
from tenants.coworking.models import Resource

TEST_PASSWORD = "test-password-123"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: "person%d@members.example" % n)
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Faker("company", locale="fr_FR")
    slug = factory.Sequence(lambda n: "organisation-%d" % n)
    sector = Sector.MUSIC


class ResourceFactory(DjangoModelFactory[Resource]):
    """Create under the venue it belongs to (`tenant_context(venue)`)."""

    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: "Salle %d" % n)
    kind = Resource.Kind.MEETING_ROOM
    capacity = 6
