"""The expressions that choose: why an item or a customer is left out (with the detail shown),
and the level an item is sent at (the step due, a level set by hand, the prévenance)."""

from __future__ import annotations

from datetime import date

import polars as pl

from src_dash.dunning.planner.steps import (
    _cents_text,
    _journal_test,
    _kind_test,
    _per_scenario,
    _stopped,
)
from src_dash.dunning.scenarios import MAX_LEVEL, ScenarioSpec


def _stop_detail(reason: str, until: str) -> pl.Expr:
    """A stop's reason with its end date: "reason (until 2024-05-31)"."""
    return pl.col(reason).fill_null("") + pl.when(pl.col(until).is_not_null()).then(
        pl.lit(" (until ") + pl.col(until).cast(pl.String) + pl.lit(")")
    ).otherwise(pl.lit(""))


def _customer_details() -> dict[str, pl.Expr]:
    """The detail columns of a customer left out whole (`customer_reason`)."""
    reason = pl.col("customer_reason")
    return {
        "detail": pl.when(reason == "customer_stopped")
        .then(_stop_detail("stop_reason", "stop_until"))
        .when(reason == "in_credit")
        .then(pl.lit("balance ") + _cents_text(pl.col("balance")))
        .otherwise(pl.lit("")),
        "detail_amount": pl.when(reason == "in_credit").then("balance"),
        "detail_on": pl.when(reason == "customer_stopped").then("stop_until"),
        "detail_note": pl.when(reason == "customer_stopped").then(
            pl.col("stop_reason").fill_null("")
        ),
    }


def _item_reason(
    as_of: date,
    scenarios: list[ScenarioSpec],
    sets: tuple[pl.Series, pl.Series, pl.Series],
    named: bool,
    forced: bool,
) -> pl.Expr:
    """Why an item is left out (the first reason that applies), or null."""
    disputed, promised, promised_customers = sets
    return (
        pl.when(_stopped("item_stop_reason", "item_stop_until", as_of))
        .then(pl.lit("item_stopped"))
        .when(pl.col("id").is_in(disputed.implode()))
        .then(pl.lit("disputed"))
        .when(
            pl.col("id").is_in(promised.implode())
            | pl.col("customer_id").is_in(promised_customers.implode())
        )
        .then(pl.lit("promised"))
        # Doubtful receivables (416) are not dunned by default; naming the item (dun now)
        # is the collector's explicit choice.
        .when(pl.col("doubtful") & pl.lit(not named))
        .then(pl.lit("doubtful"))
        .when(~_per_scenario(scenarios, _journal_test))
        .then(pl.lit("journal_excluded"))
        .when(~_per_scenario(scenarios, _kind_test))
        .then(pl.lit("document_kind_excluded"))
        .when((pl.col("residual") < pl.col("min_item")) & pl.lit(not forced))
        .then(pl.lit("below_item_threshold"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def _item_details() -> dict[str, pl.Expr]:
    """The detail columns of an item left out (`item_reason`)."""
    stopped = pl.col("item_reason") == "item_stopped"
    return {
        "detail": pl.when(stopped)
        .then(_stop_detail("item_stop_reason", "item_stop_until"))
        .otherwise(pl.lit("")),
        "detail_on": pl.when(stopped).then("item_stop_until"),
        "detail_note": pl.when(stopped).then(pl.col("item_stop_reason").fill_null("")),
    }


def _scheduled_target(as_of: date) -> pl.Expr:
    """The level an item is sent at without a forced level: a level set by hand (once due),
    the next step's when its delay has passed, the prévenance before the due date."""
    due = pl.col("due")
    today = pl.lit(as_of)
    since = pl.coalesce("last", "due")
    relance_due = (
        (pl.col("days_overdue") > 0)
        & pl.col("next_rel").is_not_null()
        & pl.when(pl.col("from_previous"))
        .then(today >= since + pl.duration(days=pl.col("rel_offset")))
        .otherwise(today >= due + pl.duration(days=pl.col("rel_offset")))
    )
    pre_due = (
        pl.col("pre_offset").is_not_null()
        & (due > today)
        & (pl.col("prev") == 0)
        & pl.col("last").is_null()
        & (today >= due + pl.duration(days=pl.col("pre_offset")))
    )
    # A level set by hand waits for the due date too (before it: the prévenance only).
    hand = (
        pl.col("next_level").is_not_null()
        & (pl.col("next_level") >= 1)
        & (pl.col("days_overdue") > 0)
    )
    return (
        pl.when(hand)
        .then(pl.col("next_level").clip(1, MAX_LEVEL))
        .when(relance_due)
        .then(pl.col("next_rel"))
        .when(pre_due)
        .then(pl.lit(0, dtype=pl.Int32))
    )


def _late_reason(as_of: date, forced: bool) -> pl.Expr:
    """Why a customer with something due is left out: written to too recently, in credit,
    below its threshold (never with a forced level), or null."""
    free = pl.lit(not forced)
    gap_days = (pl.lit(as_of) - pl.col("last_contact")).dt.total_days()
    return (
        pl.when(free & pl.col("last_contact").is_not_null() & (gap_days < pl.col("gap_days")))
        .then(pl.lit("too_soon"))
        .when(free & (pl.col("net") <= 0))
        .then(pl.lit("in_credit"))
        .when(free & (pl.col("net") < pl.col("min_customer")))
        .then(pl.lit("below_customer_threshold"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def _late_details() -> dict[str, pl.Expr]:
    """The detail columns of a customer left out at the gap or the thresholds (`late_reason`)."""
    reason = pl.col("late_reason")
    return {
        "detail": pl.when(reason == "too_soon")
        .then(pl.lit("last message on ") + pl.col("last_contact").cast(pl.String))
        .when(reason == "below_customer_threshold")
        .then(pl.lit("minimum ") + _cents_text(pl.col("min_customer")))
        .when(reason == "in_credit")
        .then(pl.lit("overdue covered by credits"))
        .otherwise(pl.lit("")),
        "detail_on": pl.when(reason == "too_soon").then("last_contact"),
        "detail_amount": pl.when(reason == "below_customer_threshold").then(
            pl.col("min_customer").cast(pl.Int64)
        ),
    }
