"""The customers' planning frame (profile, scenario, stops, reasons), a mass run's criteria,
disputes and promises as of a day, and the frames a plan starts from."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer
from src_dash.analytics.ledger import Ledger
from src_dash.analytics.scope import EVERYTHING
from src_dash.analytics.scoring import score_frame
from src_dash.dunning.planner.criteria import Criteria, _Frames
from src_dash.dunning.planner.reads import _customer_stops
from src_dash.dunning.planner.steps import _scenario_frame, _stopped
from src_dash.dunning.profiles import hand_settings, load_rules, profile_frame
from src_dash.dunning.scenarios import (
    ScenarioSpec,
)
from src_dash.money import to_cents


def _customers(
    ledger: Ledger,
    engine: Engine,
    conn: Connection,
    as_of: date,
    scenarios: list[ScenarioSpec],
    criteria: Criteria | None,
) -> pl.DataFrame:
    """Every customer with profile, scenario, flags and stops as of the date."""
    rules = load_rules(conn)
    hand = hand_settings(conn)
    frame = profile_frame(ledger, engine, as_of, rules, hand)
    active = [s for s in scenarios if s.active]
    by_profile: dict[str, int] = {}
    for spec in sorted(active, key=lambda s: s.id or 0):
        if spec.profile:
            by_profile.setdefault(spec.profile, spec.id)
    active_ids = [s.id for s in active]
    frame = (
        frame.join(
            ledger.customers.select(
                "customer_id", "number", "name", "email", "sales_rep_id", "collector_id",
                "removed", "do_not_dun", "dormant",
            ),
            on="customer_id",
            how="left",
        )
        .join(hand.select("customer_id", "hand_scenario_id"), on="customer_id", how="left")
        .join(_customer_stops(conn), on="customer_id", how="left")
        .filter(~pl.col("removed").fill_null(False))
        .with_columns(
            scenario_id=pl.coalesce(
                pl.when(pl.col("hand_scenario_id").is_in(active_ids)).then(
                    pl.col("hand_scenario_id")
                ),
                pl.col("profile").replace_strict(by_profile, default=None, return_dtype=pl.Int64),
            )
        )
    )  # fmt: skip
    reason = (
        pl.when(pl.col("do_not_dun"))
        .then(pl.lit("do_not_dun"))
        .when(pl.col("dormant"))
        .then(pl.lit("dormant"))
        .when(_stopped("stop_reason", "stop_until", as_of))
        .then(pl.lit("customer_stopped"))
        .when(pl.col("scenario_id").is_null())
        .then(pl.lit("no_scenario"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    # A company switched off in the settings is dunned no more (one scope rule for all).
    frame = ledger.scoped(frame, EVERYTHING).with_columns(customer_reason=reason)
    if criteria is not None:
        frame = _customer_criteria(frame, ledger, as_of, criteria)
    return frame


def _customer_criteria(
    frame: pl.DataFrame, ledger: Ledger, as_of: date, c: Criteria
) -> pl.DataFrame:
    conds = []
    if c.company_ids is not None:
        conds.append(pl.col("company_id").is_in(list(c.company_ids)))
    if c.sales_rep_ids is not None:
        conds.append(pl.col("sales_rep_id").is_in(list(c.sales_rep_ids)))
    if c.collector_ids is not None:
        assigned = ledger.portfolio.filter(pl.col("user_id").is_in(list(c.collector_ids)))
        conds.append(
            pl.col("collector_id").is_in(list(c.collector_ids))
            | pl.col("customer_id").is_in(assigned["customer_id"].implode())
        )
    if c.profiles is not None:
        conds.append(pl.col("profile").is_in(list(c.profiles)))
    if c.min_outstanding is not None:
        conds.append(pl.col("outstanding") >= to_cents(c.min_outstanding))
    if c.max_outstanding is not None:
        conds.append(pl.col("outstanding") <= to_cents(c.max_outstanding))
    for name, values in c.free_fields:
        path = "$['" + name.replace("'", "\\'") + "']"
        value = pl.col("free_fields").str.json_path_match(path).str.to_lowercase()
        conds.append(value.is_in([str(v).lower() for v in values]).fill_null(False))
    if c.grades is not None or c.min_score is not None or c.max_score is not None:
        from src_dash.dunning.profiles import grade_expr

        scores = score_frame(ledger, as_of).select("customer_id", pl.col("score").alias("_score"))
        frame = frame.join(scores, on="customer_id", how="left")
        if c.grades is not None:
            conds.append(grade_expr(pl.col("_score")).is_in(list(c.grades)).fill_null(False))
        if c.min_score is not None:
            conds.append(pl.col("_score") >= c.min_score)
        if c.max_score is not None:
            conds.append(pl.col("_score") <= c.max_score)
    for cond in conds:
        frame = frame.filter(cond.fill_null(False))
    return frame.drop("_score", strict=False)


def _as_of_sets(ledger: Ledger, as_of: date) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Items under an open dispute, items under a pending promise not yet due, and customers
    with a pending promise that names no item (all their items wait), as of the date."""
    disputes = ledger.disputes.filter(
        (pl.col("opened_on") <= as_of)
        & ((pl.col("status") == "open") | (pl.col("closed_on") > as_of))
    )
    disputed = ledger.dispute_items.filter(
        pl.col("dispute_id").is_in(disputes["dispute_id"].implode())
    )["entry_id"]
    pending = ledger.promises.filter(
        (pl.col("created_on") <= as_of)
        & ((pl.col("status") == "pending") | (pl.col("resolved_on") > as_of))
        & (pl.col("status") != "cancelled")
        & (pl.col("promised_on") >= as_of)
    )
    items = ledger.promise_items.filter(pl.col("promise_id").is_in(pending["promise_id"].implode()))
    whole = pending.filter(~pl.col("promise_id").is_in(items["promise_id"].implode()))
    return disputed.drop_nulls(), items["entry_id"].drop_nulls(), whole["customer_id"]


def _frames(
    ledger: Ledger,
    engine: Engine,
    conn: Connection,
    as_of: date,
    scenarios: list[ScenarioSpec],
    criteria: Criteria | None,
    viewer: Viewer | None,
    customer_ids: list[int] | None,
    entry_ids: list[int] | None,
    prepared: pl.DataFrame | None = None,
) -> _Frames:
    if prepared is not None and criteria is None:
        customers = prepared
    else:
        customers = _customers(ledger, engine, conn, as_of, scenarios, criteria)
    if viewer is not None:
        ids = ledger.customer_ids(viewer.scope)
        if ids is not None:
            customers = customers.filter(pl.col("customer_id").is_in(ids.implode()))
    view = ledger.view(as_of)
    items = view.open_items
    if entry_ids:
        items = items.filter(pl.col("id").is_in(list(entry_ids)))
        owners = items["customer_id"].unique()
        customers = customers.filter(pl.col("customer_id").is_in(owners.implode()))
    if customer_ids:
        customers = customers.filter(pl.col("customer_id").is_in(list(customer_ids)))
    by_id = {s.id: s for s in scenarios}
    items = items.join(
        customers.select("customer_id", "scenario_id", "customer_reason"),
        on="customer_id",
        how="inner",
    ).join(_scenario_frame(scenarios), on="scenario_id", how="left")
    credits = items.filter(pl.col("residual") < 0).with_columns(
        counted=~(
            (pl.col("kind") == "credit_note")
            & (pl.col("due") > as_of)
            & ~pl.col("with_unexpired").fill_null(False)
        )
    )
    debits = items.filter(pl.col("residual") > 0)
    if criteria is not None:
        if criteria.min_days_late is not None:
            debits = debits.filter(pl.col("days_overdue") >= criteria.min_days_late)
        if criteria.max_days_late is not None:
            debits = debits.filter(pl.col("days_overdue") <= criteria.max_days_late)
        if criteria.min_item_amount is not None:
            debits = debits.filter(pl.col("residual") >= to_cents(criteria.min_item_amount))
    return _Frames(as_of, customers, debits, credits, by_id)
