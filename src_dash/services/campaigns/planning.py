"""Preview a campaign: plan a scenario or criteria as of a day (in the viewer's portfolio), count
what is proposed and left out, customers and items apart, and open one message of the plan (kept
a short while, so opening a message does not plan again).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    Viewer,
    require,
)
from src_dash.clock import today as clock_today
from src_dash.dunning import planner
from src_dash.dunning.model import EMAIL, LETTER, Plan, Proposal, Rendered
from src_dash.dunning.scenarios import MAX_LEVEL, THANK_YOU_LEVEL
from src_dash.money import ZERO
from src_dash.services.campaigns.model import (
    GRADES,
    LEVELS,
    CampaignCriteria,
    CampaignError,
    CampaignPreview,
    ExclusionLine,
    MessagePreview,
    ProposalLine,
    ReasonCount,
    UnitCount,
    UnitReason,
    _addresses,
    _totals,
)
from src_dash.services.rows import from_row
from src_dash.store import Company, Customer

PLAN_TTL_SECONDS = 120.0  # how long a previewed plan is kept to open its messages
_PLANS: dict[tuple, tuple[float, Plan]] = {}
_PLANS_LOCK = threading.Lock()


def _check_criteria(criteria: CampaignCriteria) -> None:
    if criteria.level is not None and criteria.level not in LEVELS:
        raise CampaignError(f"level {criteria.level} is not between 0 and {THANK_YOU_LEVEL}")
    if criteria.entry_ids and criteria.level is not None and criteria.level > MAX_LEVEL:
        raise CampaignError(f"items can be sent at a level between 0 and {MAX_LEVEL}")
    if criteria.min_amount is not None and criteria.min_amount < 0:
        raise CampaignError("the minimum amount cannot be negative")
    if criteria.min_days_late is not None and criteria.min_days_late < 0:
        raise CampaignError("the minimum days late cannot be negative")
    bad = [g for g in criteria.grades if g not in GRADES]
    if bad:
        raise CampaignError(f"unknown grade {bad[0]!r}")


def _plan(engine: Engine, who: Viewer, criteria: CampaignCriteria, as_of: date) -> Plan:
    """The planner's plan for the criteria, in the viewer's portfolio."""
    _check_criteria(criteria)
    wanted = planner.Criteria(
        company_ids=frozenset({criteria.company_id}) if criteria.company_id else None,
        sales_rep_ids=frozenset({criteria.sales_rep_id}) if criteria.sales_rep_id else None,
        grades=frozenset(criteria.grades) or None,
        min_outstanding=criteria.min_amount,
        min_days_late=criteria.min_days_late,
    )
    force = criteria.level if criteria.entry_ids and criteria.level is not None else None
    try:
        result = planner.plan(
            engine,
            as_of,
            scenario=criteria.scenario_id,
            criteria=wanted,
            entry_ids=list(criteria.entry_ids) or None,
            viewer=who,
            force_level=force,
        )
    except planner.PlanError as exc:
        raise CampaignError(str(exc)) from None
    if criteria.level is not None and force is None:
        kept = tuple(p for p in result.proposals if p.level == criteria.level)
        levels = _would_be_levels(engine, result.exclusions, as_of)
        left = tuple(
            e
            for e in result.exclusions
            if levels.get((e.customer_id, e.entry_id)) == criteria.level
        )
        result = Plan(result.as_of, kept, left, result.counts)
    return result


def _would_be_levels(
    engine: Engine, exclusions: Sequence[planner.Exclusion], as_of: date
) -> dict[tuple[int, int | None], int]:
    """The level each exclusion would have been sent at: its own when the planner says it (no
    step, nobody to write to), else the next level above the one its item reached (the
    prévenance before the due date); a customer left out whole, its most advanced item's."""
    from src_dash.analytics.ledger import get_ledger
    from src_dash.store import Entry, ItemState

    out: dict[tuple[int, int | None], int] = {}
    wanted = {e.customer_id for e in exclusions if e.level is None}
    levels: dict[int, int] = {}
    per_customer: dict[int, int] = {}
    if wanted:
        import polars as pl

        items = (
            get_ledger(engine)
            .view(as_of)
            .open_items.filter(
                pl.col("customer_id").is_in(sorted(wanted)) & (pl.col("residual") > 0)
            )
            .select("id", "customer_id", "days_overdue")
        )
        rows = items.rows()
        ids = [r[0] for r in rows]
        reached: dict[int, int] = {}
        e, st = Entry.__table__, ItemState.__table__
        with engine.connect() as conn:
            for start in range(0, len(ids), 1000):
                for entry_id, sage, app in conn.execute(
                    select(e.c.id, e.c.reminder_count, st.c.level)
                    .select_from(e.outerjoin(st, st.c.entry_id == e.c.id))
                    .where(e.c.id.in_(ids[start : start + 1000]))
                ):
                    reached[entry_id] = max(int(sage or 0), int(app or 0), 0)
        for entry_id, customer_id, late in rows:
            level = 0 if not late else min(reached.get(entry_id, 0) + 1, MAX_LEVEL)
            levels[entry_id] = level
            if late:
                per_customer[customer_id] = max(per_customer.get(customer_id, 0), level)
    for x in exclusions:
        if x.level is not None:
            level = x.level
        elif x.entry_id is not None:
            level = levels.get(x.entry_id, 0)
        else:
            level = per_customer.get(x.customer_id, 0)
        out[(x.customer_id, x.entry_id)] = level
    return out


def _unit_counts(
    proposals: Sequence[Proposal], exclusions: Sequence[ExclusionLine]
) -> tuple[UnitCount, UnitCount]:
    """Customers and items apart, each left out once (its first reason), adding up."""
    proposed_customers = {p.customer_id for p in proposals}
    proposed_items = {i.entry_id for p in proposals for i in p.items if i.advances}
    customers: dict[int, ExclusionLine] = {}
    items: dict[int, ExclusionLine] = {}
    for e in exclusions:
        if e.entry_id is None:
            if e.customer_id not in proposed_customers:
                customers.setdefault(e.customer_id, e)
        elif e.entry_id not in proposed_items:
            items.setdefault(e.entry_id, e)
    for e in items.values():
        if e.customer_id not in proposed_customers and e.customer_id not in customers:
            customers[e.customer_id] = replace(e, reason="items_excluded", entry_id=None)
    # A customer left out whole owes the sum of its items left out one by one.
    owed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for e in items.values():
        owed[e.customer_id] += e.residual
    for cid, e in list(customers.items()):
        if e.reason == "items_excluded":
            customers[cid] = replace(e, residual=owed[cid])

    def reasons(lines: Iterable[ExclusionLine]) -> tuple[UnitReason, ...]:
        grouped: dict[tuple[str, str], list[ExclusionLine]] = defaultdict(list)
        for e in lines:
            grouped[(e.reason, e.currency)].append(e)
        return tuple(
            UnitReason(reason, len(rows), sum((r.residual for r in rows), ZERO), currency)
            for (reason, currency), rows in sorted(
                grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])
            )
        )

    return (
        UnitCount("customer", len(proposed_customers), len(customers), reasons(customers.values())),
        UnitCount("item", len(proposed_items), len(items), reasons(items.values())),
    )


def _cache_key(engine: Engine, who: Viewer, criteria: CampaignCriteria, as_of: date) -> tuple:
    return (str(engine.url), who.user_id, who.role, who.scope, criteria, as_of)


def _remember(key: tuple, plan: Plan) -> None:
    with _PLANS_LOCK:
        now = time.monotonic()
        for old in [k for k, (at, _) in _PLANS.items() if now - at > PLAN_TTL_SECONDS]:
            del _PLANS[old]
        while len(_PLANS) >= 16:
            del _PLANS[min(_PLANS, key=lambda k: _PLANS[k][0])]
        _PLANS[key] = (now, plan)


def _recalled(key: tuple) -> Plan | None:
    with _PLANS_LOCK:
        found = _PLANS.get(key)
    if found is None or time.monotonic() - found[0] > PLAN_TTL_SECONDS:
        return None
    return found[1]


def forget_plans() -> None:
    """Drop the previewed plans kept in memory (after a run, their proposals are done)."""
    with _PLANS_LOCK:
        _PLANS.clear()


def _currencies(conn: Connection, customer_ids: Iterable[int]) -> dict[int, str]:
    c, co = Customer.__table__, Company.__table__
    ids = sorted(set(customer_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 1000):
        out.update(
            conn.execute(
                select(c.c.id, co.c.currency)
                .select_from(c.join(co, co.c.id == c.c.company_id))
                .where(c.c.id.in_(ids[start : start + 1000]))
            ).all()
        )
    return out


def _line(p: Proposal) -> ProposalLine:
    return from_row(
        ProposalLine,
        p,
        items=len(p.items),
        currency=p.book_currency or "EUR",
        to=_addresses(p.to) if p.channel == EMAIL else (),
        cc=_addresses(p.cc) if p.channel == EMAIL else (),
    )


def preview(
    engine: Engine, who: Viewer, criteria: CampaignCriteria, as_of: date | None = None
) -> CampaignPreview:
    """What a campaign would send as of a day, with counts, totals and what it leaves out.

    Nothing is written. The plan is kept a short while so its messages can be opened.

    Raises:
        AccessDenied: for a role that may not dun, or items outside the viewer's portfolio.
        CampaignError: for wrong criteria (unknown scenario, a level out of range, ...).
    """
    require(who, WORK)
    as_of = as_of or clock_today()
    result = _plan(engine, who, criteria, as_of)
    _remember(_cache_key(engine, who, criteria, as_of), result)
    proposals = tuple(
        _line(p) for p in sorted(result.proposals, key=lambda p: (p.customer_number, p.level))
    )
    with engine.connect() as conn:
        currency_of = _currencies(conn, {e.customer_id for e in result.exclusions})
    exclusions = tuple(
        from_row(
            ExclusionLine,
            e,
            currency=currency_of.get(e.customer_id, "EUR") or "EUR",
        )
        for e in sorted(
            result.exclusions, key=lambda e: (e.reason, e.customer_number, e.piece or "")
        )
    )
    grouped: dict[tuple[str, str], list[ExclusionLine]] = defaultdict(list)
    for e in exclusions:
        grouped[(e.reason, e.currency)].append(e)
    reasons = tuple(
        ReasonCount(
            reason=reason,
            customers=len({e.customer_id for e in lines}),
            items=sum(1 for e in lines if e.entry_id is not None),
            amount=sum((e.residual for e in lines), ZERO),
            currency=currency,
        )
        for (reason, currency), lines in sorted(
            grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])
        )
    )
    by_customer, by_item = _unit_counts(result.proposals, exclusions)
    return CampaignPreview(
        as_of=as_of,
        proposals=proposals,
        exclusions=exclusions,
        reasons=reasons,
        totals=_totals((p.currency, p.total) for p in proposals),
        by_channel=dict(Counter(p.channel for p in proposals)),
        by_level=dict(sorted(Counter(p.level for p in proposals).items())),
        customers=len({p.customer_id for p in proposals}),
        items=len({i.entry_id for p in result.proposals for i in p.items if i.advances}),
        customer_counts=by_customer,
        item_counts=by_item,
    )


def preview_message(
    engine: Engine,
    who: Viewer,
    criteria: CampaignCriteria,
    key: str,
    as_of: date | None = None,
) -> MessagePreview:
    """The message a previewed proposal would send, rendered now (nothing is written).

    Raises:
        AccessDenied: for a role that may not dun.
        CampaignError: when the proposal is no longer proposed, or its template fails.
    """
    from src_dash.dunning.templates import TemplateError, render

    require(who, WORK)
    as_of = as_of or clock_today()
    cache_key = _cache_key(engine, who, criteria, as_of)
    result = _recalled(cache_key)
    if result is None:
        result = _plan(engine, who, criteria, as_of)
        _remember(cache_key, result)
    proposal = next((p for p in result.proposals if p.key == key), None)
    if proposal is None:
        raise CampaignError("this proposal is no longer proposed; preview the campaign again")
    if proposal.channel not in (EMAIL, LETTER):
        return MessagePreview(key, proposal.channel, proposal.step_name, "", "", (), ())
    try:
        rendered: Rendered = render(engine, proposal)
    except TemplateError as exc:
        raise CampaignError(str(exc)) from None
    return MessagePreview(
        key=key,
        channel=proposal.channel,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        to=_addresses(proposal.to) if proposal.channel == EMAIL else (),
        cc=_addresses(proposal.cc) if proposal.channel == EMAIL else (),
    )
