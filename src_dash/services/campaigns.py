"""Campaigns ("Agir par critère"): plan a scenario or criteria as of a day, keep the proposals as a
draft run, approve all or some of its messages, send them, follow their delivery, and print the
run's letters in one PDF.

A thin layer over the dunning engine (`dunning.planner`, `dunning.runs`, `dunning.dispatch`,
`dunning.letters`) with the role and portfolio checks: only admins and collectors plan, run,
approve, cancel and send; every role may follow the runs of its portfolio and open their
messages and letters. A run made here holds every message until a user approves it (whatever
the step says), so nothing leaves before someone looked at it.

What a preview counts adds up, customers and items apart: customers in scope = customers
proposed + customers left out (each once, by its first reason, "items_excluded" when every item
of it is left out one by one); items in scope = items proposed + items left out (each once).
With a level filter, only what would have been sent at that level is counted and left out (an
item's level is the next one above the level it reached, the prévenance before its due date).
Runs are named after their scenario, level and day; the dun-now runs (one item, from its row)
are not campaigns and stay out of the list. Before a run is sent, each company's data must be
younger than the sync interval: an older Sage company is synced first (`ensure_fresh_data`),
and the send screen says which data it used ("Données du ...").
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.config import Settings
from src_dash.dunning import outbox, planner, runs
from src_dash.dunning.model import EMAIL, LETTER, PHONE, Plan, Proposal, Rendered
from src_dash.dunning.scenarios import MAX_LEVEL, THANK_YOU_LEVEL
from src_dash.dunning.send_window import leaving_labels
from src_dash.money import ZERO
from src_dash.services.access import (
    WORK,
    AccessDenied,
    Viewer,
    audit,
    require,
    scope_clause,
)
from src_dash.services.customers import READ
from src_dash.store import Action, Company, Customer, Message

IN_FLIGHT = (outbox.QUEUED, outbox.SENDING, outbox.HANDOVER)
GRADES = ("A", "B", "C", "D", "E")
LEVELS = tuple(range(0, THANK_YOU_LEVEL + 1))  # 0 prévenance, 1..5 R1..R5, 6 thank-you
MAX_ITEMS = 5000  # items named in one campaign (from the open items page)
PLAN_TTL_SECONDS = 120.0  # how long a previewed plan is kept to open its messages
_PLANS: dict[tuple, tuple[float, Plan]] = {}
_PLANS_LOCK = threading.Lock()


class CampaignError(ValueError):
    """A campaign cannot be planned or run as asked; the message says why (safe to show)."""


@dataclass(frozen=True)
class CampaignCriteria:
    """What a campaign covers; None or empty means no filter.

    Attributes:
        scenario_id: only the customers whose scenario is this one.
        company_id: only this company's customers.
        sales_rep_id: only this sales rep's customers.
        grades: only customers with these score grades (A..E).
        min_amount: only customers owing at least this much (their outstanding).
        min_days_late: only items at least this many days past their due date.
        level: only messages of this level (0 prévenance, 1..5, 6 thank-you); with `entry_ids`,
            the named items are sent at this level now (0..5), whatever their delays.
        entry_ids: only these items (chosen on the open items page).
    """

    scenario_id: int | None = None
    company_id: int | None = None
    sales_rep_id: int | None = None
    grades: tuple[str, ...] = ()
    min_amount: Decimal | None = None
    min_days_late: int | None = None
    level: int | None = None
    entry_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProposalLine:
    """One message (or call) a campaign would make."""

    key: str
    customer_id: int
    customer_number: str
    customer_name: str
    scenario_name: str
    step_name: str
    phase: str
    level: int
    channel: str
    items: int
    total: Decimal
    currency: str
    to: tuple[str, ...]
    cc: tuple[str, ...]


@dataclass(frozen=True)
class ExclusionLine:
    """A customer or an item left out, and why (`reason` is a planner code)."""

    customer_id: int
    customer_number: str
    customer_name: str
    reason: str
    entry_id: int | None
    piece: str
    detail: str  # the planner's, in English
    residual: Decimal
    currency: str
    # The detail's parameters (see `dunning.model.Exclusion`), for the UI's words.
    amount: Decimal | None = None
    on: date | None = None
    note: str = ""
    level: int | None = None


@dataclass(frozen=True)
class ReasonCount:
    """How many customers or items are left out for one reason, and what they owe."""

    reason: str
    customers: int
    items: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class UnitReason:
    """How many of one unit (customers or items) are left out for one reason."""

    reason: str
    count: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class UnitCount:
    """Customers or items of a campaign: in_scope = proposed + excluded, and the reasons' counts
    add up to excluded."""

    unit: str  # customer | item
    proposed: int = 0
    excluded: int = 0
    reasons: tuple[UnitReason, ...] = ()

    @property
    def in_scope(self) -> int:
        """Proposed plus left out."""
        return self.proposed + self.excluded


@dataclass(frozen=True)
class Total:
    """What the proposals ask for in one currency."""

    currency: str
    proposals: int
    amount: Decimal


@dataclass(frozen=True)
class CampaignPreview:
    """What a campaign would do as of a day, and what it leaves out."""

    as_of: date
    proposals: tuple[ProposalLine, ...]
    exclusions: tuple[ExclusionLine, ...]
    reasons: tuple[ReasonCount, ...]
    totals: tuple[Total, ...]
    by_channel: dict[str, int]
    by_level: dict[int, int]
    customers: int
    items: int
    customer_counts: UnitCount = UnitCount("customer")
    item_counts: UnitCount = UnitCount("item")


@dataclass(frozen=True)
class MessagePreview:
    """A proposal's message rendered before anything is written."""

    key: str
    channel: str
    subject: str
    html: str
    text: str
    to: tuple[str, ...]
    cc: tuple[str, ...]


@dataclass(frozen=True)
class DraftRun:
    """A run written from a campaign: its messages wait for approval.

    Attributes:
        run: the run's id ("" when nothing new was written and no earlier run was found).
        existing: proposals already run today (nothing new written for them).
        errors: proposals left out because their template fails ("customer: message").
    """

    run: str
    messages: int
    emails: int
    letters: int
    calls: int
    existing: int
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class SendOutcome:
    """What sending a run did (one pass of the dispatcher)."""

    busy: bool
    sent: int
    retried: int
    failed: int
    bounced: int
    letters_printed: int
    server_error: str
    store_error: str
    data_at: datetime | None = None  # the oldest company data the run was checked against
    synced: tuple[str, ...] = ()  # companies synced first (their data was too old)
    sync_failed: tuple[str, ...] = ()  # companies whose sync failed ("CODE: error")


@dataclass(frozen=True)
class RunMessage:
    """A message (or a call) of a run, with where it is."""

    message_id: int | None  # None for a call
    action_id: int | None
    customer_id: int
    customer_number: str
    customer_name: str
    channel: str
    level: int
    subject: str
    status: str
    total: Decimal
    currency: str
    to: tuple[str, ...]
    sent_at: datetime | None
    server_answer: str
    attempts: int
    has_pdf: bool
    leaves: str = ""  # a queued email its send window holds: "partira lundi 08:30"


@dataclass(frozen=True)
class RunStatus:
    """A run's messages (one page) and how many are in each status."""

    run: str
    as_of: date | None
    created_at: datetime | None
    counts: dict[str, int]
    messages: int  # in the viewer's portfolio
    calls: int
    letters: int
    in_flight: int  # queued, sending or in the handover
    held: int
    page: tuple[RunMessage, ...]
    page_number: int = 0
    pages: int = 1
    totals: tuple[Total, ...] = ()
    scenarios: tuple[str, ...] = ()  # the run's name: its scenarios, levels and day
    levels: tuple[int, ...] = ()
    data_at: datetime | None = None  # the oldest data of the run's companies (last good sync)
    stale: bool = False  # some company's data is older than the sync interval


@dataclass(frozen=True)
class RunSummary:
    """A recent run, for the list of runs."""

    run: str
    as_of: date | None
    created_at: datetime | None
    messages: int
    counts: dict[str, int] = field(default_factory=dict)
    scenarios: tuple[str, ...] = ()  # its name: "<scenario> · <level> · <day>"
    levels: tuple[int, ...] = ()


@dataclass(frozen=True)
class LettersFile:
    """The grouped PDF of a run's letters."""

    filename: str
    path: Path
    data: bytes
    letters: int


def parse_entry_ids(value: str | Iterable[object] | None) -> tuple[int, ...]:
    """Entry ids from "1,2,3" (the `items` URL parameter) or a list; junk is dropped, order kept.

    Raises:
        CampaignError: when more than `MAX_ITEMS` are named.
    """
    if value is None:
        return ()
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    out: dict[int, None] = {}
    for part in parts:
        text = str(part).strip()
        if text.isdigit() and int(text) > 0:
            out[int(text)] = None
    if len(out) > MAX_ITEMS:
        raise CampaignError(f"at most {MAX_ITEMS} items in one campaign, not {len(out)}")
    return tuple(out)


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


def _addresses(recipients: Iterable) -> tuple[str, ...]:  # noqa: ANN001
    out = []
    for r in recipients:
        email = r.get("email", "") if isinstance(r, dict) else getattr(r, "email", "")
        if email:
            out.append(email)
    return tuple(out)


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


def _totals(pairs: Iterable[tuple[str, Decimal]]) -> tuple[Total, ...]:
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: Counter[str] = Counter()
    for currency, amount in pairs:
        amounts[currency] += amount
        counts[currency] += 1
    return tuple(Total(cur, counts[cur], amounts[cur]) for cur in sorted(amounts))


def _line(p: Proposal) -> ProposalLine:
    return ProposalLine(
        key=p.key,
        customer_id=p.customer_id,
        customer_number=p.customer_number,
        customer_name=p.customer_name,
        scenario_name=p.scenario_name,
        step_name=p.step_name,
        phase=p.phase,
        level=p.level,
        channel=p.channel,
        items=len(p.items),
        total=p.total,
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
        ExclusionLine(
            customer_id=e.customer_id,
            customer_number=e.customer_number,
            customer_name=e.customer_name,
            reason=e.reason,
            entry_id=e.entry_id,
            piece=e.piece,
            detail=e.detail,
            residual=e.residual,
            currency=currency_of.get(e.customer_id, "EUR") or "EUR",
            amount=e.amount,
            on=e.on,
            note=e.note,
            level=e.level,
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


def _runs_of_keys(conn: Connection, keys: Sequence[str]) -> list[str]:
    a = Action.__table__
    found: Counter[str] = Counter()
    stored = [runs.outbox_key(k) for k in keys]
    for start in range(0, len(stored), 500):
        chunk = stored[start : start + 500]
        for run in conn.execute(select(a.c.run).where(a.c.key.in_(chunk))).scalars():
            if run:
                found[run] += 1
    return [run for run, _ in found.most_common()]


def create_draft(
    engine: Engine,
    who: Viewer,
    criteria: CampaignCriteria,
    keys: Sequence[str] | None = None,
    as_of: date | None = None,
    settings: Settings | None = None,
) -> DraftRun:
    """Plan the campaign again and write it as a run whose messages all wait for approval.

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        criteria: the campaign's criteria (planned again now: what the browser sent is not
            trusted).
        keys: only the proposals with these keys (None: all of them).
        as_of: the day (default today).
        settings: the settings (the letters' folder).

    Raises:
        AccessDenied: for a role that may not dun, or customers outside the portfolio.
        CampaignError: for wrong criteria, or when nothing is left to run.
    """
    require(who, WORK)
    as_of = as_of or clock_today()
    result = _plan(engine, who, criteria, as_of)
    proposals = list(result.proposals)
    if keys is not None:
        chosen = set(keys)
        proposals = [p for p in proposals if p.key in chosen]
    if not proposals:
        raise CampaignError("nothing to run: no proposal is chosen")
    held = tuple(replace(p, needs_approval=True) for p in proposals)
    try:
        done = runs.create_run(
            engine,
            Plan(result.as_of, held, result.exclusions, result.counts),
            viewer=who,
            approve=False,
            settings=settings,
        )
    except runs.RunError as exc:
        raise CampaignError(str(exc)) from None
    forget_plans()
    run = done.run if done.actions else ""
    if not run and done.existing:
        with engine.connect() as conn:
            earlier = _runs_of_keys(conn, [p.key for p in held])
        run = earlier[0] if earlier else ""
    return DraftRun(
        run=run,
        messages=done.messages,
        emails=done.emails,
        letters=done.letters,
        calls=done.calls,
        existing=done.existing,
        errors=tuple(f"{e.customer_number}: {e.message}" for e in done.errors),
    )


def _run_rows(conn: Connection, who: Viewer, run: str, *columns) -> list:  # noqa: ANN002
    m, c = Message.__table__, Customer.__table__
    return conn.execute(
        select(*columns)
        .select_from(m.join(c, c.c.id == m.c.customer_id))
        .where(m.c.run == run, scope_clause(who.scope))
    ).all()


def _chosen_messages(
    engine: Engine, who: Viewer, run: str, message_ids: Sequence[int] | None
) -> list[int]:
    """The held messages of a run among `message_ids` (all when None), checked."""
    m = Message.__table__
    with engine.connect() as conn:
        rows = _run_rows(conn, who, run, m.c.id, m.c.status)
    if not rows:
        raise AccessDenied("run not found")
    if message_ids is None:
        return [r.id for r in rows if r.status == outbox.HELD]
    wanted = {int(i) for i in message_ids}
    of_run = {r.id for r in rows}
    if not wanted <= of_run:
        raise AccessDenied("message not found")
    return sorted(r.id for r in rows if r.id in wanted and r.status == outbox.HELD)


def approve(engine: Engine, who: Viewer, run: str, message_ids: Sequence[int] | None = None) -> int:
    """Approve the held messages of a run (all, or those named): they are queued to be sent.

    Returns:
        How many were approved.

    Raises:
        AccessDenied: for a role that may not dun, a run or message outside the portfolio.
    """
    require(who, WORK)
    ids = _chosen_messages(engine, who, run, message_ids)
    return runs.approve(engine, who, ids) if ids else 0


def cancel(
    engine: Engine,
    who: Viewer,
    run: str,
    message_ids: Sequence[int] | None = None,
    note: str = "",
) -> int:
    """Reject held messages of a run (all, or those named): their items go back a level.

    Returns:
        How many were cancelled.

    Raises:
        AccessDenied: for a role that may not dun, a run or message outside the portfolio.
    """
    require(who, WORK)
    ids = _chosen_messages(engine, who, run, message_ids)
    return runs.cancel(engine, who, ids, note) if ids else 0


def send(engine: Engine, who: Viewer, run: str, settings: Settings | None = None) -> SendOutcome:
    """Send the approved messages now: one pass of the dispatcher (emails over SMTP, letters
    printed in one PDF). Messages still held stay held.

    Blocking (it runs its own event loop): call it from a thread.

    Raises:
        AccessDenied: for a role that may not dun, or a run outside the portfolio.
        CampaignError: when the run has nothing approved left to send.
    """
    from src_dash.dunning.dispatch import dispatch

    require(who, WORK)
    m = Message.__table__
    with engine.connect() as conn:
        rows = _run_rows(conn, who, run, m.c.status)
    if not rows:
        raise AccessDenied("run not found")
    if not any(r.status in IN_FLIGHT for r in rows):
        raise CampaignError("nothing approved is waiting to be sent in this run")
    # The items are checked (by the dispatcher, see dunning.freshness) against fresh data.
    with engine.connect() as conn:
        companies = _run_companies(conn, run)
    fresh = ensure_fresh_data(engine, companies)
    result = dispatch(engine, settings, sent_by=who.user_id)
    with engine.begin() as conn:
        audit(
            conn,
            who,
            "campaign.send",
            "run",
            None,
            run=run,
            sent=result.sent,
            failed=result.failed,
            busy=result.busy or None,
            server_error=result.server_error or None,
            synced=list(fresh.synced) or None,
            data_at=fresh.data_at.isoformat() if fresh.data_at else None,
        )
    return SendOutcome(
        busy=result.busy,
        sent=result.sent,
        retried=result.retried,
        failed=result.failed,
        bounced=result.bounced,
        letters_printed=result.letters_printed,
        server_error=result.server_error,
        store_error=result.store_error,
        data_at=fresh.data_at,
        synced=fresh.synced,
        sync_failed=fresh.failed,
    )


def run_status(
    engine: Engine,
    who: Viewer,
    run: str,
    page: int = 0,
    page_size: int = 50,
    status: str | None = None,
) -> RunStatus:
    """A run's messages and calls in the viewer's portfolio: counts per status and one page.

    Args:
        engine: the store.
        who: the viewer (any role; only their portfolio's messages).
        run: the run's id.
        page: the page (from 0).
        page_size: lines per page.
        status: only the lines in this status.

    Raises:
        AccessDenied: when the run has nothing in the viewer's portfolio (or does not exist).
    """
    require(who, READ)
    m, c, a = Message.__table__, Customer.__table__, Action.__table__
    page_size = max(1, min(int(page_size), 500))
    with engine.connect() as conn:
        counts_rows = conn.execute(
            select(m.c.status, m.c.channel, m.c.currency, func.count(), func.sum(m.c.total))
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(m.c.run == run, scope_clause(who.scope))
            .group_by(m.c.status, m.c.channel, m.c.currency)
        ).all()
        calls = conn.execute(
            select(a.c.id, a.c.customer_id, a.c.status, a.c.level, c.c.number, c.c.name)
            .select_from(a.join(c, c.c.id == a.c.customer_id))
            .where(a.c.run == run, a.c.kind == "call", scope_clause(who.scope))
            .order_by(c.c.number, a.c.id)
        ).all()
        if not counts_rows and not calls:
            raise AccessDenied("run not found")
        counts: Counter[str] = Counter()
        letters = 0
        amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
        per_currency: Counter[str] = Counter()
        in_flight = 0
        for st, channel, currency, n, total in counts_rows:
            counts[st] += n
            # A letter to print waits for a person, not for the dispatcher.
            in_flight += n if st in IN_FLIGHT and channel != LETTER else 0
            letters += n if channel == LETTER else 0
            if st != outbox.CANCELLED:
                amounts[currency or "EUR"] += total or ZERO
                per_currency[currency or "EUR"] += n
        messages = sum(counts.values())
        first = conn.execute(
            select(func.min(m.c.dunned_on), func.min(m.c.created_at)).where(m.c.run == run)
        ).one()
        as_of, created_at = first
        if as_of is None:
            as_of = conn.execute(select(func.min(a.c.due_on)).where(a.c.run == run)).scalar()
        query = (
            select(
                m.c.id,
                m.c.action_id,
                m.c.customer_id,
                c.c.number,
                c.c.name,
                m.c.channel,
                m.c.level,
                m.c.subject,
                m.c.status,
                m.c.total,
                m.c.currency,
                m.c.recipients_to,
                m.c.sent_at,
                m.c.server_answer,
                m.c.attempts,
                m.c.pdf_path,
            )
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(m.c.run == run, scope_clause(who.scope))
        )
        if status:
            query = query.where(m.c.status == status)
        shown = counts.get(status, 0) if status else messages
        pages = max(1, -(-shown // page_size))
        page = max(0, min(int(page), pages - 1))
        rows = conn.execute(
            query.order_by(c.c.number, m.c.id).offset(page * page_size).limit(page_size)
        ).all()
        scenarios, levels = _run_names(conn, [run]).get(run, ((), ()))
        companies = _run_companies(conn, run)
        leaves = leaving_labels(conn, [r.id for r in rows], utcnow(), who.language)
    fresh = data_freshness(engine, companies)
    lines = [
        RunMessage(
            message_id=r.id,
            action_id=r.action_id,
            customer_id=r.customer_id,
            customer_number=r.number,
            customer_name=r.name,
            channel=r.channel,
            level=r.level,
            subject=r.subject,
            status=r.status,
            total=r.total,
            currency=r.currency or "EUR",
            to=_addresses(r.recipients_to or []),
            sent_at=r.sent_at,
            server_answer=r.server_answer,
            attempts=r.attempts,
            has_pdf=bool(r.pdf_path),
            leaves=leaves.get(r.id, ""),
        )
        for r in rows
    ]
    if not status and page == pages - 1:
        lines += [
            RunMessage(
                message_id=None,
                action_id=r.id,
                customer_id=r.customer_id,
                customer_number=r.number,
                customer_name=r.name,
                channel=PHONE,
                level=r.level,
                subject="",
                status=r.status,
                total=ZERO,
                currency="",
                to=(),
                sent_at=None,
                server_answer="",
                attempts=0,
                has_pdf=False,
            )
            for r in calls
        ]
    return RunStatus(
        run=run,
        as_of=as_of,
        created_at=created_at,
        counts=dict(counts),
        messages=messages,
        calls=len(calls),
        letters=letters,
        in_flight=in_flight,
        held=counts.get(outbox.HELD, 0),
        page=tuple(lines),
        page_number=page,
        pages=pages,
        totals=tuple(Total(cur, per_currency[cur], amounts[cur]) for cur in sorted(amounts)),
        scenarios=scenarios,
        levels=levels,
        data_at=fresh.data_at,
        stale=fresh.stale,
    )


def recent_runs(engine: Engine, who: Viewer, limit: int = 10) -> list[RunSummary]:
    """The latest runs with messages in the viewer's portfolio, newest first."""
    from src_dash.services.dun_now import ORIGIN

    require(who, READ)
    m, c, a = Message.__table__, Customer.__table__, Action.__table__
    with engine.connect() as conn:
        latest = conn.execute(
            select(m.c.run, func.min(m.c.created_at).label("at"), func.min(m.c.dunned_on))
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(
                m.c.run != "",
                scope_clause(who.scope),
                # A dun-now (one item, from its row) is not a campaign.
                ~m.c.run.in_(select(a.c.run).where(a.c.origin == ORIGIN, a.c.run != "")),
            )
            .group_by(m.c.run)
            .order_by(func.min(m.c.created_at).desc(), m.c.run.desc())
            .limit(max(1, int(limit)))
        ).all()
        ids = [r[0] for r in latest]
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        if ids:
            for run, st, n in conn.execute(
                select(m.c.run, m.c.status, func.count())
                .select_from(m.join(c, c.c.id == m.c.customer_id))
                .where(m.c.run.in_(ids), scope_clause(who.scope))
                .group_by(m.c.run, m.c.status)
            ):
                counts[run][st] += n
        names = _run_names(conn, ids)
    return [
        RunSummary(
            run=run,
            as_of=as_of,
            created_at=at,
            messages=sum(counts[run].values()),
            counts=dict(counts[run]),
            scenarios=names.get(run, ((), ()))[0],
            levels=names.get(run, ((), ()))[1],
        )
        for run, at, as_of in latest
    ]


def _run_names(
    conn: Connection, runs_: Sequence[str]
) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
    """Per run, its scenarios' names and its levels (what its name says)."""
    from src_dash.store import Scenario, Step

    a, st, sc = Action.__table__, Step.__table__, Scenario.__table__
    scenarios: dict[str, set[str]] = defaultdict(set)
    levels: dict[str, set[int]] = defaultdict(set)
    for start in range(0, len(runs_), 500):
        for run, level, name in conn.execute(
            select(a.c.run, a.c.level, sc.c.name)
            .select_from(
                a.outerjoin(st, st.c.id == a.c.step_id).outerjoin(sc, sc.c.id == st.c.scenario_id)
            )
            .where(a.c.run.in_(list(runs_[start : start + 500])))
            .distinct()
        ):
            levels[run].add(int(level or 0))
            if name:
                scenarios[run].add(name)
    return {run: (tuple(sorted(scenarios[run])), tuple(sorted(levels[run]))) for run in levels}


@dataclass(frozen=True)
class DataFreshness:
    """How old the data of some companies is (their last successful sync or import).

    Attributes:
        data_at: the oldest of their last successful runs (None: one was never synced).
        stale: some company's data is older than the sync interval.
        synced: the companies synced just now (their data was too old).
        failed: the companies whose sync failed ("CODE: error").
    """

    data_at: datetime | None
    stale: bool
    synced: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def _last_syncs(conn: Connection, company_ids: Iterable[int]) -> dict[int, tuple]:
    """Per company: (code, source kind, start of its last successful run or None)."""
    from src_dash.store import SyncRun

    k, r = Company.__table__, SyncRun.__table__
    ids = sorted(set(company_ids))
    rows = conn.execute(
        select(k.c.id, k.c.code, k.c.source_kind, func.max(r.c.started_at))
        .select_from(k.outerjoin(r, (r.c.company_id == k.c.id) & (r.c.status == "ok")))
        .where(k.c.id.in_(ids))
        .group_by(k.c.id, k.c.code, k.c.source_kind)
    ).all()
    return {cid: (code, kind, _utc(at)) for cid, code, kind, at in rows}


def _utc(at: datetime | None) -> datetime | None:
    from datetime import UTC

    if at is not None and at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at


def _run_companies(conn: Connection, run: str) -> set[int]:
    m, c = Message.__table__, Customer.__table__
    return set(
        conn.execute(
            select(c.c.company_id)
            .distinct()
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(m.c.run == run)
        ).scalars()
    )


def _interval(engine: Engine) -> int:
    from src_dash.services.settings_pages import stored_sync_schedule

    return int(stored_sync_schedule(engine).interval_seconds)


def data_freshness(
    engine: Engine, company_ids: Iterable[int], now: datetime | None = None
) -> DataFreshness:
    """How old the companies' data is, against the sync interval (see `DataFreshness`)."""
    from datetime import timedelta

    now = now or utcnow()
    with engine.connect() as conn:
        last = _last_syncs(conn, company_ids)
    if not last:
        return DataFreshness(None, False)
    limit = timedelta(seconds=_interval(engine))
    times = [at for _, _, at in last.values()]
    stale = any(at is None or now - at > limit for at in times)
    oldest = None if any(at is None for at in times) else min(times)
    return DataFreshness(oldest, stale)


def ensure_fresh_data(
    engine: Engine, company_ids: Iterable[int], now: datetime | None = None
) -> DataFreshness:
    """Sync first the Sage companies whose last successful sync is older than the sync
    interval (incremental; a FEC company cannot be: its data stays as imported).

    Returns:
        How old the data is after that, and which companies were synced.
    """
    from datetime import timedelta

    from src_dash.services.reconcile import record_after_runs
    from src_dash.sync import sync_company

    now = now or utcnow()
    ids = set(company_ids)
    with engine.connect() as conn:
        last = _last_syncs(conn, ids)
    limit = timedelta(seconds=_interval(engine))
    synced, failed, results = [], [], []
    for _cid, (code, kind, at) in sorted(last.items()):
        if kind != "sage100" or (at is not None and now - at <= limit):
            continue
        result = sync_company(engine, code)
        results.append(result)
        if result.status == "ok":
            synced.append(code)
        else:
            failed.append(f"{code}: {result.error}")
    if results:
        record_after_runs(engine, results)
    found = data_freshness(engine, ids)
    return replace(found, synced=tuple(synced), failed=tuple(failed))


def letters_pdf(
    engine: Engine, who: Viewer, run: str, settings: Settings | None = None
) -> LettersFile:
    """The letters of a run (those not cancelled, in the viewer's portfolio) in one PDF, each
    from a new page; the file is also kept under <data dir>/letters/campaigns.

    Raises:
        AccessDenied: when the run has nothing in the viewer's portfolio.
        CampaignError: when the run has no letter.
    """
    from src_dash.dunning.letters import letters_dir, load_letters, render_letters

    require(who, READ)
    m, c = Message.__table__, Customer.__table__
    with engine.connect() as conn:
        rows = _run_rows(conn, who, run, m.c.id, m.c.channel, m.c.status, c.c.number)
        if not rows:
            calls = conn.execute(
                select(func.count())
                .select_from(Action.__table__.join(c, c.c.id == Action.__table__.c.customer_id))
                .where(Action.__table__.c.run == run, scope_clause(who.scope))
            ).scalar()
            if not calls:
                raise AccessDenied("run not found")
    ids = [
        r.id
        for r in sorted(rows, key=lambda r: (r.number, r.id))
        if r.channel == LETTER and r.status != outbox.CANCELLED
    ]
    if not ids:
        raise CampaignError("this run has no letter")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in run)[:40]
    path = letters_dir(settings) / "campaigns" / f"letters-{safe}-u{who.user_id}.pdf"
    letters = load_letters(engine, ids)
    data = render_letters(letters, path)
    return LettersFile(filename=f"lettres-{safe}.pdf", path=path, data=data, letters=len(letters))
