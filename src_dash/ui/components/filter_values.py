"""The values the table pages' filters take (/clients, /echeances), read without Reflex: the
"any" and "none" options, the steps of lateness, the grades and their colours, and the typed
amounts, dates and free-field texts turned into what the services' queries want."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

ALL = "all"  # the value of a select's "any" option
NONE = "none"  # the value of a select's "none of them" option ("no sales rep", "no profile")
DAY_STEPS = ("1", "30", "60", "90", "120")
GRADES = ("A", "B", "C", "D", "E")
GRADE_COLORS = {"A": "green", "B": "teal", "C": "amber", "D": "orange", "E": "red"}


def parse_amount(text: str) -> Decimal | None:
    """A typed amount ("1 234,50", "1234.5"), None when empty; ValueError when it is not one."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def amount_range(low: str, high: str) -> tuple[Decimal | None, Decimal | None, bool]:
    """The lowest and highest amounts typed, and whether one of them is not an amount (then
    neither bounds the query)."""
    try:
        return parse_amount(low), parse_amount(high), False
    except ValueError:
        return None, None, True


def free_pairs(field: str, value: str) -> tuple[tuple[str, str], ...]:
    """A free-field filter's (name, text) pair, once a field is chosen and a text typed."""
    if field != ALL and value.strip():
        return ((field, value.strip()),)
    return ()


def parse_day(text: str) -> date | None:
    """An ISO date typed in a date input, None when empty or not a date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def ids_of(value: str) -> tuple[int, ...]:
    """The id chosen in a select of ids, or none when "all" (or anything else) is chosen."""
    return (int(value),) if value.isdigit() else ()


def profiles_of(value: str) -> tuple[str, ...]:
    """The profile chosen: "none" is the customers without a profile, "all" no filter."""
    if value == NONE:
        return ("",)
    if value != ALL:
        return (value,)
    return ()


def common_active(f: Mapping[str, Any]) -> list[bool]:
    """Which of the filters both table pages have narrow the view: company, sales rep, profile,
    grades, lateness, the amounts (once for both), the customer's free field (once chosen and a
    text typed)."""
    return [
        f["company"] != ALL,
        f["sales_rep"] != ALL,
        f["profile"] != ALL,
        bool(f["grades"]),
        f["min_days"] != ALL,
        bool(f["min_amount"] or f["max_amount"]),
        bool(free_pairs(f["free_field"], f["free_value"])),
    ]
