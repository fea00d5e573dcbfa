"""What dunning one open item now would send: the item planned at a level, the step chosen by
channel and its texts, and the level proposed for the item.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    AccessDenied,
    Viewer,
    customers_of_entries,
    require,
)
from src_dash.analytics.ledger import get_ledger, open_residuals
from src_dash.clock import today as clock_today
from src_dash.dunning.model import (
    EMAIL,
    LETTER,
    Plan,
    Proposal,
)
from src_dash.services.dun_now.model import (
    BLOCKING,
    CHANNEL_ORDER,
    LEVELS,
    DunPreview,
    LevelProposal,
    NotDunnable,
)
from src_dash.services.dun_now.prepared import prepared_customers
from src_dash.services.dun_now.states import _blocked, _book_currency
from src_dash.services.inputs import InvalidInput
from src_dash.services.rows import from_row
from src_dash.store import (
    Entry,
    ItemState,
)


def _level(value: object) -> int:
    try:
        level = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise InvalidInput("level", f"{value!r} is not a level") from exc
    if level not in LEVELS:
        raise InvalidInput("level", f"must be between {LEVELS[0]} and {LEVELS[-1]}")
    return level


def _entry(conn: Connection, who: Viewer, entry_id: object) -> int:
    """The entry id, once checked that it is an open debit of a customer in the scope."""
    try:
        entry_id = int(entry_id)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise AccessDenied("item not found") from exc
    customers_of_entries(conn, who, [entry_id])
    # Open as the pages show it (the ledger's residual), not as the source wrote the line.
    residual = open_residuals(conn.engine, [entry_id]).get(entry_id)
    if residual is None or residual <= 0:
        raise InvalidInput("items", f"{entry_id} is not an open debit")
    return entry_id


def _why_not(found: Plan, entry_id: int) -> NotDunnable:
    """The planner's reason for leaving the item (or its customer) out."""
    mine = [x for x in found.exclusions if x.entry_id == entry_id]
    mine += [x for x in found.exclusions if x.entry_id is None]
    for reason in BLOCKING:
        for x in mine:
            if x.reason == reason:
                return NotDunnable(reason, x.detail, exclusion=x)
    if mine:
        return NotDunnable(mine[0].reason, mine[0].detail, exclusion=mine[0])
    return NotDunnable("no_step")


def _proposals(found: Plan, entry_id: int) -> list[Proposal]:
    mine = [
        p for p in found.proposals if any(i.entry_id == entry_id and i.advances for i in p.items)
    ]
    return sorted(
        mine,
        key=lambda p: CHANNEL_ORDER.index(p.channel) if p.channel in CHANNEL_ORDER else 9,
    )


def _plan_item(engine: Engine, who: Viewer, entry_id: int, level: int, as_of: date) -> Plan:
    """`planner.plan` for one item at a forced level, on the store's ledger (a collector's
    change reloads only the follow-up's small tables) and the prepared customers' frame."""
    from src_dash.dunning import planner
    from src_dash.dunning.scenarios import load_scenarios

    ledger = get_ledger(engine)
    with engine.connect() as conn:
        scenarios = load_scenarios(conn)
    customers = prepared_customers(engine, ledger, as_of, scenarios)
    return planner.plan(
        engine,
        as_of,
        entry_ids=[entry_id],
        viewer=who,
        force_level=level,
        ledger=ledger,
        customers=customers,
        scenarios=scenarios,
    )


def _chosen_step(
    engine: Engine, found: object, entry_id: int, channel: str | None
) -> tuple[Proposal, tuple[str, ...]]:
    """The proposal for the item by `channel` (default the first), and the channels it has.

    Raises:
        NotDunnable: when the planner leaves the item out.
        InvalidInput: for a channel the level has no step for.
    """
    proposals = _proposals(found, entry_id)
    if not proposals:
        refused = _why_not(found, entry_id)
        if refused.exclusion is not None and refused.exclusion.amount is not None:
            with engine.connect() as conn:
                refused.currency = _book_currency(conn, refused.exclusion.customer_id)
        raise refused
    channels = tuple(dict.fromkeys(p.channel for p in proposals))
    if channel in (None, ""):
        channel = channels[0]
    if channel not in channels:
        raise InvalidInput(
            "channel", f"{channel!r} is not a step at this level ({', '.join(channels)})"
        )
    return next(p for p in proposals if p.channel == channel), channels


def _texts_of(engine: Engine, chosen: Proposal) -> tuple[str, str, str]:
    """The subject, HTML and text of an email or a letter ("" for a call).

    Raises:
        InvalidInput: on the field "template" when the template fails.
    """
    from src_dash.dunning.templates import Renderer, TemplateError

    if chosen.channel not in (EMAIL, LETTER):
        return "", "", ""
    try:
        with engine.connect() as conn:
            rendered = Renderer(conn).render(chosen)
    except TemplateError as exc:
        raise InvalidInput("template", str(exc)) from exc
    return rendered.subject, rendered.html, rendered.text


def preview_dun(
    engine: Engine,
    who: Viewer,
    entry_id: int,
    level: int,
    channel: str | None = None,
    as_of: date | None = None,
) -> DunPreview:
    """What dunning an open item now at `level` by `channel` would send.

    Args:
        engine: the store.
        who: the viewer (admin or collector, the item's customer in their scope).
        entry_id: the open item.
        level: 0 (prévenance) to 5; the item is sent at this level whatever it reached.
        channel: email, letter or phone among those the scenario has at this level (default:
            email when there is one, else the first).
        as_of: the day (default today).

    Raises:
        AccessDenied: for another role, or an item outside the viewer's scope.
        InvalidInput: for a bad level or channel, a template that fails (field "template");
            NotDunnable when the planner leaves the item out (disputed, promised, stopped...).
    """
    from src_dash.dunning.planner import PlanError

    require(who, WORK)
    level = _level(level)
    as_of = as_of or clock_today()
    with engine.connect() as conn:
        entry_id = _entry(conn, who, entry_id)
        # Checked live: the preview's ledger may be a few seconds old.
        refused = _blocked(conn, [entry_id], as_of)
    if refused is not None:
        raise refused
    try:
        found = _plan_item(engine, who, entry_id, level, as_of)
    except PlanError as exc:
        raise InvalidInput("level", str(exc)) from exc
    chosen, channels = _chosen_step(engine, found, entry_id, channel)
    proposal = proposed_level(engine, who, entry_id, as_of)
    subject, html, text = _texts_of(engine, chosen)
    return from_row(
        DunPreview,
        chosen,
        entry_id=entry_id,
        level=level,
        channels=channels,
        to=chosen.to if chosen.channel == EMAIL else (),
        cc=chosen.cc if chosen.channel == EMAIL else (),
        subject=subject,
        html=html,
        text=text,
        currency=chosen.book_currency,
        proposal=chosen,
        proposed_level=proposal.level,
        reached=proposal.reached,
    )


def _reached(conn: Connection, entry_id: int) -> tuple[int, int | None]:
    """The level an item reached (the app's or Sage's reminders, 0..5) and its hand-set next."""
    e, s = Entry.__table__, ItemState.__table__
    row = conn.execute(
        select(e.c.reminder_count, s.c.level, s.c.next_level)
        .select_from(e.outerjoin(s, s.c.entry_id == e.c.id))
        .where(e.c.id == entry_id)
    ).one()
    reached = max(min(int(row.level or 0), LEVELS[-1]), min(int(row.reminder_count or 0), 5), 0)
    return reached, row.next_level


def proposed_level(
    engine: Engine, who: Viewer, entry_id: int, as_of: date | None = None
) -> LevelProposal:
    """The level dun-now proposes for an open item: the one its scenario reaches next.

    Before the due date, the prévenance (0), the only level allowed. After it: the level set by
    hand for the next message when there is one, else the first step level of the customer's
    scenario above the level reached (the planner's rule: no level skipped), else the
    scenario's last level; R1 when the customer has no scenario.

    Raises:
        AccessDenied: for another role, or an item outside the viewer's scope.
        InvalidInput: when the item is not an open debit.
    """
    from src_dash.dunning.model import RELANCE
    from src_dash.dunning.scenarios import load_scenarios

    require(who, WORK)
    as_of = as_of or clock_today()
    with engine.connect() as conn:
        entry_id = _entry(conn, who, entry_id)
        reached, hand = _reached(conn, entry_id)
    ledger = get_ledger(engine)
    row = ledger.view(as_of).open_items.filter(pl.col("id") == entry_id)
    due = row["due"][0] if row.height else None
    customer_id = int(row["customer_id"][0]) if row.height else None
    overdue = due is not None and due < as_of
    if not overdue:
        return LevelProposal(entry_id, 0, reached, False, due, (0,))
    with engine.connect() as conn:
        scenarios = load_scenarios(conn)
    frame = prepared_customers(engine, ledger, as_of, scenarios)
    mine = frame.filter(pl.col("customer_id") == customer_id)
    scenario_id = mine["scenario_id"][0] if mine.height else None
    spec = next((s for s in scenarios if s.id == scenario_id), None)
    steps = sorted({s.level for s in spec.steps if s.phase == RELANCE}) if spec else []
    if hand is not None and hand >= 1:
        level = min(int(hand), LEVELS[-1])
    elif steps:
        above = [lvl for lvl in steps if lvl > reached]
        level = above[0] if above else steps[-1]
    else:
        level = min(reached + 1, LEVELS[-1])
    return LevelProposal(entry_id, level, reached, True, due, LEVELS[1:])
