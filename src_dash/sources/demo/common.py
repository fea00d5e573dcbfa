"""Days, money and identifiers of the demo generator: small pure helpers.

Days are ordinals (`date.toordinal()`); amounts are integer cents, exact as Decimal would be.
"""

from __future__ import annotations

import math
import random
import string
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal


def _codes() -> tuple[str, ...]:
    letters = string.ascii_uppercase
    return tuple(a + b + c for a in letters for b in letters for c in letters)


# Lettering codes in Sage's order (AAA, AAB, ...); lower case marks a partial lettering.
CODES = _codes()
CODES_LOWER = tuple(code.lower() for code in CODES)


def weekday(day: int) -> int:
    return (day - 1) % 7


def business_day(day: int) -> int:
    """Move a Saturday or Sunday to the next Monday."""
    wd = weekday(day)
    return day + 2 if wd == 5 else day + 1 if wd == 6 else day


def end_of_month(day: int) -> int:
    d = date.fromordinal(day)
    first_next = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return first_next.toordinal() - 1


def to_eur(cur_cents: int, rate: Decimal) -> int:
    """Amount in currency cents -> EUR cents, rate = units of currency for 1 EUR."""
    return int((Decimal(cur_cents) / rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def to_cur(eur_cents: int, rate: Decimal) -> int:
    return int((Decimal(eur_cents) * rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def vat_of(ht_cents: int) -> int:
    """20 % VAT, rounded half up to the cent."""
    return (ht_cents * 20 + 50) // 100


def ht_of(ttc_cents: int) -> int:
    return (ttc_cents * 100 + 60) // 120


def as_float(cents: int) -> float:
    # The nearest double of a 2-decimal amount reads back exactly with repr / to_money.
    return cents / 100


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def to_ascii(text: str) -> str:
    table = str.maketrans(
        "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ",
        "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY",
    )
    return text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").translate(table)


def slug(text: str) -> str:
    out = []
    for ch in to_ascii(text).lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def luhn_digit(digits: str) -> str:
    """Digit that makes `digits + digit` pass the Luhn check (SIREN / SIRET keys)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def siret_number(rng: random.Random) -> str:
    siren = f"{rng.randint(1, 9)}{rng.randint(0, 9999999):07d}"
    siren += luhn_digit(siren)
    nic = f"{rng.randint(1, 99):04d}"
    return siren + nic + luhn_digit(siren + nic)


def vat_number(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def phone_number(rng: random.Random, area: str) -> str:
    return f"{area} " + " ".join(f"{rng.randint(10, 99)}" for _ in range(4))
