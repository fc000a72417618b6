"""What the venue views share: who is asking, paging, and ids or keys of the body looked up in the venue's
schema (a miss is a field error: another venue's id does not exist here)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from federation.models import Organisation, User
from federation.permissions import Action, allows, can
from hub.errors import InvalidInput
from hub.http import current_venue
from tenants.gallery import sales
from tenants.gallery.models import Artwork
from tenants.models import Venue

from .pagination import CappedLimitOffsetPagination


def staff(request: Request) -> bool:
    return can(cast(User, request.user), Action.VENUE_OPERATE, current_venue(request))


def request_venue(request: Request) -> Venue:
    """The venue of the request's host (the venue URL conf serves only those)."""
    return cast(Venue, current_venue(request))


def actor(request: Request) -> User:
    return cast(User, request.user)


def page(request: Request, view: APIView, rows: QuerySet[Any], serializer: Any) -> Response:
    paginator = CappedLimitOffsetPagination()
    shown = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer(shown, many=True).data)


def one(model: type[Model], pk: Any, field: str, label: str) -> Any:
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("%(what)s not found.") % {"what": label}, fields={field: [_("Not found at this venue.")]})
    return found


def artworks(ids: list[int], field: str = "artworks") -> list[Artwork]:
    found = {a.pk: a for a in Artwork.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            _("Some artworks were not found."),
            fields={field: [_("Not found at this venue: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]},
        )
    return [found[i] for i in ids]


def person(email: str | None, field: str) -> User | None:
    if not email:
        return None
    found = User.objects.filter(email__iexact=email, is_active=True).first()
    if found is None:
        raise InvalidInput(_("No such person."), fields={field: [_("No active person has this e-mail address.")]})
    return found


def organisation(slug: str | None, field: str) -> Organisation | None:
    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidInput(_("No such organisation."), fields={field: [_("No organisation has this slug.")]})
    return found


def buyer(data: dict[str, Any]) -> sales.BuyerInput:
    return sales.BuyerInput(
        person=person(data.get("buyer_person"), "buyer_person"),
        organisation=organisation(data.get("buyer_organisation"), "buyer_organisation"),
        name=data.get("buyer_name", ""),
        email=data.get("buyer_email", ""),
    )


def writes_need(action: Action, reads: Action = Action.VENUE_OPERATE) -> Any:
    """get_permissions for a view whose reads need `reads` and whose writes need `action`."""

    def get_permissions(self: APIView) -> list[Any]:
        return [allows(reads if self.request.method in SAFE_METHODS else action)()]

    return get_permissions
