"""Dunning scenarios for the admin: thin wrappers over `dunning.scenarios` that always check the
admin role (those functions check it only when given a viewer), the thresholds of a scenario, and
the names of the contact services its steps send To and Cc.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.dunning.scenarios import (
    ScenarioError,
    ScenarioSpec,
    delete_scenario,
    get_scenario,
    list_scenarios,
    save_scenario,
)
from src_dash.money import to_money
from src_dash.services.admin import require_admin as _admin
from src_dash.store import (
    ContactService,
)

# ---- scenarios and thresholds


def scenarios_for(engine: Engine, who: Viewer) -> list[ScenarioSpec]:
    """Every scenario with its steps, by name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    return list_scenarios(engine)


def save_scenario_for(engine: Engine, who: Viewer, spec: ScenarioSpec) -> ScenarioSpec:
    """Check and save a scenario with its steps.

    Raises:
        AccessDenied: for a non-admin.
        ScenarioError: with every problem (field, message); nothing is written then.
    """
    _admin(who)
    return save_scenario(engine, spec, who)


def delete_scenario_for(engine: Engine, who: Viewer, scenario_id: int) -> None:
    """Delete a scenario no action was made from.

    Raises:
        AccessDenied: for a non-admin.
        ScenarioError: when it does not exist or was used.
    """
    _admin(who)
    delete_scenario(engine, scenario_id, who)


def _threshold(value: object, field: str) -> Decimal:
    try:
        amount = to_money(
            str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        )
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise ScenarioError([(field, f"{value!r} is not an amount")]) from exc
    if amount < 0:
        raise ScenarioError([(field, "must not be negative")])
    return amount


def save_thresholds(
    engine: Engine,
    who: Viewer,
    scenario_id: int,
    min_item_amount: object,
    min_customer_amount: object,
    min_gap_days: object,
) -> ScenarioSpec:
    """Change a scenario's thresholds: the least amount per item and per customer worth a
    message, and the fewest days between two messages to a customer.

    Raises:
        AccessDenied: for a non-admin.
        ScenarioError: for an unknown scenario or a bad value (named by field).
    """
    _admin(who)
    spec = get_scenario(engine, int(scenario_id))
    if spec is None:
        raise ScenarioError([("id", f"no scenario {scenario_id}")])
    try:
        gap = int(str(min_gap_days).strip())
    except ValueError as exc:
        raise ScenarioError([("min_gap_days", f"{min_gap_days!r} is not a whole number")]) from exc
    spec = replace(
        spec,
        min_item_amount=_threshold(min_item_amount, "min_item_amount"),
        min_customer_amount=_threshold(min_customer_amount, "min_customer_amount"),
        min_gap_days=gap,
    )
    return save_scenario(engine, spec, who)


def service_names(engine: Engine, who: Viewer) -> list[str]:
    """The names of the contact services of every company (what steps send To and Cc).

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    s = ContactService.__table__
    with engine.connect() as conn:
        names = conn.execute(select(s.c.name).distinct()).scalars().all()
    return sorted({n.strip() for n in names if n and n.strip()}, key=str.casefold)
