"""Scenario helpers: the steps serving a level, the next level and its delay, the per-scenario
tests on items, recipients, money in cents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from src_dash.dunning.model import (
    PREVENANCE,
    RELANCE,
    REMERCIEMENT,
    Recipient,
)
from src_dash.dunning.planner.criteria import PlanError
from src_dash.dunning.recipients import ContactRow, resolve
from src_dash.dunning.scenarios import (
    DUNNED_KINDS,
    MAX_LEVEL,
    ScenarioSpec,
    StepSpec,
)
from src_dash.money import to_cents


def _stopped(reason: str, until: str, as_of: date) -> pl.Expr:
    """Stopped while a reason or an end date is set, released on the end date."""
    r, u = pl.col(reason).fill_null(""), pl.col(until)
    return ((r != "") | u.is_not_null()) & (u.is_null() | (pl.lit(as_of) < u))


def _recipients(
    customer: dict, step: StepSpec, contacts: dict[int, list[ContactRow]], reps: dict
) -> tuple[tuple[Recipient, ...], tuple[Recipient, ...]]:
    """To and Cc of a step's message to a customer (its contacts, its email, its sales rep)."""
    rep_name, rep_email = reps.get(customer["sales_rep_id"], ("", ""))
    return resolve(
        to_services=step.to_services,
        cc_services=step.cc_services,
        cc_sales_rep=step.cc_sales_rep,
        contacts=contacts.get(customer["customer_id"], ()),
        customer_email=customer["email"] or "",
        customer_name=customer["name"] or "",
        sales_rep_email=rep_email,
        sales_rep_name=rep_name,
    )


def _find_scenario(scenarios: list[ScenarioSpec], wanted: int | str) -> ScenarioSpec:
    for spec in scenarios:
        if spec.id == wanted or str(spec.id) == str(wanted):
            return spec
        if isinstance(wanted, str) and spec.name.casefold() == wanted.strip().casefold():
            return spec
    names = ", ".join(s.name for s in scenarios) or "none"
    raise PlanError(f"no scenario {wanted!r} (the scenarios are: {names})")


def _steps_at(spec: ScenarioSpec, level: int) -> list[StepSpec]:
    """The steps whose template serves a message of this level (0 prévenance, 1..5 relance)."""
    if level == 0:
        return [s for s in spec.steps if s.phase == PREVENANCE]
    relances = [s for s in spec.steps if s.phase == RELANCE]
    if not relances:
        return []
    levels = sorted({s.level for s in relances})
    below = [lvl for lvl in levels if lvl <= level]
    chosen = below[-1] if below else levels[0]
    return [s for s in relances if s.level == chosen]


def _money(cents: int | None) -> Decimal:
    """Cents -> Decimal with two places (as money.from_cents, faster for many items)."""
    return Decimal(int(cents or 0)).scaleb(-2)


def _cents_text(cents: pl.Expr) -> pl.Expr:
    """Integer cents as an amount with two decimals ("-100.00")."""
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    units = (cents.abs() // 100).cast(pl.String)
    return sign + units + pl.lit(".") + (cents.abs() % 100).cast(pl.String).str.zfill(2)


def _scenario_frame(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "scenario_id": [s.id for s in scenarios],
            "min_item": [to_cents(s.min_item_amount) for s in scenarios],
            "min_customer": [to_cents(s.min_customer_amount) for s in scenarios],
            "gap_days": [s.min_gap_days for s in scenarios],
            "with_unexpired": [s.include_unexpired_credit_notes for s in scenarios],
        },
        schema={
            "scenario_id": pl.Int64,
            "min_item": pl.Int64,
            "min_customer": pl.Int64,
            "gap_days": pl.Int32,
            "with_unexpired": pl.Boolean,
        },
    )


def _next_steps(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    """Per scenario and level reached (0..5): the next relance level and its delay."""
    rows = []
    for spec in scenarios:
        timing: dict[int, tuple[int, str]] = {}
        for step in spec.steps:
            if step.phase == RELANCE:
                timing.setdefault(step.level, (step.day_offset, step.offset_from))
        for reached in range(MAX_LEVEL + 1):
            above = sorted(lvl for lvl in timing if lvl > reached)
            if above:
                offset, start = timing[above[0]]
                rows.append((spec.id, reached, above[0], offset, start == "previous_step"))
    return pl.DataFrame(
        rows,
        schema={
            "scenario_id": pl.Int64,
            "prev": pl.Int32,
            "next_rel": pl.Int32,
            "rel_offset": pl.Int32,
            "from_previous": pl.Boolean,
        },
        orient="row",
    )


def _first_offsets(scenarios: list[ScenarioSpec], phase: str, column: str) -> pl.DataFrame:
    """Per scenario with a step of the phase: the delay of its first such step (`column`)."""
    rows = []
    for spec in scenarios:
        steps = [s for s in spec.steps if s.phase == phase]
        if steps:
            rows.append((spec.id, steps[0].day_offset))
    return pl.DataFrame(rows, schema={"scenario_id": pl.Int64, column: pl.Int32}, orient="row")


def _prevenance_offsets(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    return _first_offsets(scenarios, PREVENANCE, "pre_offset")


def _thank_you_offsets(scenarios: list[ScenarioSpec]) -> pl.DataFrame:
    return _first_offsets(scenarios, REMERCIEMENT, "thanks_offset")


def _per_scenario(scenarios: list[ScenarioSpec], test) -> pl.Expr:  # noqa: ANN001
    """A boolean per item from a per-scenario expression (None: true for that scenario)."""
    expr = pl.lit(True)
    parts = [(s.id, test(s)) for s in scenarios]
    parts = [(i, e) for i, e in parts if e is not None]
    if not parts:
        return expr
    chain = pl.when(pl.col("scenario_id") == parts[0][0]).then(parts[0][1])
    for scenario_id, cond in parts[1:]:
        chain = chain.when(pl.col("scenario_id") == scenario_id).then(cond)
    return chain.otherwise(pl.lit(True))


def _journal_test(spec: ScenarioSpec) -> pl.Expr | None:
    return pl.col("journal").is_in(list(spec.journals)) if spec.journals else None


def _kind_test(spec: ScenarioSpec) -> pl.Expr:
    kinds = list(spec.document_kinds) or list(DUNNED_KINDS)
    return pl.col("kind").cast(pl.String).is_in(kinds)
