"""REST of a venue's gallery catalogue: the public reads works on sale and exhibitions; the venue's staff
keep artists, works, consignments and exhibitions. Holds, sales and payouts are in gallery_sales_views.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.permissions import Action, allows
from hub.errors import InvalidInput
from hub.http import current_venue
from tenants.gallery import selectors, services
from tenants.gallery.models import Artist, Artwork, Consignment, Exhibition

from . import gallery_serializers as gs
from .lookups import actor, artworks, one, organisation, page, person, staff, writes_need
from .pagination import CappedLimitOffsetPagination
from .validation import validated

# Artists


class ArtistList(APIView):
    """The venue's artists (staff)."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.ArtistSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = Artist.objects.select_related("person", "organisation").order_by("name", "id")
        return page(request, self, rows, gs.ArtistSerializer)

    @extend_schema(request=gs.ArtistWriteSerializer, responses={201: gs.ArtistSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ArtistWriteSerializer, request)
        data["person"] = person(data.get("person"), "person")
        data["organisation"] = organisation(data.get("organisation"), "organisation")
        artist = services.create_artist(**data)
        return Response(gs.ArtistSerializer(artist).data, status=status.HTTP_201_CREATED)


class ArtistDetail(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.ArtistSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.ArtistSerializer(get_object_or_404(Artist, pk=pk)).data)

    @extend_schema(request=gs.ArtistWriteSerializer, responses=gs.ArtistSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        artist = get_object_or_404(Artist, pk=pk)
        data = validated(gs.ArtistWriteSerializer, request, partial=True)
        if "person" in data:
            data["person"] = person(data["person"], "person")
        if "organisation" in data:
            data["organisation"] = organisation(data["organisation"], "organisation")
        return Response(gs.ArtistSerializer(services.update_artist(artist=artist, changes=data)).data)


# Artworks


def _visible_artworks(request: Request) -> QuerySet[Artwork]:
    return selectors.artworks() if staff(request) else selectors.artworks_on_sale()


class ArtworkList(APIView):
    """Works on sale (available, or on hold) for everyone; every work, filtered by `status` or `artist`, for
    the venue's staff, who add works here."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Artwork.Status.values, description="Staff only."),
            OpenApiParameter("artist", int),
        ],
        responses=gs.ArtworkSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = _visible_artworks(request)
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Artwork.Status.values:
                raise InvalidInput(_("Unknown status."), fields={"status": [_("Not a status.")]})
            rows = rows.filter(status=wanted)
        artist = request.query_params.get("artist")
        if artist is not None:
            if not (artist.isascii() and artist.isdecimal()) or len(artist) > 18:
                raise InvalidInput(_("Unknown artist."), fields={"artist": [_("An artist id.")]})
            rows = rows.filter(artist_id=int(artist))
        return page(request, self, rows, gs.ArtworkSerializer)

    @extend_schema(request=gs.ArtworkCreateSerializer, responses={201: gs.ArtworkSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ArtworkCreateSerializer, request)
        if "artist" in data:
            data["artist"] = one(Artist, data["artist"], "artist", _("Artist"))
        if "edition_of" in data:
            data["edition_of"] = one(Artwork, data["edition_of"], "edition_of", _("Edition set"))
        artwork = services.create_artwork(actor=actor(request), fields=data)
        return Response(gs.ArtworkSerializer(artwork).data, status=status.HTTP_201_CREATED)


class ArtworkDetail(APIView):
    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(responses=gs.ArtworkSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.ArtworkSerializer(get_object_or_404(_visible_artworks(request), pk=pk)).data)

    @extend_schema(request=gs.ArtworkUpdateSerializer, responses=gs.ArtworkSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        artwork = get_object_or_404(Artwork, pk=pk)
        data = validated(gs.ArtworkUpdateSerializer, request, partial=True)
        if "artist" in data:
            data["artist"] = one(Artist, data["artist"], "artist", _("Artist"))
        return Response(
            gs.ArtworkSerializer(services.update_artwork(artwork=artwork, changes=data, actor=actor(request))).data
        )


class ArtworkStatus(APIView):
    """Offer a work for sale (it must be under a consignment), withdraw it, or return it to the artist."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=gs.StatusChangeSerializer, responses=gs.ArtworkSerializer)
    def post(self, request: Request, pk: int) -> Response:
        artwork = get_object_or_404(Artwork, pk=pk)
        data = validated(gs.StatusChangeSerializer, request)
        changed = services.set_status(
            artwork=artwork, status=data["status"], actor=actor(request), reason=data["reason"]
        )
        return Response(gs.ArtworkSerializer(changed).data)


class ArtworkHistory(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.HistorySerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        artwork = get_object_or_404(Artwork, pk=pk)
        return Response(gs.HistorySerializer(artwork.history.select_related("actor"), many=True).data)


# Consignments


def _consignments() -> QuerySet[Consignment]:
    return Consignment.objects.prefetch_related("items").order_by("-starts_on", "-id")


class ConsignmentList(APIView):
    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.ConsignmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        return page(request, self, _consignments(), gs.ConsignmentSerializer)

    @extend_schema(request=gs.ConsignmentCreateSerializer, responses={201: gs.ConsignmentSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ConsignmentCreateSerializer, request)
        consignment = services.consign(
            artist=one(Artist, data["artist"], "artist", _("Artist")),
            commission_rate=data["commission_rate"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            artworks=artworks(list(dict.fromkeys(data["artworks"]))),
            notes=data["notes"],
        )
        return Response(gs.ConsignmentSerializer(consignment).data, status=status.HTTP_201_CREATED)


class ConsignmentDetail(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.ConsignmentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.ConsignmentSerializer(get_object_or_404(_consignments(), pk=pk)).data)


class ConsignmentEnd(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=gs.ConsignmentEndSerializer, responses=gs.ConsignmentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        consignment = get_object_or_404(Consignment, pk=pk)
        data = validated(gs.ConsignmentEndSerializer, request)
        ended = services.end_consignment(consignment=consignment, ends_on=data["ends_on"], actor=actor(request))
        return Response(gs.ConsignmentSerializer(get_object_or_404(_consignments(), pk=ended.pk)).data)


# Exhibitions


def _visible_exhibitions(request: Request) -> QuerySet[Exhibition]:
    if staff(request):
        return selectors.exhibitions()
    venue = current_venue(request)
    assert venue is not None
    return selectors.public_exhibitions(timezone.now().astimezone(venue.tzinfo).date())


class ExhibitionList(APIView):
    """Published exhibitions on now or coming, for everyone; all of them for the venue's staff."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(responses=gs.ExhibitionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return page(request, self, _visible_exhibitions(request), gs.ExhibitionSerializer)

    @extend_schema(request=gs.ExhibitionWriteSerializer, responses={201: gs.ExhibitionSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ExhibitionWriteSerializer, request)
        works = artworks(data.pop("artworks")) if "artworks" in data else None
        exhibition = services.save_exhibition(exhibition=Exhibition(**data), artworks=works)
        shown = get_object_or_404(selectors.exhibitions(), pk=exhibition.pk)
        return Response(gs.ExhibitionSerializer(shown).data, status=status.HTTP_201_CREATED)


class ExhibitionDetail(APIView):
    get_permissions = writes_need(Action.VENUE_OPERATE, reads=Action.VENUE_PUBLIC)

    @extend_schema(responses=gs.ExhibitionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.ExhibitionSerializer(get_object_or_404(_visible_exhibitions(request), pk=pk)).data)

    @extend_schema(request=gs.ExhibitionWriteSerializer, responses=gs.ExhibitionSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        exhibition = get_object_or_404(Exhibition, pk=pk)
        data = validated(gs.ExhibitionWriteSerializer, request, partial=True)
        works = artworks(data.pop("artworks")) if "artworks" in data else None
        for name, value in data.items():
            setattr(exhibition, name, value)
        services.save_exhibition(exhibition=exhibition, artworks=works)
        return Response(gs.ExhibitionSerializer(get_object_or_404(selectors.exhibitions(), pk=pk)).data)
