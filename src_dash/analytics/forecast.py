"""Cash-in forecast by week and month, against the monthly cash objective.

Each open item owed (positive residual, not under an open dispute) is expected on:
- the date of the pending promise that covers it, if any;
- else its due date shifted by the customer's usual delay: the amount-weighted mean days late
  (signed: early payers pay early) of its invoices settled in the last 12 months, 0 without
  history;
- never before the date asked: what should already have come is expected at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import money
from src_dash.analytics.kpis import add_months, daily_flows, month_start
from src_dash.analytics.ledger import Ledger, get_ledger
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.clock import today as clock_today


@dataclass(frozen=True)
class Period:
    """Expected cash-in of one week (starting on its Monday) or one month."""

    start: date
    expected: Decimal
    items: int


@dataclass(frozen=True)
class MonthPlan:
    """A month against its cash objective.

    Attributes:
        collected: payments already posted in the month (up to the date asked).
        expected: what the forecast expects for the rest of the month.
        objective: the cash objective of the month for the scope (None when none is set).
        gap: objective - (collected + expected); positive means short of the objective.
    """

    month: date
    collected: Decimal
    expected: Decimal
    objective: Decimal | None
    gap: Decimal | None


@dataclass(frozen=True)
class Forecast:
    """The cash-in forecast of a scope as of a date."""

    as_of: date
    weeks: tuple[Period, ...]
    months: tuple[MonthPlan, ...]
    later: Decimal
    excluded_disputed: Decimal


def usual_delays(ledger: Ledger, as_of: date) -> pl.DataFrame:
    """Per customer: amount-weighted mean days late of invoices settled in the last 12 months."""
    return ledger.memo(("delays", as_of), lambda: _usual_delays(ledger, as_of))


def _usual_delays(ledger: Ledger, as_of: date) -> pl.DataFrame:
    view = ledger.view(as_of)
    amount = pl.col("amount").cast(pl.Float64)
    return (
        view.settled.filter(pl.col("settled_on") > as_of - timedelta(days=365))
        .group_by("customer_id")
        .agg(((amount * pl.col("days_late")).sum() / amount.sum()).round(0).alias("delay"))
        .with_columns(pl.col("delay").cast(pl.Int32))
    )


def expected_items(ledger: Ledger, scope: Scope, as_of: date) -> tuple[pl.DataFrame, int]:
    """Open items owed with their expected date, and the residual left out as disputed."""
    view = ledger.view(as_of)
    items = ledger.scoped(view.open_items, scope).filter(pl.col("residual") > 0)
    disputes = ledger.disputes.filter(
        (pl.col("opened_on") <= as_of)
        & (pl.col("closed_on").is_null() | (pl.col("closed_on") > as_of))
        & ((pl.col("status") == "open") | pl.col("closed_on").is_not_null())
    )
    disputed_ids = ledger.dispute_items.filter(
        pl.col("dispute_id").is_in(disputes["dispute_id"].implode())
    )["entry_id"]
    disputed = items.filter(pl.col("id").is_in(disputed_ids.implode()))
    items = items.filter(~pl.col("id").is_in(disputed_ids.implode()))
    promises = ledger.promises.filter(
        (pl.col("created_on") <= as_of)
        & (pl.col("status") != "cancelled")
        & (pl.col("resolved_on").is_null() | (pl.col("resolved_on") > as_of))
    )
    promised = (
        ledger.promise_items.join(
            promises.select("promise_id", "promised_on"), on="promise_id", how="inner"
        )
        .group_by(pl.col("entry_id").alias("id"))
        .agg(pl.col("promised_on").min())
    )
    items = (
        items.join(usual_delays(ledger, as_of), on="customer_id", how="left")
        .join(promised, on="id", how="left")
        .with_columns(
            expected=pl.max_horizontal(
                pl.coalesce(
                    "promised_on",
                    pl.col("due") + pl.duration(days=pl.col("delay").fill_null(0)),
                ),
                pl.lit(as_of),
            )
        )
    )
    return items, int(disputed["residual"].sum() or 0)


def _objectives(ledger: Ledger, scope: Scope) -> pl.DataFrame:
    """Cash objective per month for the scope (cents)."""
    goals = ledger.objectives
    if scope.collector_ids is None:
        goals = goals.filter(pl.col("user_id").is_null())
    else:
        goals = goals.filter(pl.col("user_id").is_in(list(scope.collector_ids)))
    if scope.company_ids is not None:
        goals = goals.filter(pl.col("company_id").is_in(list(scope.company_ids)))
        return goals.group_by("month").agg(pl.col("amount").sum().alias("objective"))
    # Consolidated: an objective for all companies wins over the sum of per-company ones.
    overall = goals.filter(pl.col("company_id").is_null())
    per_company = goals.filter(
        pl.col("company_id").is_not_null() & ~pl.col("month").is_in(overall["month"].implode())
    )
    return (
        pl.concat([overall, per_company])
        .group_by("month")
        .agg(pl.col("amount").sum().alias("objective"))
    )


def forecast(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    weeks: int = 13,
    months: int = 3,
) -> Forecast:
    """Expected cash-in by week and by month, with the monthly objective and the gap.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date (default today).
        weeks: how many weeks, from the week of `as_of`.
        months: how many months, from the month of `as_of`.
    """
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    items, disputed = expected_items(ledger, scope, as_of)
    first_week = as_of - timedelta(days=as_of.weekday())
    week_starts = [first_week + timedelta(weeks=i) for i in range(weeks)]
    month_starts = [add_months(as_of, i) for i in range(months)]
    by_week = dict(
        items.group_by(pl.col("expected").dt.truncate("1w").alias("w"))
        .agg(pl.col("residual").sum(), pl.len())
        .select("w", pl.struct("residual", "len"))
        .iter_rows()
    )
    by_month = dict(
        items.group_by(pl.col("expected").dt.truncate("1mo").alias("m"))
        .agg(pl.col("residual").sum())
        .iter_rows()
    )
    days = daily_flows(ledger, scope, as_of)
    collected = int(days.filter(pl.col("posting_date") >= month_start(as_of))["cash"].sum() or 0)
    goals = dict(_objectives(ledger, scope).iter_rows())
    plans = []
    for i, start in enumerate(month_starts):
        got = collected if i == 0 else 0
        expected = int(by_month.get(start, 0))
        goal = goals.get(start)
        plans.append(
            MonthPlan(
                month=start,
                collected=money(got),
                expected=money(expected),
                objective=None if goal is None else money(goal),
                gap=None if goal is None else money(goal - got - expected),
            )
        )
    horizon = add_months(as_of, months)
    later = int(items.filter(pl.col("expected") >= horizon)["residual"].sum() or 0)
    return Forecast(
        as_of=as_of,
        weeks=tuple(
            Period(
                start=w,
                expected=money((by_week.get(w) or {}).get("residual", 0)),
                items=int((by_week.get(w) or {}).get("len", 0)),
            )
            for w in week_starts
        ),
        months=tuple(plans),
        later=money(later),
        excluded_disputed=money(disputed),
    )
