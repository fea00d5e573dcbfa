"""A proposal for one customer to preview a template on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import get_ledger
from src_dash.clock import today as clock_today
from src_dash.dunning.model import (
    LETTER,
    PREVENANCE,
    RELANCE,
    Proposal,
)
from src_dash.dunning.planner.criteria import PlanError
from src_dash.dunning.planner.grouping import _planned
from src_dash.dunning.planner.planning import plan
from src_dash.dunning.planner.reads import _item_states, _with_pieces
from src_dash.dunning.profiles import hand_settings, load_rules, profile_frame
from src_dash.dunning.recipients import load_contacts, resolve
from src_dash.dunning.scenarios import (
    MAX_LEVEL,
    load_scenarios,
)


def customer_proposal(engine: Engine, customer_id: int, as_of: date | None = None) -> Proposal:
    """A proposal for one customer to preview a template on: the plan's of the day when there
    is one (the highest level), else one listing its open items at their current levels.

    Raises:
        PlanError: when the customer does not exist.
    """
    as_of = as_of or clock_today()
    found = plan(engine, as_of, customer_ids=[customer_id])
    mine = [p for p in found.proposals if p.customer_id == customer_id]
    if mine:
        return max(mine, key=lambda p: (p.level if p.level <= MAX_LEVEL else -1,
                                        p.channel == "email"))  # fmt: skip
    ledger = get_ledger(engine)
    customers = ledger.customers.filter(pl.col("customer_id") == customer_id)
    if customers.is_empty():
        raise PlanError(f"no customer {customer_id}")
    customer = customers.row(0, named=True)
    with engine.connect() as conn:
        scenarios = {s.id: s for s in load_scenarios(conn)}
        rules = load_rules(conn)
        hand = hand_settings(conn)
        frame = profile_frame(ledger, engine, as_of, rules, hand).filter(
            pl.col("customer_id") == customer_id
        )
        details = frame.row(0, named=True)
        states = _item_states(conn)
        items = ledger.view(as_of).open_items.filter(pl.col("customer_id") == customer_id)
        items = items.join(states, on="id", how="left").with_columns(
            prev=pl.col("state_level").fill_null(0).clip(0, MAX_LEVEL).cast(pl.Int32)
        )
        items = _with_pieces(conn, items)
        debits = _planned(
            items.filter(pl.col("residual") > 0).sort("due", "id"), False, "prev", as_of
        )
        credits = _planned(
            items.filter(pl.col("residual") < 0).with_columns(zero=pl.lit(0)).sort("due", "id"),
            False,
            "zero",
            as_of,
        )
        contacts = load_contacts(conn, [customer_id]).get(customer_id, [])
        to, cc = resolve(
            to_services=(),
            cc_services=(),
            cc_sales_rep=False,
            contacts=contacts,
            customer_email=customer["email"] or "",
            customer_name=customer["name"] or "",
        )
    listed = tuple(debits.get(customer_id, ()))
    spec = next((s for s in scenarios.values() if s.active and s.profile == details["profile"]),
                None)  # fmt: skip
    level = max((i.level for i in listed), default=0)
    book = ledger.companies.filter(pl.col("company_id") == customer["company_id"])
    return Proposal(
        key=f"{as_of.isoformat()}/{customer_id}/preview",
        as_of=as_of,
        company_id=customer["company_id"],
        customer_id=customer_id,
        customer_number=customer["number"],
        customer_name=customer["name"],
        scenario_id=spec.id if spec else 0,
        scenario_name=spec.name if spec else "",
        step_id=0,
        phase=RELANCE if level else PREVENANCE,
        level=level,
        channel="email" if to else LETTER,
        template_code="",
        language=(spec.language if spec and spec.language else details["language"]) or "fr",
        items=listed,
        total=sum((i.residual for i in listed), Decimal("0.00")),
        book_currency=book["book_currency"][0] if book.height else "EUR",
        to=to,
        cc=cc,
        credits=tuple(credits.get(customer_id, ())),
        profile=details["profile"] or "",
        penalties=bool(spec and spec.penalties and not details["no_penalties"]),
    )
