"""`plan`: the proposed messages and calls as of a date, and what is left out and why."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.access import Viewer, check_customers, customers_of_entries
from src_dash.analytics.ledger import Ledger, get_ledger
from src_dash.clock import today as clock_today
from src_dash.dunning.model import (
    Plan,
)
from src_dash.dunning.planner.builder import _Builder
from src_dash.dunning.planner.criteria import Criteria, PlanError
from src_dash.dunning.planner.customers import _frames
from src_dash.dunning.planner.steps import _find_scenario
from src_dash.dunning.scenarios import (
    MAX_LEVEL,
    ScenarioSpec,
    load_scenarios,
)


def plan(
    engine: Engine,
    as_of: date | None = None,
    *,
    scenario: int | str | None = None,
    criteria: Criteria | None = None,
    customer_ids: list[int] | None = None,
    entry_ids: list[int] | None = None,
    viewer: Viewer | None = None,
    force_level: int | None = None,
    explain: bool | None = None,
    ledger: Ledger | None = None,
    customers: pl.DataFrame | None = None,
    scenarios: list[ScenarioSpec] | None = None,
) -> Plan:
    """The proposed messages and calls as of a date, and what is left out and why.

    Args:
        engine: the store.
        as_of: the day of the run (default today).
        scenario: only the customers whose scenario is this one (id or name).
        criteria: a mass run's filters on customers and items.
        customer_ids: only these customers.
        entry_ids: only these items (and their customers).
        viewer: the user asking: only the customers of their portfolio.
        force_level: send the chosen items (`entry_ids`, or the overdue items of
            `customer_ids`) at this level (0-5) now, whatever their level and the delays; the
            exclusions (stops, disputes, promises, do not dun) still apply.
        explain: also list the customers with nothing due yet ("no_step"); default: when
            customers or items are named.
        ledger: the ledger to plan on (default: the store's current one).
        customers: every customer's planning frame on that ledger and day, prepared before
            (see `_customers`); used only without `criteria`.
        scenarios: the scenarios, read just before (default: read here).

    Raises:
        PlanError: for an unknown scenario, or a forced level outside 0-5 or without items or
            customers named.
        AccessDenied: when a named customer or item is outside the viewer's portfolio.
    """
    as_of = as_of or clock_today()
    if force_level is not None:
        if not 0 <= int(force_level) <= MAX_LEVEL:
            raise PlanError(f"force_level must be between 0 and {MAX_LEVEL}, not {force_level}")
        if not customer_ids and not entry_ids:
            raise PlanError("force_level needs customer_ids or entry_ids")
    if explain is None:
        explain = bool(customer_ids or entry_ids)
    ledger = ledger if ledger is not None else get_ledger(engine)
    with engine.connect() as conn:
        if viewer is not None and customer_ids:
            check_customers(conn, viewer, customer_ids)
        if viewer is not None and entry_ids:
            customers_of_entries(conn, viewer, entry_ids)
        scenarios = scenarios if scenarios is not None else load_scenarios(conn)
        chosen = _find_scenario(scenarios, scenario) if scenario is not None else None
        frames = _frames(
            ledger,
            engine,
            conn,
            as_of,
            scenarios,
            criteria,
            viewer,
            customer_ids,
            entry_ids,
            customers,
        )
        if chosen is not None:
            keep = pl.col("scenario_id") == chosen.id
            frames.customers = frames.customers.filter(keep)
            frames.debits = frames.debits.filter(keep)
            frames.credits = frames.credits.filter(keep)
        builder = _Builder(conn, frames, force_level, explain)
        builder.run(ledger, entry_ids)
    return builder.result()
