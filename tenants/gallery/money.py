"""The arithmetic of a gallery sale, in Decimal euros, rounded half up to the cent at each step.

Whatever the VAT regime, `price = vat_amount + commission + artist_net` to the cent:

- reduced / standard: VAT is in the price (`price × rate / (100 + rate)`); the commission is taken on the
  price excluding VAT; the artist gets the rest.
- margin (régime de la marge): the commission is taken on the whole price and includes the VAT, which is
  due on that margin only; the artist gets the price less that commission.
- exempt (franchise en base): no VAT; commission on the price.

The diffuseur contribution (1.1 % of the artist's remuneration) is owed by the venue on top of what it pays
the artist; it is not deducted from it. The resale right (droit de suite) applies to a resale by an art-market
professional at €750 or more excluding VAT, on the degressive scale of the Code de la propriété intellectuelle
(art. R122-6), capped at €12,500.

What the venue owes the artist (`author_due`) is their remuneration on a first sale; on a resale the proceeds
belong to the seller, and the artist is owed the droit de suite only (no diffuseur contribution is due then).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
CONTRIBUTION_RATE = Decimal("1.1")  # percent of the artist's remuneration
RESALE_RIGHT_THRESHOLD = Decimal("750")
RESALE_RIGHT_CAP = Decimal("12500")
# (upper bound of the price band, percent), applied band by band
RESALE_RIGHT_SCALE = [
    (Decimal("50000"), Decimal("4")),
    (Decimal("200000"), Decimal("3")),
    (Decimal("350000"), Decimal("1")),
    (Decimal("500000"), Decimal("0.5")),
    (None, Decimal("0.25")),
]
# The VAT rate each regime uses in mainland France (percent).
VAT_RATES = {"reduced": Decimal("5.5"), "standard": Decimal("20"), "margin": Decimal("20"), "exempt": Decimal("0")}


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, rate: Decimal) -> Decimal:
    return cents(amount * rate / HUNDRED)


@dataclass(frozen=True)
class Breakdown:
    price: Decimal
    vat_rate: Decimal
    vat_amount: Decimal
    price_excl_vat: Decimal
    commission_rate: Decimal
    commission: Decimal  # the venue's, excluding VAT
    artist_net: Decimal  # the artist's remuneration
    contribution: Decimal  # owed by the venue on the artist's remuneration
    resale_right_applies: bool
    resale_right_amount: Decimal
    author_due: Decimal  # what the venue owes the artist for this sale


def resale_right(price_excl_vat: Decimal) -> Decimal:
    """The droit de suite on a resale at `price_excl_vat` (0 under the threshold)."""
    if price_excl_vat < RESALE_RIGHT_THRESHOLD:
        return Decimal("0.00")
    due, lower = Decimal(0), Decimal(0)
    for upper, rate in RESALE_RIGHT_SCALE:
        top = price_excl_vat if upper is None else min(price_excl_vat, upper)
        if top > lower:
            due += (top - lower) * rate / HUNDRED
        if upper is None or price_excl_vat <= upper:
            break
        lower = upper
    return cents(min(due, RESALE_RIGHT_CAP))


def breakdown(*, price: Decimal, vat_regime: str, commission_rate: Decimal, resale: bool = False) -> Breakdown:
    price = cents(price)
    rate = VAT_RATES[vat_regime]
    if vat_regime == "margin":
        commission_incl = percent_of(price, commission_rate)
        vat = cents(commission_incl * rate / (HUNDRED + rate))
        commission = commission_incl - vat
    else:
        vat = cents(price * rate / (HUNDRED + rate))
        commission = percent_of(price - vat, commission_rate)
    artist_net = price - vat - commission
    applies = resale and price - vat >= RESALE_RIGHT_THRESHOLD
    right = resale_right(price - vat) if applies else Decimal("0.00")
    return Breakdown(
        price=price,
        vat_rate=rate,
        vat_amount=vat,
        price_excl_vat=price - vat,
        commission_rate=commission_rate,
        commission=commission,
        artist_net=artist_net,
        contribution=Decimal("0.00") if resale else percent_of(artist_net, CONTRIBUTION_RATE),
        resale_right_applies=applies,
        resale_right_amount=right,
        author_due=right if resale else artist_net,
    )
