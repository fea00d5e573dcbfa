"""How good the predictions were: replay the ledger at monthly cutoffs, predict, compare.

At each cutoff C (what was known at C only: the models are trained at C), the population is the
invoices open at C not yet 15 days past due (whether they will be late is still a question).
What happened is read at the backtest's date T: an item is late when settled more than 15
days after due, or still open at T more than 15 days after due; on time when settled by then;
undecided otherwise (left out). Figures per cutoff:
- auc: ROC AUC of the late probability, and of the three baselines computed from the same
  history at C: the customer's share of late invoices, their amount-weighted days beyond terms
  (the PAYDEX measure) and their mean delay;
- mae: mean absolute error in days of the predicted pay date on the items settled by T, against
  due date + days beyond terms and due date + mean delay (both never before C, like the model).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from src_dash.analytics.ledger import Ledger
from src_dash.analytics.predict.features import LATE_DAYS
from src_dash.analytics.predict.model import predictions
from src_dash.analytics.scoring import roc_auc

BASELINES = ("share_late", "days_beyond_terms", "mean_delay")


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def _baselines(ledger: Ledger, cutoff: date) -> pl.DataFrame:
    late = pl.col("days_late").cast(pl.Float64)
    amount = pl.col("amount").cast(pl.Float64)
    history = ledger.view(cutoff).settled.filter(
        pl.col("settled_on") > cutoff - timedelta(days=365)
    )
    per_customer = history.group_by("customer_id").agg(
        (late > LATE_DAYS).mean().alias("share_late"),
        ((amount * late.clip(lower_bound=0)).sum() / amount.sum()).alias("days_beyond_terms"),
        late.mean().alias("mean_delay"),
    )
    overall = history.select(
        (late > LATE_DAYS).mean().alias("share_late"),
        ((amount * late.clip(lower_bound=0)).sum() / amount.sum()).alias("days_beyond_terms"),
        late.mean().alias("mean_delay"),
    ).row(0, named=True)
    return per_customer.with_columns(
        [pl.col(name).fill_null(overall[name] or 0.0) for name in BASELINES]
    ), overall


def _outcomes(ledger: Ledger, truth_day: date) -> pl.DataFrame:
    return ledger.view(truth_day).settled.select("id", pl.col("days_late").alias("actual"))


def evaluate(ledger: Ledger, cutoff: date, truth_day: date, company_id: int | None = None) -> dict:
    """The backtest's figures at one cutoff (see the module docstring)."""
    frame = predictions(ledger, cutoff).filter(pl.col("days_past_due") <= LATE_DAYS)
    if company_id is not None:
        frame = frame.filter(pl.col("company_id") == company_id)
    base, overall = _baselines(ledger, cutoff)
    frame = (
        frame.join(base, on="customer_id", how="left")
        .with_columns([pl.col(n).fill_null(overall[n] or 0.0) for n in BASELINES])
        .join(_outcomes(ledger, truth_day), on="id", how="left")
    )
    open_days = (pl.lit(truth_day) - pl.col("due")).dt.total_days()
    frame = frame.with_columns(
        late=pl.when(pl.col("actual").is_not_null())
        .then(pl.col("actual") > LATE_DAYS)
        .when(open_days > LATE_DAYS)
        .then(True)
        .otherwise(None)
    )
    decided = frame.filter(pl.col("late").is_not_null())
    labels = decided["late"].to_list()
    auc = {"model": roc_auc(decided["late_probability"].to_list(), labels)}
    for name in BASELINES:
        auc[name] = roc_auc(decided[name].to_list(), labels)
    settled = frame.filter(pl.col("actual").is_not_null())
    floor = pl.col("days_past_due")

    def mae(days: pl.Expr) -> float | None:
        if settled.is_empty():
            return None
        error = (pl.max_horizontal(days, floor) - pl.col("actual")).abs().mean()
        return settled.select(error).item()

    errors = {
        "model": mae(pl.col("predicted_days")),
        "days_beyond_terms": mae(pl.col("days_beyond_terms")),
        "mean_delay": mae(pl.col("mean_delay")),
    }
    methods = dict(frame.group_by("method").len().iter_rows()) if frame.height else {}
    return {
        "cutoff": cutoff.isoformat(),
        "items": frame.height,
        "decided": decided.height,
        "late": int(sum(labels)),
        "settled": settled.height,
        "auc": {k: None if v is None else round(v, 4) for k, v in auc.items()},
        "mae_days": {k: None if v is None else round(v, 2) for k, v in errors.items()},
        "methods": methods,
    }


def backtest(
    ledger: Ledger,
    today: date,
    months: int = 12,
    cutoff: date | None = None,
    company_id: int | None = None,
) -> list[dict]:
    """Figures at monthly cutoffs over the `months` before `today` (or at one `cutoff`).

    Args:
        ledger: the ledger.
        today: the date what happened is read at.
        months: how many monthly cutoffs.
        cutoff: a single cutoff instead.
        company_id: only this company's items (the models are each company's anyway).
    """
    cutoffs = [cutoff] if cutoff else [months_before(today, k) for k in range(months, 0, -1)]
    return [evaluate(ledger, c, today, company_id) for c in cutoffs]


def summary(results: list[dict]) -> dict:
    """Mean figures over the cutoffs, and at how many the model beat the best baseline."""
    rows = [r for r in results if r["auc"]["model"] is not None]
    out: dict = {"cutoffs": len(results)}
    if not rows:
        return out
    for key, names in (("auc", ("model", *BASELINES)), ("mae_days", ("model", *BASELINES[1:]))):
        out[key] = {
            n: round(sum(r[key][n] or 0 for r in rows) / len(rows), 4 if key == "auc" else 2)
            for n in names
        }
    out["auc_beats_best_baseline"] = sum(
        r["auc"]["model"] > max(r["auc"][n] or 0 for n in BASELINES) for r in rows
    )
    out["mae_beats_best_baseline"] = sum(
        (r["mae_days"]["model"] or 0)
        < min(r["mae_days"][n] or 1e9 for n in ("days_beyond_terms", "mean_delay"))
        for r in rows
    )
    return out
