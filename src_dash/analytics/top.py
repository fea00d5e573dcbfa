"""Top 10 lists: largest overdue, worst score weighted by exposure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import amounts
from src_dash.analytics.ledger import KIND_FEE, Ledger, get_ledger
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.analytics.scoring import grade, score_frame
from src_dash.clock import today as clock_today
from src_dash.money import to_cents
from src_dash.store.rows import from_row


@dataclass(frozen=True)
class TopCustomer:
    """A customer in a top list.

    Attributes:
        risk: score / 100 x exposure (what is owed weighted by how badly it is paid).
        reason, reason_value: the customer's top reason (scoring.REASONS) and its number.
        oldest_days_overdue: days past due of its oldest overdue item.
    """

    customer_id: int
    number: str
    name: str
    overdue: Decimal
    outstanding: Decimal
    exposure: Decimal
    oldest_days_overdue: int
    score: int
    grade: str
    risk: Decimal
    reason: str = ""
    reason_value: int = 0


def top_frame(ledger: Ledger, scope: Scope, as_of: date) -> pl.DataFrame:
    """Per customer in scope with open items: overdue, outstanding, exposure, score, risk."""
    items = ledger.scoped(ledger.view(as_of).open_items, scope)
    positive = pl.col("residual").clip(lower_bound=0)
    per_customer = items.group_by("customer_id").agg(
        positive.filter(pl.col("days_overdue") > 0).sum().alias("overdue"),
        pl.col("residual").sum().alias("outstanding"),
        positive.sum().alias("exposure"),
        pl.col("days_overdue")
        .filter((pl.col("residual") > 0) & (pl.col("kind") != KIND_FEE))
        .max()
        .fill_null(0)
        .alias("oldest"),
    )
    scores = score_frame(ledger, as_of).select(
        "customer_id", "number", "name", "score", "reason", "reason_value"
    )
    return per_customer.join(scores, on="customer_id", how="left").with_columns(
        risk=(pl.col("exposure") * pl.col("score")) // 100
    )


def _rows(frame: pl.DataFrame) -> list[TopCustomer]:
    return [
        from_row(
            TopCustomer,
            r,
            **amounts(r, "overdue", "outstanding", "exposure", "risk"),
            oldest_days_overdue=int(r["oldest"]),
            reason=r["reason"] or "",
            reason_value=int(r["reason_value"] or 0),
            score=int(r["score"]),
            grade=grade(int(r["score"])),
        )
        for r in frame.iter_rows(named=True)
    ]


def _filtered(
    frame: pl.DataFrame, min_overdue: Decimal | None, grades: set[str] | None
) -> pl.DataFrame:
    if min_overdue is not None:
        frame = frame.filter(pl.col("overdue") >= to_cents(min_overdue))
    if grades:
        frame = frame.filter(
            pl.col("score").map_elements(grade, return_dtype=pl.String).is_in(list(grades))
        )
    return frame


def _top(
    engine: Engine,
    column: str,
    scope: Scope,
    as_of: date | None,
    limit: int,
    min_overdue: Decimal | None,
    grades: set[str] | None,
) -> list[TopCustomer]:
    """The `limit` customers with the largest positive `column` (ties: customer number)."""
    frame = top_frame(get_ledger(engine), scope, as_of or clock_today())
    frame = _filtered(frame.filter(pl.col(column) > 0), min_overdue, grades)
    return _rows(frame.sort([column, "number"], descending=[True, False]).head(limit))


def largest_overdue(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    limit: int = 10,
    min_overdue: Decimal | None = None,
    grades: set[str] | None = None,
) -> list[TopCustomer]:
    """The customers with the largest overdue amount (ties: customer number).

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date (default today).
        limit: how many.
        min_overdue: only customers owing at least this overdue.
        grades: only customers of these grades.
    """
    return _top(engine, "overdue", scope, as_of, limit, min_overdue, grades)


def worst_risk(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    limit: int = 10,
    min_overdue: Decimal | None = None,
    grades: set[str] | None = None,
) -> list[TopCustomer]:
    """The customers with the worst score weighted by exposure (score / 100 x exposure).

    Args: as for `largest_overdue`.
    """
    return _top(engine, "risk", scope, as_of, limit, min_overdue, grades)
