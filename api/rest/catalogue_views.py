"""The shared catalogue over REST on the federation host: everything the venues offer, searchable. Anyone
sees public entries; people of an active member organisation also see the network's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.permissions import Action, allows, is_federation_admin, is_person
from federation.selectors import active_organisations
from hub.errors import InvalidInput
from shared_catalog.models import CatalogueEntry, Kind
from shared_catalog.search import MAX_FIRST, BadCursor, Filters, search

from .fields import MomentField
from .validation import validated_query


class EntrySerializer(serializers.ModelSerializer[CatalogueEntry]):
    venue = serializers.CharField(source="venue.schema_name")
    venue_name = serializers.CharField(source="venue.name")
    source_id = serializers.CharField()

    class Meta:
        model = CatalogueEntry
        fields = [
            "id",
            "kind",
            "venue",
            "venue_name",
            "city",
            "source_id",
            "title",
            "summary",
            "category",
            "sector",
            "tags",
            "price_from",
            "starts_at",
            "ends_at",
            "availability",
            "image_url",
            "visibility",
            "data",
        ]
        read_only_fields = fields


class CatalogueQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    venue = serializers.SlugField(required=False, max_length=63)
    city = serializers.CharField(required=False, max_length=100)
    sector = serializers.CharField(required=False, max_length=30)
    max_price = serializers.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=0)
    first = serializers.IntegerField(required=False, min_value=1, max_value=MAX_FIRST, default=20)
    after = serializers.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = MomentField(required=False)  # `from` is a Python keyword
        self.fields["to"] = MomentField(required=False)


class CatalogueView(APIView):
    """Search the offer of every venue: spaces, events, programmes, artworks, exhibitions, members' services.
    `q` is French full text (accents and small typos forgiven); pages follow `next` (a cursor)."""

    permission_classes = [allows(Action.DIRECTORY_READ)]

    @extend_schema(
        parameters=[
            CatalogueQuerySerializer,
            OpenApiParameter("from", OpenApiTypes.DATETIME, description="Entries ending after this moment."),
            OpenApiParameter("to", OpenApiTypes.DATETIME, description="Entries starting before this moment."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        wanted = validated_query(CatalogueQuerySerializer, request)
        person = request.user
        network = is_person(person) and (is_federation_admin(person) or active_organisations(person).exists())
        try:
            page = search(
                wanted.get("q", ""),
                Filters(
                    kind=wanted.get("kind"),
                    venue=wanted.get("venue"),
                    city=wanted.get("city"),
                    sector=wanted.get("sector"),
                    starts=wanted.get("from"),
                    ends=wanted.get("to"),
                    max_price=wanted.get("max_price"),
                ),
                network=network,
                first=wanted["first"],
                after=wanted.get("after"),
            )
        except BadCursor as exc:
            raise InvalidInput(
                _("This cursor is not valid."), fields={"after": [_("Not a cursor of this list.")]}
            ) from exc
        return Response({"results": EntrySerializer(page.entries, many=True).data, "next": page.next_cursor})
