"""Serializers of the gallery REST API: output shapes, and input bodies checked before any service runs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.gallery.models import (
    MANUAL_STATUSES,
    MAX_PRICE,
    Artist,
    ArtistPayout,
    Artwork,
    ArtworkStatusChange,
    Consignment,
    Exhibition,
    Hold,
    Sale,
)
from tenants.gallery.payouts import StatementLine, statement_lines

from .fields import MomentField

ID: dict[str, Any] = {"min_value": 1, "max_value": 2**63 - 1}
PRICE: dict[str, Any] = {"max_digits": 9, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": MAX_PRICE}
SIZE: dict[str, Any] = {
    "max_digits": 7,
    "decimal_places": 1,
    "min_value": Decimal("0.1"),
    "allow_null": True,
    "required": False,
}


class ArtistSerializer(serializers.ModelSerializer[Artist]):
    person = serializers.EmailField(source="person.email", read_only=True, allow_null=True)
    organisation = serializers.CharField(source="organisation.slug", read_only=True, allow_null=True)

    class Meta:
        model = Artist
        fields = ["id", "name", "email", "person", "organisation", "bio", "website", "created_at"]
        read_only_fields = fields


class ArtistWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    person = serializers.EmailField(
        required=False, allow_null=True, help_text="E-mail address of the artist's account in the hub."
    )
    organisation = serializers.SlugField(required=False, allow_null=True, help_text="Slug of a member organisation.")
    bio = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)


class EditionSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField(source="edition_number")
    size = serializers.IntegerField(source="edition_size")
    set = serializers.IntegerField(source="edition_of_id")


class ArtworkSerializer(serializers.ModelSerializer[Artwork]):
    artist_name = serializers.CharField(source="artist.name", read_only=True)
    edition = serializers.SerializerMethodField()
    is_edition_set = serializers.BooleanField(read_only=True)
    dimensions = serializers.CharField(read_only=True)

    class Meta:
        model = Artwork
        fields = [
            "id",
            "artist",
            "artist_name",
            "title",
            "year",
            "medium",
            "height_cm",
            "width_cm",
            "depth_cm",
            "dimensions",
            "description",
            "image_url",
            "price",
            "status",
            "is_edition_set",
            "edition_size",
            "edition",
            "status_changed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(EditionSerializer(allow_null=True))
    def get_edition(self, artwork: Artwork) -> dict[str, int] | None:
        if artwork.edition_of_id is None:
            return None
        return {"number": artwork.edition_number or 0, "size": artwork.edition_size or 0, "set": artwork.edition_of_id}


class ArtworkUpdateSerializer(serializers.Serializer[Any]):
    artist = serializers.IntegerField(required=False, **ID)
    title = serializers.CharField(max_length=200, required=False)
    year = serializers.IntegerField(min_value=1000, max_value=2100, required=False, allow_null=True)
    medium = serializers.CharField(max_length=200, required=False, allow_blank=True)
    height_cm = serializers.DecimalField(**SIZE)
    width_cm = serializers.DecimalField(**SIZE)
    depth_cm = serializers.DecimalField(**SIZE)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    image_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    price = serializers.DecimalField(required=False, **PRICE)


class ArtworkCreateSerializer(ArtworkUpdateSerializer):
    """A unique piece; an edition set (`edition_size`); or a numbered edition of a set (`edition_of` and
    `edition_number`: it takes the set's artist, title, year, medium, sizes and description)."""

    edition_size = serializers.IntegerField(min_value=1, max_value=999, required=False)
    edition_of = serializers.IntegerField(required=False, **ID)
    edition_number = serializers.IntegerField(min_value=1, max_value=999, required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "edition_of" in data:
            clash = sorted({"artist", "title", "edition_size"} & set(data))
            if clash:
                raise serializers.ValidationError({name: [_("Taken from the edition set.")] for name in clash})
            if "edition_number" not in data:
                raise serializers.ValidationError({"edition_number": [_("This field is required.")]})
            return data
        missing = [name for name in ("artist", "title", "price") if name not in data]
        if missing:
            raise serializers.ValidationError({name: [_("This field is required.")] for name in missing})
        if "edition_number" in data:
            raise serializers.ValidationError({"edition_of": [_("An edition number needs its edition set.")]})
        return data


class StatusChangeSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=MANUAL_STATUSES)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HistorySerializer(serializers.ModelSerializer[ArtworkStatusChange]):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)

    class Meta:
        model = ArtworkStatusChange
        fields = ["from_status", "to_status", "at", "actor", "reason"]
        read_only_fields = fields


class ConsignmentSerializer(serializers.ModelSerializer[Consignment]):
    artworks = serializers.SerializerMethodField()

    class Meta:
        model = Consignment
        fields = ["id", "artist", "commission_rate", "starts_on", "ends_on", "notes", "artworks", "created_at"]
        read_only_fields = fields

    def get_artworks(self, consignment: Consignment) -> list[int]:
        return [item.artwork_id for item in consignment.items.all()]


class ConsignmentCreateSerializer(serializers.Serializer[Any]):
    artist = serializers.IntegerField(**ID)
    commission_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), help_text="Percent, 0 to 100."
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    artworks = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=500)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ConsignmentEndSerializer(serializers.Serializer[Any]):
    ends_on = serializers.DateField(allow_null=True, help_text="The new last day; null: until further notice.")


class ExhibitedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="artwork.id")
    title = serializers.CharField(source="artwork.__str__")
    artist_name = serializers.CharField(source="artwork.artist.name")
    status = serializers.CharField(source="artwork.status")
    image_url = serializers.CharField(source="artwork.image_url")


class ExhibitionSerializer(serializers.ModelSerializer[Exhibition]):
    artworks = ExhibitedSerializer(source="items", many=True, read_only=True)

    class Meta:
        model = Exhibition
        fields = ["id", "title", "starts_on", "ends_on", "text", "image_url", "is_published", "artworks"]
        read_only_fields = fields


class ExhibitionWriteSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    image_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    is_published = serializers.BooleanField(required=False)
    artworks = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, max_length=500, help_text="Works shown, in order."
    )


class BuyerSerializer(serializers.Serializer[Any]):
    person = serializers.EmailField(source="buyer_person.email", allow_null=True)
    organisation = serializers.CharField(source="buyer_organisation.slug", allow_null=True)
    name = serializers.CharField(source="buyer_name")
    email = serializers.CharField(source="buyer_email")


class BuyerInputSerializer(serializers.Serializer[Any]):
    buyer_person = serializers.EmailField(
        required=False, allow_null=True, help_text="E-mail address of a person of the hub."
    )
    buyer_organisation = serializers.SlugField(required=False, allow_null=True, help_text="A member organisation.")
    buyer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    buyer_email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class HoldSerializer(serializers.ModelSerializer[Hold]):
    buyer = BuyerSerializer(source="*", read_only=True)

    class Meta:
        model = Hold
        fields = ["id", "artwork", "buyer", "expires_at", "status", "note", "created_at", "ended_at"]
        read_only_fields = fields


class HoldCreateSerializer(BuyerInputSerializer):
    artwork = serializers.IntegerField(**ID)
    expires_at = MomentField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SaleSerializer(serializers.ModelSerializer[Sale]):
    buyer = BuyerSerializer(source="*", read_only=True)
    sold_by = serializers.EmailField(source="sold_by.email", read_only=True)

    class Meta:
        model = Sale
        fields = [
            "id",
            "artwork",
            "artist",
            "consignment",
            "hold",
            "status",
            "buyer",
            "price",
            "vat_regime",
            "vat_rate",
            "vat_amount",
            "price_excl_vat",
            "commission_rate",
            "commission",
            "artist_net",
            "contribution",
            "resale",
            "resale_right_applies",
            "resale_right_amount",
            "author_due",
            "payment_method",
            "override",
            "sold_at",
            "sold_by",
            "cancelled_at",
            "cancel_reason",
            "payout",
            "refund_payout",
        ]
        read_only_fields = fields


class SaleCreateSerializer(BuyerInputSerializer):
    artwork = serializers.IntegerField(**ID)
    price = serializers.DecimalField(required=False, help_text="Incl. VAT; the asking price if omitted.", **PRICE)
    vat_regime = serializers.ChoiceField(choices=Sale.VatRegime.choices)
    vat_rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        required=False,
        help_text="Percent; must be the regime's rate (5.5 reduced, 20 standard and margin, 0 exempt).",
    )
    payment_method = serializers.ChoiceField(choices=Sale.PaymentMethod.choices)
    resale = serializers.BooleanField(required=False, default=False)
    override = serializers.BooleanField(
        required=False, default=False, help_text="Sell a work held for another buyer (managers only)."
    )


class CancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PayoutSerializer(serializers.ModelSerializer[ArtistPayout]):
    artist_name = serializers.CharField(source="artist.name", read_only=True)

    class Meta:
        model = ArtistPayout
        fields = [
            "id",
            "artist",
            "artist_name",
            "period_start",
            "period_end",
            "status",
            "sales_count",
            "refunds_count",
            "gross",
            "vat",
            "commission",
            "contribution",
            "net_due",
            "created_at",
            "paid_at",
            "payment_reference",
        ]
        read_only_fields = fields


class StatementLineSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["sale", "resale", "refund"], help_text="A refund counts negatively.")
    sale = serializers.IntegerField(source="sale.pk")
    artwork = serializers.CharField(source="sale.artwork")
    date = serializers.DateField(source="day", help_text="The venue's local day of the sale or refund.")
    price = serializers.SerializerMethodField()
    vat = serializers.SerializerMethodField()
    commission = serializers.SerializerMethodField()
    contribution = serializers.SerializerMethodField()
    due_to_artist = serializers.SerializerMethodField()

    def get_price(self, line: StatementLine) -> str:
        return str(line.amount("price"))

    def get_vat(self, line: StatementLine) -> str:
        return str(line.amount("vat_amount"))

    def get_commission(self, line: StatementLine) -> str:
        return str(line.amount("commission"))

    def get_contribution(self, line: StatementLine) -> str:
        return str(line.amount("contribution"))

    def get_due_to_artist(self, line: StatementLine) -> str:
        return str(line.amount("author_due"))


class PayoutStatementSerializer(PayoutSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(PayoutSerializer.Meta):
        fields = [*PayoutSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    @extend_schema_field(StatementLineSerializer(many=True))
    def get_lines(self, payout: ArtistPayout) -> Any:
        return StatementLineSerializer(statement_lines(payout), many=True).data


class PayoutCreateSerializer(serializers.Serializer[Any]):
    artist = serializers.IntegerField(**ID)
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class PayoutPaidSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
