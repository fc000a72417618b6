"""REST of a venue's gallery: the public reads works on sale and exhibitions; the venue's staff run the rest.
Ids in a path or a body are looked up in this venue's schema only: another venue's id does not exist here."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.models import Organisation, User
from federation.permissions import Action, allows, can
from hub.errors import InvalidInput
from hub.http import current_venue
from tenants.gallery import payouts, sales, selectors, services
from tenants.gallery.models import Artist, ArtistPayout, Artwork, Consignment, Exhibition, Hold, Sale
from tenants.gallery.money import VAT_RATES

from . import gallery_serializers as gs
from .pagination import CappedLimitOffsetPagination
from .validation import validated


def _staff(request: Request) -> bool:
    return can(cast(User, request.user), Action.VENUE_OPERATE, current_venue(request))


def _actor(request: Request) -> User:
    return cast(User, request.user)


def _page(request: Request, view: APIView, rows: QuerySet[Any], serializer: Any) -> Response:
    paginator = CappedLimitOffsetPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _one(model: type[Model], pk: Any, field: str, label: str) -> Any:
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("%(what)s not found.") % {"what": label}, fields={field: [_("Not found at this venue.")]})
    return found


def _artworks(ids: list[int], field: str = "artworks") -> list[Artwork]:
    found = {a.pk: a for a in Artwork.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            _("Some artworks were not found."),
            fields={field: [_("Not found at this venue: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]},
        )
    return [found[i] for i in ids]


def _person(email: str | None, field: str) -> User | None:
    if not email:
        return None
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise InvalidInput(_("No such person."), fields={field: [_("No active person has this e-mail address.")]})
    return person


def _organisation(slug: str | None, field: str) -> Organisation | None:
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise InvalidInput(_("No such organisation."), fields={field: [_("No organisation has this slug.")]})
    return organisation


def _buyer(data: dict[str, Any]) -> sales.BuyerInput:
    return sales.BuyerInput(
        person=_person(data.get("buyer_person"), "buyer_person"),
        organisation=_organisation(data.get("buyer_organisation"), "buyer_organisation"),
        name=data.get("buyer_name", ""),
        email=data.get("buyer_email", ""),
    )


def _writes_need(action: Action, reads: Action = Action.VENUE_OPERATE) -> Any:
    """get_permissions for a view whose reads need `reads` and whose writes need `action`."""

    def get_permissions(self: APIView) -> list[Any]:
        return [allows(reads if self.request.method in SAFE_METHODS else action)()]

    return get_permissions


# Artists


class ArtistList(APIView):
    """The venue's artists (staff)."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.ArtistSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = Artist.objects.select_related("person", "organisation").order_by("name", "id")
        return _page(request, self, rows, gs.ArtistSerializer)

    @extend_schema(request=gs.ArtistWriteSerializer, responses={201: gs.ArtistSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ArtistWriteSerializer, request)
        data["person"] = _person(data.get("person"), "person")
        data["organisation"] = _organisation(data.get("organisation"), "organisation")
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
            data["person"] = _person(data["person"], "person")
        if "organisation" in data:
            data["organisation"] = _organisation(data["organisation"], "organisation")
        return Response(gs.ArtistSerializer(services.update_artist(artist=artist, changes=data)).data)


# Artworks


def _visible_artworks(request: Request) -> QuerySet[Artwork]:
    return selectors.artworks() if _staff(request) else selectors.artworks_on_sale()


class ArtworkList(APIView):
    """Works on sale (available, or on hold) for everyone; every work, filtered by `status` or `artist`, for
    the venue's staff, who add works here."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    get_permissions = _writes_need(Action.VENUE_OPERATE, reads=Action.GALLERY_BROWSE)

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
        return _page(request, self, rows, gs.ArtworkSerializer)

    @extend_schema(request=gs.ArtworkCreateSerializer, responses={201: gs.ArtworkSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ArtworkCreateSerializer, request)
        if "artist" in data:
            data["artist"] = _one(Artist, data["artist"], "artist", _("Artist"))
        if "edition_of" in data:
            data["edition_of"] = _one(Artwork, data["edition_of"], "edition_of", _("Edition set"))
        artwork = services.create_artwork(actor=_actor(request), fields=data)
        return Response(gs.ArtworkSerializer(artwork).data, status=status.HTTP_201_CREATED)


class ArtworkDetail(APIView):
    get_permissions = _writes_need(Action.VENUE_OPERATE, reads=Action.GALLERY_BROWSE)

    @extend_schema(responses=gs.ArtworkSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.ArtworkSerializer(get_object_or_404(_visible_artworks(request), pk=pk)).data)

    @extend_schema(request=gs.ArtworkUpdateSerializer, responses=gs.ArtworkSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        artwork = get_object_or_404(Artwork, pk=pk)
        data = validated(gs.ArtworkUpdateSerializer, request, partial=True)
        if "artist" in data:
            data["artist"] = _one(Artist, data["artist"], "artist", _("Artist"))
        return Response(
            gs.ArtworkSerializer(services.update_artwork(artwork=artwork, changes=data, actor=_actor(request))).data
        )


class ArtworkStatus(APIView):
    """Offer a work for sale (it must be under a consignment), withdraw it, or return it to the artist."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=gs.StatusChangeSerializer, responses=gs.ArtworkSerializer)
    def post(self, request: Request, pk: int) -> Response:
        artwork = get_object_or_404(Artwork, pk=pk)
        data = validated(gs.StatusChangeSerializer, request)
        changed = services.set_status(
            artwork=artwork, status=data["status"], actor=_actor(request), reason=data["reason"]
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
        return _page(request, self, _consignments(), gs.ConsignmentSerializer)

    @extend_schema(request=gs.ConsignmentCreateSerializer, responses={201: gs.ConsignmentSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ConsignmentCreateSerializer, request)
        consignment = services.consign(
            artist=_one(Artist, data["artist"], "artist", _("Artist")),
            commission_rate=data["commission_rate"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            artworks=_artworks(list(dict.fromkeys(data["artworks"]))),
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
        ended = services.end_consignment(consignment=consignment, ends_on=data["ends_on"], actor=_actor(request))
        return Response(gs.ConsignmentSerializer(get_object_or_404(_consignments(), pk=ended.pk)).data)


# Exhibitions


def _visible_exhibitions(request: Request) -> QuerySet[Exhibition]:
    if _staff(request):
        return selectors.exhibitions()
    venue = current_venue(request)
    assert venue is not None
    return selectors.public_exhibitions(timezone.now().astimezone(venue.tzinfo).date())


class ExhibitionList(APIView):
    """Published exhibitions on now or coming, for everyone; all of them for the venue's staff."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    get_permissions = _writes_need(Action.VENUE_OPERATE, reads=Action.GALLERY_BROWSE)

    @extend_schema(responses=gs.ExhibitionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return _page(request, self, _visible_exhibitions(request), gs.ExhibitionSerializer)

    @extend_schema(request=gs.ExhibitionWriteSerializer, responses={201: gs.ExhibitionSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.ExhibitionWriteSerializer, request)
        works = _artworks(data.pop("artworks")) if "artworks" in data else None
        exhibition = services.save_exhibition(exhibition=Exhibition(**data), artworks=works)
        shown = get_object_or_404(selectors.exhibitions(), pk=exhibition.pk)
        return Response(gs.ExhibitionSerializer(shown).data, status=status.HTTP_201_CREATED)


class ExhibitionDetail(APIView):
    get_permissions = _writes_need(Action.VENUE_OPERATE, reads=Action.GALLERY_BROWSE)

    @extend_schema(responses=gs.ExhibitionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.ExhibitionSerializer(get_object_or_404(_visible_exhibitions(request), pk=pk)).data)

    @extend_schema(request=gs.ExhibitionWriteSerializer, responses=gs.ExhibitionSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        exhibition = get_object_or_404(Exhibition, pk=pk)
        data = validated(gs.ExhibitionWriteSerializer, request, partial=True)
        works = _artworks(data.pop("artworks")) if "artworks" in data else None
        for name, value in data.items():
            setattr(exhibition, name, value)
        services.save_exhibition(exhibition=exhibition, artworks=works)
        return Response(gs.ExhibitionSerializer(get_object_or_404(selectors.exhibitions(), pk=pk)).data)


# Holds


class HoldList(APIView):
    """Holds of works for buyers (staff). A hold ends by itself at `expires_at`."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=Hold.Status.values)],
        responses=gs.HoldSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = Hold.objects.select_related("buyer_person", "buyer_organisation").order_by("-created_at", "-id")
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Hold.Status.values:
                raise InvalidInput(_("Unknown status."), fields={"status": [_("Not a status.")]})
            rows = rows.filter(status=wanted)
        return _page(request, self, rows, gs.HoldSerializer)

    @extend_schema(request=gs.HoldCreateSerializer, responses={201: gs.HoldSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.HoldCreateSerializer, request)
        hold = sales.place_hold(
            artwork_id=data["artwork"],
            buyer=_buyer(data),
            expires_at=data["expires_at"],
            actor=_actor(request),
            note=data["note"],
        )
        return Response(gs.HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldRelease(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=None, responses=gs.HoldSerializer)
    def post(self, request: Request, pk: int) -> Response:
        hold = get_object_or_404(Hold, pk=pk)
        return Response(gs.HoldSerializer(sales.release_hold(hold=hold, actor=_actor(request))).data)


# Sales


def _sales() -> QuerySet[Sale]:
    return Sale.objects.select_related("buyer_person", "buyer_organisation", "sold_by").order_by("-sold_at", "-id")


class SaleList(APIView):
    """Sales (staff). POST records one; repeat it with the same `Idempotency-Key` header to retry safely."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.SaleSerializer(many=True))
    def get(self, request: Request) -> Response:
        return _page(request, self, _sales(), gs.SaleSerializer)

    @extend_schema(
        request=gs.SaleCreateSerializer,
        responses={201: gs.SaleSerializer, 200: gs.SaleSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def post(self, request: Request) -> Response:
        data = validated(gs.SaleCreateSerializer, request)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 100:
            raise InvalidInput(
                _("The Idempotency-Key is too long."), fields={"idempotency_key": [_("100 characters at most.")]}
            )
        rate = data.get("vat_rate")
        if rate is not None and rate != VAT_RATES[data["vat_regime"]]:
            raise InvalidInput(
                _("This VAT rate does not go with this regime."),
                fields={
                    "vat_rate": [_("The rate of this regime is %(rate)s %%.") % {"rate": VAT_RATES[data["vat_regime"]]}]
                },
            )
        result = sales.sell(
            artwork_id=data["artwork"],
            buyer=_buyer(data),
            vat_regime=data["vat_regime"],
            payment_method=data["payment_method"],
            actor=_actor(request),
            price=data.get("price"),
            resale=data["resale"],
            override=data["override"],
            idempotency_key=key,
        )
        code = status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        return Response(gs.SaleSerializer(result.sale).data, status=code)


class SaleDetail(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.SaleSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(gs.SaleSerializer(get_object_or_404(_sales(), pk=pk)).data)


class SaleCancel(APIView):
    """Cancel a sale, or refund it once its artist was paid (deducted from their next statement)."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(request=gs.CancelSerializer, responses=gs.SaleSerializer)
    def post(self, request: Request, pk: int) -> Response:
        sale = get_object_or_404(Sale, pk=pk)
        data = validated(gs.CancelSerializer, request)
        cancelled = sales.cancel_sale(sale=sale, actor=_actor(request), reason=data["reason"])
        return Response(gs.SaleSerializer(get_object_or_404(_sales(), pk=cancelled.pk)).data)


# Payouts


class PayoutList(APIView):
    """Artist statements (staff): draw one up for an artist and a past period."""

    pagination_class = CappedLimitOffsetPagination  # (documents the page envelope)

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.PayoutSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = ArtistPayout.objects.select_related("artist").order_by("-period_start", "-id")
        return _page(request, self, rows, gs.PayoutSerializer)

    @extend_schema(request=gs.PayoutCreateSerializer, responses={201: gs.PayoutSerializer})
    def post(self, request: Request) -> Response:
        data = validated(gs.PayoutCreateSerializer, request)
        payout = payouts.draw_up_payout(
            artist=_one(Artist, data["artist"], "artist", _("Artist")),
            period_start=data["period_start"],
            period_end=data["period_end"],
            actor=_actor(request),
        )
        return Response(gs.PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


class PayoutDetail(APIView):
    """A statement with its lines (sales, and refunds deducted)."""

    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(responses=gs.PayoutStatementSerializer)
    def get(self, request: Request, pk: int) -> Response:
        payout = get_object_or_404(ArtistPayout.objects.select_related("artist"), pk=pk)
        return Response(gs.PayoutStatementSerializer(payout).data)


class PayoutPaid(APIView):
    """Mark a statement paid (managers)."""

    permission_classes = [allows(Action.VENUE_MANAGE)]

    @extend_schema(request=gs.PayoutPaidSerializer, responses=gs.PayoutSerializer)
    def post(self, request: Request, pk: int) -> Response:
        payout = get_object_or_404(ArtistPayout.objects.select_related("artist"), pk=pk)
        data = validated(gs.PayoutPaidSerializer, request)
        paid = payouts.mark_paid(payout=payout, actor=_actor(request), reference=data["reference"])
        return Response(gs.PayoutSerializer(paid).data)


class PayoutCsv(APIView):
    permission_classes = [allows(Action.VENUE_OPERATE)]

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="The statement as CSV.")}
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        payout = get_object_or_404(ArtistPayout.objects.select_related("artist"), pk=pk)
        response = HttpResponse(payouts.statement_csv(payout), content_type="text/csv; charset=utf-8")
        name = "statement-%d-%s.csv" % (payout.pk, payout.period_start.isoformat())
        response["Content-Disposition"] = 'attachment; filename="%s"' % name
        return response
