"""Aging balance (balance âgée): positive residuals by days past due, in configurable buckets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import money, with_groups
from src_dash.analytics.ledger import Ledger, get_ledger
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.clock import today as clock_today

DEFAULT_BOUNDS = (30, 60, 90, 120)


def bucket_labels(bounds: Sequence[int] = DEFAULT_BOUNDS) -> tuple[str, ...]:
    """Names of the buckets: "not_due", "1-30", ..., "over_120".

    Raises:
        ValueError: when the bounds are not positive and increasing.
    """
    if not bounds or any(b <= 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
        raise ValueError(f"aging bounds must be positive and increasing, got {list(bounds)}")
    labels = ["not_due"]
    low = 1
    for high in bounds:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(f"over_{bounds[-1]}")
    return tuple(labels)


@dataclass(frozen=True)
class AgingRow:
    """One row of the aging balance.

    Attributes:
        key: the group (see `balances.with_groups`).
        label: its name.
        book_currency: the currency of the amounts.
        buckets: (bucket name, amount) in bucket order; amounts are positive residuals.
        credits: negative residuals (unapplied payments, credit notes), not aged.
        total: sum of the buckets plus credits: the outstanding.
    """

    key: str
    label: str
    book_currency: str
    buckets: tuple[tuple[str, Decimal], ...]
    credits: Decimal
    total: Decimal

    def bucket(self, name: str) -> Decimal:
        """The amount of one bucket by name."""
        return dict(self.buckets)[name]


def aging_frame(
    ledger: Ledger,
    scope: Scope,
    as_of: date,
    by: str = "total",
    bounds: Sequence[int] = DEFAULT_BOUNDS,
) -> pl.DataFrame:
    """The aging balance as a frame of cents, one column per bucket."""
    labels = bucket_labels(bounds)
    items = with_groups(ledger.scoped(ledger.view(as_of).open_items, scope), ledger, by)
    days = pl.col("days_overdue")
    positive = pl.col("residual").clip(lower_bound=0)
    exprs = [positive.filter(days == 0).sum().alias(labels[0])]
    low = 1
    for label, high in zip(labels[1:-1], bounds, strict=True):
        exprs.append(positive.filter(days.is_between(low, high)).sum().alias(label))
        low = high + 1
    exprs.append(positive.filter(days > bounds[-1]).sum().alias(labels[-1]))
    return (
        items.group_by("key", "book_currency")
        .agg(
            pl.col("label").first(),
            *exprs,
            pl.col("residual").clip(upper_bound=0).sum().alias("credits"),
            pl.col("residual").sum().alias("total"),
        )
        .sort("total", "key", descending=[True, False])
    )


def aging(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    by: str = "total",
    bounds: Sequence[int] = DEFAULT_BOUNDS,
) -> list[AgingRow]:
    """The aging balance: positive residuals by days past due, per group.

    Days past due = as_of - due date (items with no due date are due on their posting date);
    "not_due" holds items due on `as_of` or later.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date (default today).
        by: customer, company, sales_rep, collector, currency or total.
        bounds: upper bounds in days of the overdue buckets (default 30, 60, 90, 120).
    """
    as_of = as_of or clock_today()
    labels = bucket_labels(bounds)
    frame = aging_frame(get_ledger(engine), scope, as_of, by, bounds)
    return [
        AgingRow(
            key=row["key"],
            label=row["label"] or "",
            book_currency=row["book_currency"],
            buckets=tuple((name, money(row[name])) for name in labels),
            credits=money(row["credits"]),
            total=money(row["total"]),
        )
        for row in frame.iter_rows(named=True)
    ]
