"""Validators for French business identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NAF_RE = re.compile(r"^[0-9]{2}\.[0-9]{2}[A-Z]$")
LA_POSTE_SIREN = "356000000"  # La Poste's establishments follow their own rule (digit sum divisible by 5)


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value: str) -> str:
    return re.sub(r"[\s.\u00a0-]", "", value or "")


def validate_siret(value: str) -> None:
    """A SIRET: 14 digits whose Luhn checksum holds (La Poste: digit sum divisible by 5)."""
    siret = normalise_siret(value)
    if not re.fullmatch(r"[0-9]{14}", siret):  # ASCII digits: \d would accept other scripts' digits
        raise ValidationError(_("A SIRET is 14 digits."), code="invalid_siret")
    valid = sum(map(int, siret)) % 5 == 0 if siret.startswith(LA_POSTE_SIREN) else luhn_ok(siret)
    if not valid:
        raise ValidationError(_("This SIRET's check digit is wrong."), code="invalid_siret")


def validate_naf(value: str) -> None:
    """A NAF/APE code of INSEE's 2008 classification, such as 59.11A or 90.01Z."""
    if not NAF_RE.match(value or ""):
        raise ValidationError(_("A NAF code looks like 59.11A."), code="invalid_naf")
