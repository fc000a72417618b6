"""Writes of the marketplace: offers (by their organisation's owners) and requests (by any member)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from federation.models import Membership, Organisation, User
from federation.permissions import can_edit_organisation
from federation.selectors import active_organisations
from hub.errors import Conflict, InvalidInput, NotFound
from sync.outbox import record
from tenants.models import Venue

from .models import ServiceOffer, ServiceRequest

logger = logging.getLogger(__name__)
EDITABLE = {"title", "description", "sector", "price_indication", "price_from", "is_published"}


def offer_payload(offer: ServiceOffer, venue: Venue) -> dict[str, object]:
    delivered = offer.venues.filter(pk=venue.pk).exists()
    return {
        "id": offer.pk,
        "title": offer.title,
        "description": offer.description,
        "sector": offer.sector,
        "organisation": offer.organisation.name,
        "price_indication": offer.price_indication,
        "price_from": str(offer.price_from) if offer.price_from is not None else None,
        "published": offer.is_published and delivered and offer.organisation.status == Organisation.Status.ACTIVE,
    }


def _record(offer: ServiceOffer, venues: Iterable[Venue]) -> None:
    for venue in sorted(set(venues), key=lambda v: v.pk):
        record(
            venue=venue,
            aggregate_type="service",
            aggregate_id=offer.pk,
            event_type="service.upserted",
            payload=offer_payload(offer, venue),
        )


@transaction.atomic
def save_offer(
    *, offer: ServiceOffer, changes: Mapping[str, Any], venues: list[Venue] | None, actor: User
) -> ServiceOffer:
    """Create or change an offer of an active organisation the actor owns; `venues` (when given) are where
    it is delivered. The catalogue hears of it at every venue concerned (a venue dropped gets a removal)."""
    if offer.pk is not None:
        offer = ServiceOffer.objects.select_for_update().select_related("organisation").get(pk=offer.pk)
    if not can_edit_organisation(actor, offer.organisation):
        raise NotFound(_("No such organisation."))
    if offer.organisation.status != Organisation.Status.ACTIVE:
        raise Conflict(
            _("Only an active member organisation offers its services."),
            fields={"organisation": [offer.organisation.status]},
        )
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(_("These fields cannot be changed."), fields={n: [_("Read-only.")] for n in sorted(unknown)})
    for name, value in changes.items():
        setattr(offer, name, value)
    try:
        offer.full_clean(exclude=["organisation"])
    except ValidationError as exc:
        raise InvalidInput(_("The offer is not valid."), fields=exc.message_dict) from exc
    before = list(offer.venues.all()) if offer.pk is not None else []
    offer.save()
    if venues is not None:
        if not venues:
            raise InvalidInput(_("The offer is not valid."), fields={"venues": [_("Name at least one venue.")]})
        offer.venues.set(venues)
    _record(offer, [*before, *offer.venues.all()])
    return offer


@transaction.atomic
def request_service(*, offer: ServiceOffer, requester: User, message: str) -> ServiceRequest:
    """Send a request to the offering organisation; its owners are told by e-mail once it is stored."""
    if not message.strip():
        raise InvalidInput(_("Say what you need."), fields={"message": [_("This field may not be blank.")]})
    if offer.organisation.memberships.filter(user=requester).exists():
        raise Conflict(_("This is your own organisation's offer."), fields={"offer": [str(offer.pk)]})
    sent = ServiceRequest.objects.create(offer=offer, requester=requester, message=message.strip()[:5000])
    owners = list(
        offer.organisation.memberships.filter(role=Membership.Role.OWNER, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A request for “%(offer)s”") % {"offer": offer.title}
        senders = ", ".join(o.name for o in active_organisations(requester)) or requester.email
        body = _("%(who)s (%(from)s) writes about your offer “%(offer)s”:\n\n%(message)s\n\nReply to %(email)s.") % {
            "who": requester.full_name or requester.email,
            "from": senders,
            "offer": offer.title,
            "message": sent.message,
            "email": requester.email,
        }
    message_out = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, owners, reply_to=[requester.email])

    def send() -> None:
        try:
            get_connection().send_messages([message_out])
        except Exception:  # the request is stored; a mail outage is logged, not raised
            logger.exception("could not notify %s of service request %s", owners, sent.pk)

    if owners:
        transaction.on_commit(send)
    return sent
