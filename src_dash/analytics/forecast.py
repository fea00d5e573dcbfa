"""Cash-in forecast by week and month, against the monthly cash objective.

Each open item owed (positive residual, not under an open dispute: held, not expected) is
expected on:
- the date of the pending promise that covers it, if any (it replaces any prediction);
- else, once the pay-date models of the date are trained (`predict.model.ready`: the scheduler
  and the app's warm loop train them; a page never waits for it), its predicted pay date
  (`predict.model.predictions`);
- else (models not ready, or an item the models do not predict: no due date, fees) its due
  date shifted by the customer's usual delay: the amount-weighted mean days late (signed: early
  payers pay early) of its invoices settled in the last 12 months, 0 without history;
- never before the date asked: what should already have come is expected at once.

`forecast_accuracy` replays the forecast made a month (or `lead` months) before each of the
last months and sets it against the cash that came in.
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
from src_dash.analytics.predict import model as predict_model
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
    """The cash-in forecast of a scope as of a date.

    `method` is "model" when predicted pay dates gave some of the expected dates, else "rules".
    """

    as_of: date
    weeks: tuple[Period, ...]
    months: tuple[MonthPlan, ...]
    later: Decimal
    excluded_disputed: Decimal
    method: str = "rules"


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


def _predicted(ledger: Ledger, as_of: date) -> pl.DataFrame | None:
    """Predicted pay date per open invoice, None while the models of `as_of` are not trained."""
    if not predict_model.ready(ledger, as_of):
        return None
    frame = predict_model.predictions(ledger, as_of)
    return frame.select("id", pl.col("predicted_pay_date").cast(pl.Date))


def expected_items(
    ledger: Ledger, scope: Scope, as_of: date, use_model: bool = True
) -> tuple[pl.DataFrame, int]:
    """Open items owed with their expected date, and the residual left out as disputed.

    The frame has a `method` column: "promise", "model" or "rules" (what gave its date).
    `use_model=False` keeps the rules even when the models are ready.
    """
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
    predicted = _predicted(ledger, as_of) if use_model else None
    if predicted is None:
        predicted = pl.DataFrame(schema={"id": items.schema["id"], "predicted_pay_date": pl.Date})
    rule = pl.col("due") + pl.duration(days=pl.col("delay").fill_null(0))
    items = (
        items.join(usual_delays(ledger, as_of), on="customer_id", how="left")
        .join(promised, on="id", how="left")
        .join(predicted, on="id", how="left")
        .with_columns(
            expected=pl.max_horizontal(
                pl.coalesce("promised_on", "predicted_pay_date", rule), pl.lit(as_of)
            ),
            method=pl.when(pl.col("promised_on").is_not_null())
            .then(pl.lit("promise"))
            .when(pl.col("predicted_pay_date").is_not_null())
            .then(pl.lit("model"))
            .otherwise(pl.lit("rules")),
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
    use_model: bool = True,
) -> Forecast:
    """Expected cash-in by week and by month, with the monthly objective and the gap.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date (default today).
        weeks: how many weeks, from the week of `as_of`.
        months: how many months, from the month of `as_of`.
        use_model: use the predicted pay dates when the models of `as_of` are ready.
    """
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    items, disputed = expected_items(ledger, scope, as_of, use_model)
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
        method="model" if (items["method"] == "model").any() else "rules",
    )


@dataclass(frozen=True)
class ForecastCheck:
    """The forecast of a past month made `lead` months before it, against what came in.

    Attributes:
        month: the first day of the month checked.
        made_on: the date of the forecast (the first day of the month `lead` months before).
        expected: what that forecast expected in the month (the open items of `made_on` only:
            items invoiced later and paid within the month are not in it).
        collected: the payments posted in the month.
        error: collected - expected (positive: more came in than forecast).
        method: "model" when the models of `made_on` were trained and used, else "rules".
    """

    month: date
    made_on: date
    expected: Decimal
    collected: Decimal
    error: Decimal
    method: str


def forecast_accuracy(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    months: int = 6,
    lead: int = 1,
    train: bool = False,
) -> tuple[ForecastCheck, ...]:
    """The forecast's own past accuracy: for each of the last `months` whole months, oldest
    first, the forecast made `lead` months before (as-of replay of the ledger) vs the cash in.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date asked (default today); its own month is not checked (not over).
        months: how many past months.
        lead: how many months before the month checked the forecast was made (0: on its first
            day).
        train: train the models of each past date first (seconds each on a large base: for
            the scheduler or a command, never a page); without it a past forecast uses the
            models only if they are trained already, else the rules.
    """
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    days = daily_flows(ledger, scope, as_of)
    checks = []
    for back in range(months, 0, -1):
        month = add_months(as_of, -back)
        made_on = add_months(month, -lead)
        if ledger.first_day is not None and made_on < ledger.first_day:
            continue
        if train:
            predict_model.trained(ledger, made_on)
        past = forecast(engine, scope, made_on, weeks=0, months=lead + 1)
        expected = past.months[lead].expected
        month_end = add_months(month, 1)
        cash = days.filter(
            (pl.col("posting_date") >= month) & (pl.col("posting_date") < month_end)
        )["cash"].sum()
        collected = money(int(cash or 0))
        checks.append(
            ForecastCheck(month, made_on, expected, collected, collected - expected, past.method)
        )
    return tuple(checks)
