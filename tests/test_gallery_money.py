"""The arithmetic of a sale, in Decimal, on edge values (worked out by hand, not by the code under test)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenants.gallery.money import breakdown, resale_right

D = Decimal


@pytest.mark.parametrize(
    ("price", "regime", "commission", "vat", "commission_excl", "net", "contribution"),
    [
        # 1000 × 5.5/105.5 = 52.1327…; 947.87 × 40 % = 379.148; 568.72 × 1.1 % = 6.2559…
        ("1000.00", "reduced", "40", "52.13", "379.15", "568.72", "6.26"),
        ("1000.00", "standard", "40", "166.67", "333.33", "500.00", "5.50"),
        # margin: 400 commission incl. VAT, of which 400 × 20/120 = 66.666… VAT
        ("1000.00", "margin", "40", "66.67", "333.33", "600.00", "6.60"),
        ("1000.00", "exempt", "40", "0.00", "400.00", "600.00", "6.60"),
        # a cent: the commission 0.005 rounds half up to 0.01, leaving the artist nothing
        ("0.01", "reduced", "50", "0.00", "0.01", "0.00", "0.00"),
        ("0.01", "margin", "100", "0.00", "0.01", "0.00", "0.00"),
        ("120.00", "standard", "0", "20.00", "0.00", "100.00", "1.10"),
        ("50.00", "exempt", "100", "0.00", "50.00", "0.00", "0.00"),
        # 15.00 × 1.1 % = 0.165: half up gives 0.17 (banker's rounding would give 0.16)
        ("15.00", "exempt", "0", "0.00", "0.00", "15.00", "0.17"),
        # the largest price: 9,999,999.99 × 20/120 = 1,666,666.665 exactly, half up
        ("9999999.99", "standard", "100", "1666666.67", "8333333.32", "0.00", "0.00"),
    ],
)
def test_known_breakdowns(
    price: str, regime: str, commission: str, vat: str, commission_excl: str, net: str, contribution: str
) -> None:
    found = breakdown(price=D(price), vat_regime=regime, commission_rate=D(commission))
    assert (found.vat_amount, found.commission, found.artist_net, found.contribution) == (
        D(vat),
        D(commission_excl),
        D(net),
        D(contribution),
    )
    assert all(isinstance(v, Decimal) for v in (found.vat_amount, found.commission, found.artist_net))


PRICES = ["0.01", "0.02", "0.99", "1.00", "9.99", "33.33", "100.00", "749.99", "750.00", "1234.56", "99999.99"]
RATES = ["0", "0.01", "12.5", "33.33", "50", "66.67", "99.99", "100"]


@pytest.mark.parametrize("regime", ["reduced", "standard", "margin", "exempt"])
def test_the_parts_always_add_up_to_the_price(regime: str) -> None:
    for price in PRICES:
        for rate in RATES:
            found = breakdown(price=D(price), vat_regime=regime, commission_rate=D(rate))
            assert found.vat_amount + found.commission + found.artist_net == D(price), (price, rate)
            assert found.price_excl_vat == D(price) - found.vat_amount
            assert min(found.vat_amount, found.commission, found.artist_net, found.contribution) >= 0
            assert all(v == v.quantize(D("0.01")) for v in (found.vat_amount, found.commission, found.artist_net))


@pytest.mark.parametrize(
    ("price", "regime", "applies", "amount"),
    [
        ("900.00", "exempt", True, "36.00"),  # 900 ≥ 750: 4 %
        ("749.99", "exempt", False, "0.00"),
        ("900.00", "standard", True, "30.00"),  # 900 / 1.2 = 750.00 excl. VAT: just at the threshold
        ("899.99", "standard", False, "0.00"),  # 749.99 excl. VAT
    ],
)
def test_the_resale_right_applies_to_resales_from_750_excluding_vat(
    price: str, regime: str, applies: bool, amount: str
) -> None:
    found = breakdown(price=D(price), vat_regime=regime, commission_rate=D(30), resale=True)
    assert (found.resale_right_applies, found.resale_right_amount) == (applies, D(amount))
    primary = breakdown(price=D(price), vat_regime=regime, commission_rate=D(30))
    assert not primary.resale_right_applies and primary.resale_right_amount == 0


@pytest.mark.parametrize(
    ("price", "due"),
    [
        ("749.99", "0.00"),
        ("750.00", "30.00"),
        ("50000.00", "2000.00"),
        ("200000.00", "6500.00"),  # + 3 % of 150,000
        ("350000.00", "8000.00"),  # + 1 % of 150,000
        ("500000.00", "8750.00"),  # + 0.5 % of 150,000
        ("2000000.00", "12500.00"),  # + 0.25 % of 1,500,000: the cap exactly
        ("3000000.00", "12500.00"),  # capped
        ("60000.01", "2300.00"),  # 2000 + 3 % of 10,000.01 = 2300.0003
    ],
)
def test_the_resale_right_scale(price: str, due: str) -> None:
    assert resale_right(D(price)) == D(due)
