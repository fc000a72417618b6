from __future__ import annotations

from rest_framework import serializers

from federation.models import User
from tenants.coworking.models import Resource
from tenants.models import Venue


class MeSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined"]
        read_only_fields = fields


class VenueSerializer(serializers.ModelSerializer[Venue]):
    slug = serializers.CharField(source="schema_name", read_only=True)

    class Meta:
        model = Venue
        fields = ["slug", "name", "city", "timezone", "address"]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    class Meta:
        model = Resource
        fields = ["id", "name", "kind", "capacity", "description"]
        read_only_fields = fields
