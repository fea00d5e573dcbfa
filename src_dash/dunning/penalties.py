"""French late-payment penalties between businesses (Code de commerce, article L441-10).

- Interest: the residual times the annual rate times the days late over 365. The rate is the
  European Central Bank's main refinancing rate plus 10 points (the legal floor when the terms
  say nothing else). The ECB rate is read from `SRC_DASH_ECB_RATE` (percent, e.g. "2.15");
  by default 2.15 %, the rate in force since June 2025 (set the variable each semester: the
  law uses the rate of 1 January for the first half-year and of 1 July for the second).
- Flat recovery indemnity (indemnité forfaitaire pour frais de recouvrement): 40 EUR per
  invoice paid late, owed by a business customer.

Amounts are Decimal, rounded to the cent (half-even, as everywhere in src_dash.money).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from src_dash.money import ZERO, to_money

DEFAULT_ECB_RATE = Decimal("2.15")
LEGAL_MARGIN = Decimal("10")
FLAT_INDEMNITY = Decimal("40.00")
DAYS_IN_YEAR = Decimal("365")


class PenaltyConfigError(ValueError):
    """The ECB rate setting is not a percentage."""


def ecb_rate(env: dict[str, str] | None = None) -> Decimal:
    """The ECB main refinancing rate in percent, from `SRC_DASH_ECB_RATE` (default 2.15).

    Args:
        env: mapping to read instead of `os.environ`, for tests.

    Raises:
        PenaltyConfigError: when the variable is set to something else than a percentage
            between 0 and 100 (a comma is accepted as the decimal separator).
    """
    raw = (os.environ if env is None else env).get("SRC_DASH_ECB_RATE", "").strip()
    if not raw:
        return DEFAULT_ECB_RATE
    try:
        value = Decimal(raw.replace(",", ".").rstrip("%").strip())
    except InvalidOperation as exc:
        raise PenaltyConfigError(
            f"SRC_DASH_ECB_RATE must be a percentage such as 2.15, not {raw!r}"
        ) from exc
    if not value.is_finite() or value < 0 or value > 100:
        raise PenaltyConfigError(f"SRC_DASH_ECB_RATE must be between 0 and 100, not {raw!r}")
    return value


@dataclass(frozen=True)
class ItemPenalty:
    """The penalties of one late item."""

    days_late: int
    interest: Decimal
    indemnity: Decimal

    @property
    def total(self) -> Decimal:
        """Interest plus indemnity."""
        return self.interest + self.indemnity


@dataclass(frozen=True)
class Penalties:
    """The penalties of a set of items."""

    ecb_rate: Decimal  # percent
    rate: Decimal  # percent: ECB + 10 points
    indemnity_per_invoice: Decimal
    interest: Decimal
    indemnity: Decimal
    invoices: int  # how many items bear the indemnity

    @property
    def total(self) -> Decimal:
        """Interest plus indemnities."""
        return self.interest + self.indemnity


def legal_rate(ecb: Decimal | None = None) -> Decimal:
    """The legal late-payment rate in percent: the ECB rate plus 10 points."""
    return (DEFAULT_ECB_RATE if ecb is None else ecb) + LEGAL_MARGIN


def item_penalty(
    residual: Decimal,
    due_date: date | None,
    as_of: date,
    *,
    is_invoice: bool = True,
    ecb: Decimal | None = None,
) -> ItemPenalty:
    """The interest and indemnity owed on one item as of a date.

    Args:
        residual: what is still owed on the item (book currency); nothing on a credit.
        due_date: the item's due date; nothing is owed before it or without one.
        as_of: the day the penalties are computed for.
        is_invoice: whether the item is an invoice (the 40 EUR indemnity is per invoice).
        ecb: the ECB rate in percent (default: `ecb_rate()`).
    """
    if due_date is None or residual <= 0 or as_of <= due_date:
        return ItemPenalty(days_late=0, interest=ZERO, indemnity=ZERO)
    days = (as_of - due_date).days
    rate = legal_rate(ecb_rate() if ecb is None else ecb)
    interest = to_money(residual * rate / Decimal(100) * Decimal(days) / DAYS_IN_YEAR)
    return ItemPenalty(
        days_late=days, interest=interest, indemnity=FLAT_INDEMNITY if is_invoice else ZERO
    )


def penalties(
    items: list[tuple[Decimal, date | None, bool]],
    as_of: date,
    ecb: Decimal | None = None,
) -> Penalties:
    """The penalties of several items: (residual, due date, is_invoice) each.

    Args:
        items: the items, each as (residual, due date, is an invoice).
        as_of: the day the penalties are computed for.
        ecb: the ECB rate in percent (default: `ecb_rate()`).
    """
    ecb = ecb_rate() if ecb is None else ecb
    parts = [item_penalty(r, d, as_of, is_invoice=inv, ecb=ecb) for r, d, inv in items]
    return Penalties(
        ecb_rate=ecb,
        rate=legal_rate(ecb),
        indemnity_per_invoice=FLAT_INDEMNITY,
        interest=sum((p.interest for p in parts), ZERO),
        indemnity=sum((p.indemnity for p in parts), ZERO),
        invoices=sum(1 for p in parts if p.indemnity),
    )
