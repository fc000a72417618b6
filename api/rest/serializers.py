from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from federation.models import ApiToken, LegalForm, Membership, Organisation, Sector, User, VenueRole
from federation.tokens import DEFAULT_PERSONAL_SCOPES, PERSONAL_SCOPES
from tenants.coworking.models import Booking, Plan, Resource, Subscription
from tenants.models import Venue

from .fields import MomentField, SlugLookupField


class VenueSerializer(serializers.ModelSerializer[Venue]):
    slug = serializers.CharField(source="schema_name", read_only=True)

    class Meta:
        model = Venue
        fields = ["slug", "name", "city", "timezone", "address"]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    class Meta:
        model = Resource
        fields = [
            "id",
            "name",
            "kind",
            "mode",
            "capacity",
            "description",
            "photo_url",
            "network_bookable",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "hourly_rate_resident",
            "hourly_rate_network",
            "hourly_rate_public",
            "vat_rate",
        ]
        read_only_fields = fields


class BookingSerializer(serializers.ModelSerializer[Booking]):
    start = serializers.DateTimeField(source="during.lower", read_only=True)
    end = serializers.DateTimeField(source="during.upper", read_only=True)
    member = serializers.EmailField(source="member.email", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "resource",
            "start",
            "end",
            "seats",
            "status",
            "member",
            "rate_category",
            "price_excl_vat",
            "vat_rate",
            "price_incl_vat",
            "cancellation_fee",
            "created_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class BookingCreateSerializer(serializers.Serializer[Any]):
    """ISO 8601 times with an offset (UTC is stored; a time without an offset is read as Europe/Paris)."""

    resource = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    start = MomentField()
    end = MomentField()
    seats = serializers.IntegerField(min_value=1, max_value=1000, default=1)


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    organisation_status = serializers.CharField(source="organisation.status", read_only=True)
    home_venue = serializers.CharField(source="organisation.home_venue.schema_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "organisation_name", "organisation_status", "home_venue", "role"]
        read_only_fields = fields


class VenueRoleSerializer(serializers.ModelSerializer[VenueRole]):
    venue = serializers.CharField(source="venue.schema_name", read_only=True)

    class Meta:
        model = VenueRole
        fields = ["venue", "role"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer[User]):
    memberships = MembershipSerializer(many=True, read_only=True)
    venue_roles = VenueRoleSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined", "memberships", "venue_roles"]
        read_only_fields = fields


class ProfileUpdateSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False)


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=PERSONAL_SCOPES),
        allow_empty=False,
        max_length=len(PERSONAL_SCOPES),
        default=list(DEFAULT_PERSONAL_SCOPES),
    )
    expires_at = MomentField(required=False, allow_null=True, default=None)


class IssuedTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The token itself: shown this once, never again.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class DirectoryEntrySerializer(serializers.ModelSerializer[Organisation]):
    """What the public directory shows: no identifiers, no people, no consent internals."""

    home_venue = serializers.CharField(source="home_venue.schema_name", read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "sector", "description", "website", "city", "home_venue"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    """The full record, for its owners and the federation admins."""

    home_venue = serializers.CharField(source="home_venue.schema_name", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "legal_name",
            "siret",
            "legal_form",
            "kind",
            "sector",
            "naf_code",
            "home_venue",
            "status",
            "applied_at",
            "activated_at",
            "suspended_at",
            "left_at",
            "description",
            "website",
            "city",
            "directory_consent",
            "statistics_consent",
        ]
        read_only_fields = fields


class OrganisationWriteSerializer(serializers.Serializer[Any]):
    """Input shape only; the rules (SIRET checksum, NAF format, uniqueness) live in the service."""

    name = serializers.CharField(max_length=200)
    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    siret = serializers.CharField(max_length=20, required=False, allow_blank=True)
    legal_form = serializers.ChoiceField(choices=LegalForm.choices, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices)
    naf_code = serializers.CharField(max_length=6, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    directory_consent = serializers.BooleanField(required=False)
    statistics_consent = serializers.BooleanField(required=False)


class OrganisationApplySerializer(OrganisationWriteSerializer):
    home_venue = SlugLookupField(slug_field="schema_name", queryset=Venue.objects.all())


class StatusChangeSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Organisation.Status.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MemberPersonSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.CharField()


class VenueMemberSerializer(serializers.ModelSerializer[Organisation]):
    """An organisation hosted by the venue, with its people, for the venue's staff."""

    people = MemberPersonSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "sector", "status", "people"]
        read_only_fields = fields


class StaffSerializer(serializers.ModelSerializer[VenueRole]):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = VenueRole
        fields = ["id", "email", "full_name", "role"]
        read_only_fields = fields


class StaffGrantSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=VenueRole.Role.choices)


class KindQuerySerializer(serializers.Serializer[Any]):
    """`?kind=` of the venue-wide availability: one of the resource kinds."""

    kind = serializers.ChoiceField(choices=Resource.Kind.choices, required=False)


class AvailabilityQuerySerializer(serializers.Serializer[Any]):
    """`?date=YYYY-MM-DD&days=N`: the venue's local days, at most a month."""

    date = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=31, default=1)

    def validate_date(self, value: Any) -> Any:
        import datetime as dt

        today = dt.date.today()
        if not today - dt.timedelta(days=366) <= value <= today + dt.timedelta(days=3 * 366):
            raise serializers.ValidationError(_("Within a year back and three years ahead."))
        return value

    kind = serializers.ChoiceField(choices=Resource.Kind.choices, required=False)


class FreeSlotSerializer(serializers.Serializer[Any]):
    start = MomentField()
    end = MomentField()
    seats_left = serializers.IntegerField()


class SeriesCreateSerializer(BookingCreateSerializer):
    """The first occurrence's times, then how it repeats."""

    frequency = serializers.ChoiceField(choices=["weekly", "monthly"])
    count = serializers.IntegerField(min_value=1, max_value=52)
    skip = serializers.ListField(
        child=serializers.DateField(), max_length=52, default=list, help_text="Local dates to leave out."
    )
    all_or_nothing = serializers.BooleanField(default=True)


class OccurrenceSerializer(serializers.Serializer[Any]):
    start = MomentField()
    end = MomentField()
    booking = BookingSerializer(allow_null=True)
    code = serializers.CharField()
    detail = serializers.CharField()
    # DRF lifts declared fields off the class, so this does not shadow `Serializer.errors` at run time.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


class PlanSerializer(serializers.ModelSerializer[Plan]):
    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "kind",
            "price_excl_vat",
            "vat_rate",
            "day_credits",
            "included_hours_per_month",
            "covers_kinds",
        ]
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer[Subscription]):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    plan = PlanSerializer(read_only=True)

    class Meta:
        model = Subscription
        fields = ["id", "organisation", "plan", "resource", "starts_on", "ends_on", "day_credits_left"]
        read_only_fields = fields


class ConsumptionSerializer(serializers.Serializer[Any]):
    """This month's use of a subscription (documents `GET subscriptions/`)."""

    bookings = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    hours_included = serializers.IntegerField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)


class SubscriptionUsageSerializer(SubscriptionSerializer):
    this_month = ConsumptionSerializer(read_only=True)

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "this_month"]
        read_only_fields = fields


class SubscribeSerializer(serializers.Serializer[Any]):
    organisation = serializers.SlugField()
    plan = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    resource = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None)
