"""Checks of what a user typed, shared by every service that changes something: a text, a positive
amount, a date, a list of ids. Bad input raises `InvalidInput`, a ValueError naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from src_dash.dunning.smtp import BadAddress, one_address
from src_dash.money import ZERO, to_money

_MAX_ID = 2**31 - 1  # the store's integer ids (PostgreSQL INTEGER)


class InvalidInput(ValueError):
    """Input a user got wrong; the message names the field. Nothing was changed.

    Attributes:
        field: the name of the field at fault (amount, promised_on, items, reason, body, ...).
    """

    def __init__(self, field: str, message: str) -> None:
        """Keep the field and build the message `field: message`."""
        super().__init__(f"{field}: {message}")
        self.field = field


# ---------------------------------------------------------------------------------------------
# Checks shared by the services of the working side (worklist and settings use them too).


def text_field(value: object, field: str, max_length: int, required: bool = False) -> str:
    """A stripped text input, checked for presence and length.

    Raises:
        InvalidInput: when it is required and empty, or too long.
    """
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(field, "must not be empty")
    if len(text) > max_length:
        raise InvalidInput(field, f"is {len(text)} characters long; at most {max_length}")
    return text


def check_one_of(field: str, values: Iterable[object], allowed: Iterable[str]) -> None:
    """Check that each value is one of `allowed`.

    Raises:
        InvalidInput: naming the first value that is not, and the ones allowed.
    """
    allowed = tuple(allowed)
    for value in values:
        if value not in allowed:
            raise InvalidInput(field, f"{value!r} is not one of {', '.join(allowed)}")


def amount_field(value: object, field: str = "amount") -> Decimal:
    """A positive amount in cents.

    Raises:
        InvalidInput: when it is not a number or not above zero.
    """
    try:
        amount = to_money(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(field, f"{value!r} is not an amount") from exc
    if value is None or amount <= ZERO:
        raise InvalidInput(field, "must be more than 0")
    return amount


def date_field(value: object, field: str) -> date:
    """A date input (a date, or ISO text).

    Raises:
        InvalidInput: when it is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InvalidInput(field, f"{value!r} is not a date (YYYY-MM-DD)") from exc


def id_list(values: Iterable[object] | None, field: str) -> list[int]:
    """Distinct integer ids in the order given."""
    out: list[int] = []
    for value in values or ():
        try:
            number = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError) as exc:
            raise InvalidInput(field, f"{value!r} is not an id") from exc
        if not 0 < number <= _MAX_ID:
            raise InvalidInput(field, f"{value!r} is not an id")
        if number not in out:
            out.append(number)
    return out


def email_field(value: object, field: str = "email", max_length: int = 120) -> str:
    """An optional email address: empty, or exactly one plain address whose domain has a dot.

    The same rule as the one mail headers apply (`dunning.smtp.one_address`), so what a user may
    type is what can be sent to: no second address, display name, comma or control character.

    Raises:
        InvalidInput: anything else, or too long.
    """
    email = text_field(value, field, max_length)
    if not email:
        return ""
    try:
        email = one_address(email)
    except BadAddress:
        raise InvalidInput(field, f"{email!r} is not one email address") from None
    if "." not in email.rsplit("@", 1)[1].strip("."):
        raise InvalidInput(field, f"{email!r} is not one email address")
    return email
