"""Money rules: amounts are Decimal with cents; the store keeps them as integer cents."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: object) -> Decimal:
    """Turn a number from a source (Decimal, int, float, str) into a Decimal rounded to the cent.

    Floats come from ODBC drivers that return NUMERIC as double; `repr` gives the shortest string
    that round-trips, so 123.45 stays 123.45 and never becomes 123.4500000000000028.

    Raises:
        ValueError: when the value is not a number.
    """
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        dec = value
    elif isinstance(value, float):
        dec = Decimal(repr(value))
    else:
        try:
            dec = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
    if not dec.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return dec.quantize(CENT, rounding=ROUND_HALF_EVEN)


def to_cents(amount: Decimal | int | str) -> int:
    """Return the integer number of cents of an amount (rounded half-even)."""
    if type(amount) is Decimal and amount.as_tuple().exponent >= -2:  # the usual case
        return int(amount.scaleb(2))
    return int(to_money(amount).scaleb(2))


def from_cents(cents: int) -> Decimal:
    """Return the Decimal amount of an integer number of cents."""
    return (Decimal(int(cents)) / 100).quantize(CENT)
