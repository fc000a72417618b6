"""Holds and sales of a venue's gallery. Run with the venue's schema active.

Every write locks the artwork's row first, so two sales (or a sale and a hold) of one work are decided
one after the other; a partial unique index (one completed sale per work, one active hold per work) backs
that up in the database."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.models import Organisation, User
from federation.permissions import Action, can
from hub import idempotency
from hub.errors import Conflict, HubError, InvalidInput
from tenants.selectors import active_venue

from . import money
from .models import ArtistPayout, Artwork, Hold, Sale
from .services import consignment_on, local_today, locked, transition

logger = logging.getLogger(__name__)
S = Artwork.Status
MAX_HOLD = dt.timedelta(days=90)


class NotAllowed(HubError):
    code = "not_allowed"


@dataclass(frozen=True)
class BuyerInput:
    person: User | None = None
    organisation: Organisation | None = None
    name: str = ""
    email: str = ""

    def errors(self) -> dict[str, list[str]]:
        if self.person is None and self.organisation is None and not (self.name and self.email):
            return {"buyer": [_("Name a person or organisation of the hub, or an outside buyer's name and e-mail.")]}
        return {}

    def fields(self) -> dict[str, object]:
        return {
            "buyer_person": self.person,
            "buyer_organisation": self.organisation,
            "buyer_name": self.name or (self.person.full_name if self.person else ""),
            "buyer_email": self.email or (self.person.email if self.person else ""),
        }

    def matches(self, hold: Hold) -> bool:
        """Is this the buyer the work is held for?"""
        if self.person is not None and hold.buyer_person_id == self.person.pk:
            return True
        if self.organisation is not None and hold.buyer_organisation_id == self.organisation.pk:
            return True
        return bool(self.email) and self.email.lower() == hold.buyer_email.lower() and not hold.buyer_person_id


@transaction.atomic
def place_hold(
    *,
    artwork_id: int,
    buyer: BuyerInput,
    expires_at: dt.datetime,
    actor: User,
    note: str = "",
    now: dt.datetime | None = None,
) -> Hold:
    """Keep an available work for a buyer until `expires_at` (at most 90 days ahead)."""
    now = now or timezone.now()
    errors = buyer.errors()
    if expires_at <= now:
        errors["expires_at"] = [_("The hold must end in the future.")]
    elif expires_at - now > MAX_HOLD:
        errors["expires_at"] = [_("A hold lasts 90 days at most.")]
    if errors:
        raise InvalidInput(_("The hold cannot be placed."), fields=errors)
    artwork = locked(artwork_id)
    if artwork.status != S.AVAILABLE:
        raise Conflict(
            _("Only an available work can be held; this one is %(status)s.") % {"status": S(artwork.status).label},
            fields={"status": [artwork.status]},
        )
    if consignment_on(artwork, local_today(now)) is None:
        raise Conflict(
            _("This work is not under a consignment today."), fields={"consignment": [_("No current consignment.")]}
        )
    hold = Hold.objects.create(
        artwork=artwork, expires_at=expires_at, created_by=actor, note=note[:200], **buyer.fields()
    )
    transition(artwork, S.ON_HOLD, actor=actor, reason=_("held until %(when)s") % {"when": expires_at.isoformat()})
    return hold


def _end_hold(hold: Hold, status: str, *, actor: User | None, now: dt.datetime, reason: str) -> Hold:
    hold.status, hold.ended_at = status, now
    hold.save(update_fields=["status", "ended_at"])
    artwork = locked(hold.artwork_id)
    if artwork.status == S.ON_HOLD:
        # Back on sale; or withdrawn, if its consignment ended meanwhile.
        back = S.AVAILABLE if consignment_on(artwork, local_today(now)) is not None else S.NOT_FOR_SALE
        transition(artwork, back, actor=actor, reason=reason, now=now)
    return hold


@transaction.atomic
def release_hold(*, hold: Hold, actor: User, now: dt.datetime | None = None) -> Hold:
    """End an active hold early; the work is available again."""
    now = now or timezone.now()
    locked(hold.artwork_id)
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.status != Hold.Status.ACTIVE:
        raise Conflict(_("This hold has ended already."), fields={"status": [hold.status]})
    return _end_hold(hold, Hold.Status.RELEASED, actor=actor, now=now, reason=_("hold released"))


def release_expired_holds(*, now: dt.datetime | None = None) -> int:
    """Release the active holds of the active venue whose time is up; returns how many. Each hold is its
    own transaction, so one failure does not keep the others."""
    now = now or timezone.now()
    released = 0
    for hold_id, artwork_id in Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__lte=now).values_list(
        "pk", "artwork_id"
    ):
        try:
            with transaction.atomic():
                locked(artwork_id)
                hold = Hold.objects.select_for_update().get(pk=hold_id)
                if hold.status != Hold.Status.ACTIVE or hold.expires_at > now:
                    continue  # sold, released or extended meanwhile
                _end_hold(hold, Hold.Status.EXPIRED, actor=None, now=now, reason=_("hold expired"))
                released += 1
        except HubError:
            logger.exception("could not release the expired hold %s", hold_id)
    return released


@dataclass(frozen=True)
class SaleResult:
    sale: Sale
    replayed: bool  # an Idempotency-Key repeated an earlier request: nothing new was written


def sell(
    *,
    artwork_id: int,
    buyer: BuyerInput,
    vat_regime: str,
    payment_method: str,
    actor: User,
    price: Decimal | None = None,
    vat_rate: Decimal | None = None,
    resale: bool = False,
    override: bool = False,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> SaleResult:
    """Sell a work at `price` (its asking price by default). The work must be available, or held for this
    buyer; a work held for someone else is sold only by a manager with `override`. The amounts follow
    money.breakdown. Raises InvalidInput (bad input, no consignment, key reused with another body),
    Conflict (sold, returned, withdrawn, held for another) and NotAllowed (override by non-manager)."""
    idempotency_key = idempotency.checked_key(idempotency_key)
    order = SaleOrder(
        artwork_id=artwork_id,
        buyer=buyer,
        vat_regime=vat_regime,
        payment_method=payment_method,
        actor=actor,
        price=price,
        resale=resale,
        override=override,
        idempotency_key=idempotency_key,
    )
    if idempotency_key:
        earlier = _replay(actor, idempotency_key, order.fingerprint())
        if earlier is not None:
            return earlier
    errors = buyer.errors()
    if price is not None and not Decimal("0.01") <= price <= Decimal("9999999.99"):
        errors["price"] = [_("Between 0.01 and 9,999,999.99 euros.")]
    if vat_rate is not None and vat_rate != money.VAT_RATES[vat_regime]:
        errors["vat_rate"] = [_("The rate of this regime is %(rate)s %%.") % {"rate": money.VAT_RATES[vat_regime]}]
    if resale and vat_regime == Sale.VatRegime.REDUCED:
        errors["vat_regime"] = [
            _("A resale is not sold at the reduced rate: use the margin scheme or the standard rate.")
        ]
    if errors:
        raise InvalidInput(_("The sale cannot be recorded."), fields=errors)
    try:
        with transaction.atomic():
            return _sell(order, now)
    except IntegrityError as exc:
        if idempotency_key:  # the same key, sent twice at once: the first one won
            earlier = _replay(actor, idempotency_key, order.fingerprint())
            if earlier is not None:
                return earlier
        if _constraint(exc) == "gallery_sale_one_completed":
            raise Conflict(_("This work has just been sold."), fields={"status": [S.SOLD]}) from exc
        raise Conflict(_("The sale conflicts with a change made at the same time.")) from exc


@dataclass(frozen=True)
class SaleOrder:
    artwork_id: int
    buyer: BuyerInput
    vat_regime: str
    payment_method: str
    actor: User
    price: Decimal | None
    resale: bool
    override: bool
    idempotency_key: str

    def fingerprint(self) -> str:
        buyer = self.buyer
        return idempotency.fingerprint(
            artwork=self.artwork_id,
            buyer=[
                buyer.person and buyer.person.pk,
                buyer.organisation and buyer.organisation.pk,
                buyer.name,
                buyer.email,
            ],
            vat_regime=self.vat_regime,
            payment_method=self.payment_method,
            price=self.price,
            resale=self.resale,
            override=self.override,
        )


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


def _sell(order: SaleOrder, now: dt.datetime | None) -> SaleResult:
    artwork = locked(order.artwork_id)
    if order.idempotency_key:  # a retry that waited on the lock for its first attempt to commit
        earlier = _replay(order.actor, order.idempotency_key, order.fingerprint())
        if earlier is not None:
            return earlier
    now = now or timezone.now()  # read after the lock: the sale's time is when it is decided
    if artwork.is_edition_set:
        raise InvalidInput(
            _("An edition set is not sold itself."), fields={"artwork": [_("Sell one of its numbered editions.")]}
        )
    hold = None
    if artwork.status == S.ON_HOLD:
        hold = Hold.objects.select_for_update().filter(artwork=artwork, status=Hold.Status.ACTIVE).first()
        if hold is not None and hold.expires_at <= now:  # its time is up; the beat task has not passed yet
            hold.status, hold.ended_at = Hold.Status.EXPIRED, now
            hold.save(update_fields=["status", "ended_at"])
            hold = None
        if hold is not None and not order.buyer.matches(hold):
            if not order.override:
                raise Conflict(
                    _("This work is on hold for another buyer until %(when)s.") % {"when": hold.expires_at.isoformat()},
                    fields={"status": [artwork.status]},
                )
            if not can(order.actor, Action.VENUE_MANAGE, active_venue()):
                raise NotAllowed(_("Only a manager may sell a work held for someone else."))
    elif artwork.status != S.AVAILABLE:
        raise Conflict(
            _("This work cannot be sold: it is %(status)s.") % {"status": S(artwork.status).label},
            fields={"status": [artwork.status]},
        )
    consignment = consignment_on(artwork, local_today(now))
    if consignment is None or consignment.artist_id != artwork.artist_id:
        raise InvalidInput(
            _("This work is not under a consignment today."), fields={"artwork": [_("No current consignment.")]}
        )
    amounts = money.breakdown(
        price=order.price if order.price is not None else artwork.price,
        vat_regime=order.vat_regime,
        commission_rate=consignment.commission_rate,
        resale=order.resale,
    )
    overridden = hold is not None and not order.buyer.matches(hold)
    if hold is not None:
        hold.status = Hold.Status.OVERRIDDEN if overridden else Hold.Status.CONVERTED
        hold.ended_at = now
        hold.save(update_fields=["status", "ended_at"])
    sale = Sale.objects.create(
        artwork=artwork,
        artist_id=artwork.artist_id,
        consignment=consignment,
        hold=hold,
        price=amounts.price,
        vat_regime=order.vat_regime,
        vat_rate=amounts.vat_rate,
        vat_amount=amounts.vat_amount,
        price_excl_vat=amounts.price_excl_vat,
        commission_rate=amounts.commission_rate,
        commission=amounts.commission,
        artist_net=amounts.artist_net,
        contribution=amounts.contribution,
        resale=order.resale,
        resale_right_applies=amounts.resale_right_applies,
        resale_right_amount=amounts.resale_right_amount,
        author_due=amounts.author_due,
        payment_method=order.payment_method,
        override=overridden,
        sold_at=now,
        sold_by=order.actor,
        idempotency_key=order.idempotency_key,
        request_fingerprint=order.fingerprint(),
        **order.buyer.fields(),
    )
    reason = _("sold (hold overridden)") if overridden else _("sold")
    transition(artwork, S.SOLD, actor=order.actor, reason=reason, now=now)
    return SaleResult(sale=sale, replayed=False)


def _replay(actor: User, key: str, fingerprint: str) -> SaleResult | None:
    earlier = idempotency.earlier(Sale.objects.filter(sold_by=actor, idempotency_key=key), fingerprint)
    return SaleResult(sale=earlier, replayed=True) if earlier is not None else None


@transaction.atomic
def cancel_sale(*, sale: Sale, actor: User, reason: str = "", now: dt.datetime | None = None) -> Sale:
    """Cancel a sale (before its artist was paid: it leaves its statement, and a statement left empty goes)
    or refund it (after: what the artist got is deducted from their next statement). The work is available
    again, or withdrawn if its consignment has ended."""
    from .payouts import refresh_totals

    artwork = locked(sale.artwork_id)
    sale = Sale.objects.select_for_update().get(pk=sale.pk)
    if sale.status != Sale.Status.COMPLETED:
        raise Conflict(_("This sale is cancelled already."), fields={"status": [sale.status]})
    statement = (
        ArtistPayout.objects.select_for_update().get(pk=sale.payout_id) if sale.payout_id is not None else None
    )  # locked before deciding, so a payment being recorded is waited for
    now = now or timezone.now()
    paid = statement is not None and statement.status == ArtistPayout.Status.PAID
    sale.status = Sale.Status.REFUNDED if paid else Sale.Status.CANCELLED
    sale.cancelled_at, sale.cancel_reason = now, reason[:200]
    if statement is not None and not paid:
        sale.payout = None
    sale.save(update_fields=["status", "cancelled_at", "cancel_reason", "payout"])
    if statement is not None and not paid:
        if statement.sales.exists() or statement.refunds.exists():
            refresh_totals(statement)
        else:
            statement.delete()  # nothing left to pay: the period is free again
    label = _("sale refunded") if paid else _("sale cancelled")
    back = S.AVAILABLE if consignment_on(artwork, local_today(now)) is not None else S.NOT_FOR_SALE
    transition(artwork, back, actor=actor, reason=(label + (": " + reason if reason else ""))[:200], now=now)
    return sale
