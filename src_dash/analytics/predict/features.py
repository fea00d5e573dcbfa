"""Features of an item to predict, computed from what the ledger knew on a date (as-of replay).

Every feature of an item at a date S is read from `Ledger.view(S)` and from the follow-up
(promises, disputes) dated by S: nothing after S is seen. The demo's payer behaviours are not
in the store and never a feature.

Customer history (invoices settled in the two years before S):
- delay_recent: amount- and recency-weighted days late (half-life `HALF_LIFE_DAYS`);
- delay_mean, delay_sd, delay_last: plain mean, spread and the last settled invoice's delay;
- share_late: share settled more than `LATE_DAYS` after due; settled_count;
- trend: weighted delay of the last 3 months minus that of the months before;
- partial_share: share of the customer's open invoices already partly paid;
- outstanding (log), overdue_share: what the customer owes at S, and the part overdue;
- seniority_days: days since the customer's first line; bounced: rejected payments (12 months);
- disputes, promises_kept, promises_broken (12 months).
Given that the item is still open this late (as it is at S: its days past due), the customer's
past invoices that were too: cond_count of them, cond_median delay, cond_share_late paid more
than 15 days late, and cond_share_shrunk, that share smoothed at the threshold (a payment 14
days late counts 0.4) and shrunk toward the company's share with the weight of one invoice
(`PRIOR_WEIGHT`, `SMOOTH_DAYS`: demo backtest, the best AUC of weights 0.5 to 8 and spreads
0 to 7 days); the same on every past invoice is delay_median.
The item: log amount and amount relative to the customer's median invoice, terms (due - posted),
day of month and month end of its due date, days past due at S (negative before), the share
still open, whether it is under an open dispute or a pending promise at S.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from src_dash.analytics.ledger import KIND_INVOICE, Ledger, LedgerView

HALF_LIFE_DAYS = 180.0
LATE_DAYS = 15
HISTORY_DAYS = 730
RECENT_DAYS = 91

FEATURES = (
    "delay_recent",
    "delay_mean",
    "delay_sd",
    "delay_last",
    "share_late",
    "settled_count",
    "trend",
    "partial_share",
    "outstanding",
    "overdue_share",
    "seniority_days",
    "bounced",
    "disputes",
    "promises_kept",
    "promises_broken",
    "log_amount",
    "relative_amount",
    "terms",
    "due_day",
    "month_end",
    "days_past_due",
    "open_share",
    "disputed",
    "promised",
    "cond_count",
    "cond_share_late",
    "cond_median",
    "cond_share_shrunk",
    "delay_median",
)

# Weight of the company's pooled share in a customer's shrunk share (in invoices), and the
# spread (days) of the smoothed count of late invoices (one paid 14 days late counts 0.4).
PRIOR_WEIGHT = 1.0
SMOOTH_DAYS = 4.0


def open_invoices(view: LedgerView) -> pl.DataFrame:
    """The items to predict at the view's date: invoices with a due date and something owed."""
    return view.open_items.filter(
        (pl.col("kind") == KIND_INVOICE)
        & pl.col("due_date").is_not_null()
        & (pl.col("residual") > 0)
        & ~pl.col("carried_forward")
    ).select("id", "company_id", "customer_id", "posting_date", "due", "amount", "residual")


def _history(view: LedgerView, as_of: date) -> pl.DataFrame:
    start = as_of - timedelta(days=HISTORY_DAYS)
    late = pl.col("days_late").cast(pl.Float64)
    age = (pl.lit(as_of) - pl.col("settled_on")).dt.total_days().cast(pl.Float64)
    w = pl.col("amount").cast(pl.Float64) * (0.5 ** (age / HALF_LIFE_DAYS))
    recent = age <= RECENT_DAYS

    def wmean(mask: pl.Expr | None = None) -> pl.Expr:
        ww = w if mask is None else w.filter(mask)
        dd = late if mask is None else late.filter(mask)
        return (ww * dd).sum() / ww.sum()

    return (
        view.settled.filter(pl.col("settled_on") > start)
        .sort("settled_on")
        .group_by("customer_id")
        .agg(
            wmean().alias("delay_recent"),
            late.mean().alias("delay_mean"),
            late.std().alias("delay_sd"),
            late.last().alias("delay_last"),
            late.median().alias("delay_median"),
            (late > LATE_DAYS).mean().alias("share_late"),
            pl.len().cast(pl.Float64).alias("settled_count"),
            (wmean(recent) - wmean(~recent)).alias("trend"),
        )
    )


def _customers(ledger: Ledger, view: LedgerView, as_of: date) -> pl.DataFrame:
    year = as_of - timedelta(days=365)
    posted = view.posted
    invoices = posted.filter(pl.col("kind") == KIND_INVOICE)
    usual = invoices.group_by("customer_id").agg(
        pl.col("amount").median().alias("usual_amount"),
        (pl.col("due") - pl.col("posting_date")).dt.total_days().median().alias("usual_terms"),
    )
    first = posted.group_by("customer_id").agg(pl.col("posting_date").min().alias("first"))
    bounced = (
        posted.filter(pl.col("bounced") & (pl.col("posting_date") > year))
        .group_by("customer_id")
        .agg(pl.len().cast(pl.Float64).alias("bounced"))
    )
    items = open_invoices(view)
    positive = view.open_items.filter(pl.col("residual") > 0)
    owed = positive.group_by("customer_id").agg(
        pl.col("residual").sum().alias("owed"),
        pl.col("residual").filter(pl.col("days_overdue") > 0).sum().alias("overdue"),
    )
    partial = items.group_by("customer_id").agg(
        (pl.col("residual") < pl.col("amount")).mean().alias("partial_share")
    )
    disputes = (
        ledger.disputes.filter(pl.col("opened_on").is_between(year, as_of, closed="right"))
        .group_by("customer_id")
        .agg(pl.len().cast(pl.Float64).alias("disputes"))
    )
    resolved = ledger.promises.filter(pl.col("resolved_on").is_between(year, as_of, closed="right"))
    promises = resolved.group_by("customer_id").agg(
        (pl.col("status") == "kept").sum().cast(pl.Float64).alias("promises_kept"),
        (pl.col("status") == "broken").sum().cast(pl.Float64).alias("promises_broken"),
    )
    frame = ledger.customers.select("customer_id")
    for part in (_history(view, as_of), usual, first, bounced, owed, partial, disputes, promises):
        frame = frame.join(part, on="customer_id", how="left")
    return frame.with_columns(
        pl.col("bounced", "disputes", "promises_kept", "promises_broken", "settled_count")
        .fill_null(0.0)
        .cast(pl.Float64),
        outstanding=(pl.col("owed").fill_null(0).cast(pl.Float64) / 100 + 1).log(),
        overdue_share=pl.col("overdue").cast(pl.Float64) / pl.col("owed").cast(pl.Float64),
        seniority_days=(pl.lit(as_of) - pl.col("first")).dt.total_days().cast(pl.Float64),
    ).drop("owed", "overdue", "first")


def _follow_up_items(ledger: Ledger, as_of: date) -> tuple[pl.Series, pl.Series]:
    """Ids of the items under an open dispute, and under a pending promise, at `as_of`."""
    open_then = (pl.col("opened_on") <= as_of) & (
        pl.col("closed_on").is_null() | (pl.col("closed_on") > as_of)
    )
    disputes = ledger.disputes.filter(open_then)["dispute_id"]
    disputed = ledger.dispute_items.filter(pl.col("dispute_id").is_in(disputes.implode()))
    pending = (pl.col("created_on") <= as_of) & (
        pl.col("resolved_on").is_null() | (pl.col("resolved_on") > as_of)
    )
    promises = ledger.promises.filter(pending)["promise_id"]
    promised = ledger.promise_items.filter(pl.col("promise_id").is_in(promises.implode()))
    return disputed["entry_id"], promised["entry_id"]


def _erf(x):  # noqa: ANN001, ANN202
    from scipy.special import erf

    return erf(x)


def _conditional(view: LedgerView, items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per item, the customer's past invoices that were still unpaid this late after their due
    date (as the item is, open at `as_of`): how many, the share paid late, their median delay,
    and the share shrunk toward the company's (few invoices say little)."""
    start = as_of - timedelta(days=HISTORY_DAYS)
    history = view.settled.filter(pl.col("settled_on") > start).select(
        "customer_id", "company_id", pl.col("days_late").cast(pl.Float64).alias("d")
    )
    prior = history.group_by("company_id").agg((pl.col("d") > LATE_DAYS).mean().alias("p0"))
    past_due = (pl.lit(as_of) - pl.col("due")).dt.total_days().cast(pl.Float64)
    keys = items.select("id", "customer_id", "company_id", past_due.alias("past_due"))
    joined = keys.join(history.drop("company_id"), on="customer_id", how="inner").filter(
        pl.col("d") > pl.col("past_due")
    )
    # Normal CDF of (d - 15.5) / SMOOTH_DAYS: a count of late invoices that does not jump at 15.
    z = (joined["d"].to_numpy() - LATE_DAYS - 0.5) / (SMOOTH_DAYS * 2**0.5)
    joined = joined.with_columns(smooth=pl.Series(0.5 * (1 + _erf(z)), dtype=pl.Float64))
    per_item = joined.group_by("id").agg(
        pl.len().cast(pl.Float64).alias("cond_count"),
        (pl.col("d") > LATE_DAYS).sum().cast(pl.Float64).alias("cond_late"),
        pl.col("smooth").sum().alias("cond_smooth"),
        pl.col("d").median().alias("cond_median"),
    )
    return (
        keys.join(per_item, on="id", how="left")
        .join(prior, on="company_id", how="left")
        .with_columns(pl.col("cond_count", "cond_late", "cond_smooth").fill_null(0.0))
        .select(
            "id",
            "cond_count",
            "cond_median",
            cond_share_late=pl.col("cond_late") / pl.col("cond_count"),
            cond_share_shrunk=(pl.col("cond_smooth") + PRIOR_WEIGHT * pl.col("p0").fill_null(0.5))
            / (pl.col("cond_count") + PRIOR_WEIGHT),
        )
    )


def features(
    ledger: Ledger, as_of: date, items: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The feature frame of `items` (default: the invoices open at `as_of`), and the customers'.

    Args:
        ledger: the ledger.
        as_of: the date the features are known on.
        items: id, company_id, customer_id, posting_date, due, amount, residual (cents).

    Returns:
        The items with every column of FEATURES, and the per-customer frame (one row per
        customer, with usual_amount and usual_terms for notional items).
    """
    view = ledger.view(as_of)
    items = open_invoices(view) if items is None else items
    customers = _customers(ledger, view, as_of)
    disputed, promised = _follow_up_items(ledger, as_of)
    amount = pl.col("amount").cast(pl.Float64)
    due = pl.col("due")
    conditional = _conditional(view, items, as_of)
    frame = items.join(customers, on="customer_id", how="left")
    frame = frame.join(conditional, on="id", how="left")
    frame = frame.with_columns(
        log_amount=(amount / 100 + 1).log(),
        relative_amount=amount / pl.col("usual_amount").cast(pl.Float64),
        terms=(due - pl.col("posting_date")).dt.total_days().cast(pl.Float64),
        due_day=due.dt.day().cast(pl.Float64),
        month_end=(due.dt.month_end() - due).dt.total_days().le(2).cast(pl.Float64),
        days_past_due=(pl.lit(as_of) - due).dt.total_days().cast(pl.Float64),
        open_share=pl.col("residual").cast(pl.Float64) / amount,
        disputed=pl.col("id").is_in(disputed.implode()).cast(pl.Float64),
        promised=pl.col("id").is_in(promised.implode()).cast(pl.Float64),
    )
    return frame, customers
