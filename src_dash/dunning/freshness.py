"""Fresh at send time: a message is never sent as it was planned when its items changed since.

A run renders its messages on the day it is made; they may wait (for an approval, a send window,
a mail server) while the sync brings payments and collectors open disputes, take promises or stop
the dunning. Before the dispatcher claims anything (`dispatch_async` calls `refresh_queued`
under its lock), every queued email and letter is checked against the store as of the send
date, by the planner's own rules:

- an item no longer open in the ledger (settled, or deleted from the source) is ``settled``;
- an item under an open dispute is ``disputed``; under a pending promise not yet due,
  ``promised``; an item or customer whose dunning is stopped, ``item_stopped`` or
  ``customer_stopped``; a customer marked not to be dunned or dormant, ``do_not_dun``.

A message that lost some of its debits, or whose residuals moved (a partial payment), is
rendered again without them, as of the send date, on the template of the highest level left
(its items, total and letter PDF follow); one with no debit left is put back to ``held`` with
the reason in its server answer, for a user to look at (approving it checks it again). The items
taken out that are still open go back to the level they had before the message (as a rejected
message's do). Each change is in the audit log (``message.refresh``, ``message.hold``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import audit
from src_dash.analytics.ledger import get_ledger
from src_dash.clock import today as clock_today
from src_dash.dunning import outbox
from src_dash.dunning.model import EMAIL, LETTER, PREVENANCE, RELANCE, PlannedItem, Proposal
from src_dash.dunning.model import Recipient as Addressee
from src_dash.dunning.run_rows import message_line
from src_dash.store import Action, Customer, ItemState, Message, MessageItem

logger = logging.getLogger(__name__)
REASONS = (
    "settled",
    "disputed",
    "promised",
    "item_stopped",
    "customer_stopped",
    "do_not_dun",
)


@dataclass(frozen=True)
class Refreshed:
    """What a check before sending did.

    Attributes:
        checked: messages looked at.
        regenerated: messages rendered again without the items that changed.
        held: messages put back on hold (no debit left to dun).
        removed: per message, the items taken out and why (entry id -> reason).
        errors: messages whose new rendering failed (held, with the error).
    """

    checked: int = 0
    regenerated: tuple[int, ...] = ()
    held: tuple[int, ...] = ()
    removed: dict[int, dict[int, str]] | None = None
    errors: tuple[str, ...] = ()


def _why_out(engine: Engine, conn: Connection, entry_ids: list[int], as_of: date) -> tuple:
    """Per entry: why it may no longer be dunned (or absent), and the open residuals (cents)."""
    from src_dash.dunning.planner import _as_of_sets, _item_states  # noqa: PLC0415

    ledger = get_ledger(engine)
    wanted = pl.Series(entry_ids, dtype=pl.Int64)
    items = ledger.view(as_of).open_items.filter(pl.col("id").is_in(wanted.implode()))
    open_rows = {r["id"]: r for r in items.iter_rows(named=True)}
    disputed, promised, promised_customers = _as_of_sets(ledger, as_of)
    disputed_set, promised_set = set(disputed.to_list()), set(promised.to_list())
    whole = set(promised_customers.to_list())
    stops = {
        r["id"]: r
        for r in _item_states(conn, entry_ids).iter_rows(named=True)
        if (r["item_stop_reason"] or r["item_stop_until"] is not None)
        and (r["item_stop_until"] is None or as_of < r["item_stop_until"])
    }
    why: dict[int, str] = {}
    for entry_id in entry_ids:
        row = open_rows.get(entry_id)
        if row is None:
            why[entry_id] = "settled"
        elif entry_id in disputed_set:
            why[entry_id] = "disputed"
        elif entry_id in promised_set or row["customer_id"] in whole:
            why[entry_id] = "promised"
        elif entry_id in stops:
            why[entry_id] = "item_stopped"
    return why, open_rows


def _customers_out(conn: Connection, customer_ids: set[int], as_of: date) -> dict[int, str]:
    c = Customer.__table__
    out: dict[int, str] = {}
    rows = conn.execute(
        select(c.c.id, c.c.do_not_dun, c.c.dormant, c.c.stop_reason, c.c.stop_until).where(
            c.c.id.in_(sorted(customer_ids))
        )
    ).all()
    for r in rows:
        if r.do_not_dun or r.dormant:
            out[r.id] = "do_not_dun"
        elif (r.stop_reason or r.stop_until is not None) and (
            r.stop_until is None or as_of < r.stop_until
        ):
            out[r.id] = "customer_stopped"
    return out


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def refresh_queued(
    engine: Engine, as_of: date | None = None, message_ids: list[int] | None = None
) -> Refreshed:
    """Check the queued emails and letters (all, or some) against the store before sending.

    See the module's docstring. Cheap when nothing is queued (one query).

    Args:
        engine: the store.
        as_of: the send date (default today).
        message_ids: only these messages (default: every queued one).
    """
    as_of = as_of or clock_today()
    m = Message.__table__
    # Queued emails, and letters still to print (one in a printed batch is on paper already).
    query = select(m.c.id, m.c.customer_id).where(
        m.c.status == outbox.QUEUED,
        or_(m.c.channel == EMAIL, and_(m.c.channel == LETTER, m.c.print_file == "")),
    )
    if message_ids is not None:
        query = query.where(m.c.id.in_(list(message_ids)))
    with engine.connect() as conn:
        queued = conn.execute(query).all()
        if not queued:
            return Refreshed()
        lines = _lines_of(conn, [r.id for r in queued])
        entry_ids = sorted({r.entry_id for rows in lines.values() for r in rows if r.entry_id})
        why, open_rows = _why_out(engine, conn, entry_ids, as_of) if entry_ids else ({}, {})
        customers_out = _customers_out(conn, {r.customer_id for r in queued}, as_of)
    changed = _changed(queued, lines, why, open_rows, customers_out)
    if not changed:
        return Refreshed(checked=len(queued))
    return _apply(engine, len(queued), changed, lines, open_rows, as_of)


def _lines_of(conn: Connection, ids: list[int]) -> dict[int, list]:
    """The lines of some messages, per message (in their order)."""
    mi = MessageItem.__table__
    lines: dict[int, list] = defaultdict(list)
    for start in range(0, len(ids), 1000):
        for row in conn.execute(
            select(mi).where(mi.c.message_id.in_(ids[start : start + 1000])).order_by(mi.c.id)
        ):
            lines[row.message_id].append(row)
    return lines


def _changed(
    queued: list,
    lines: dict[int, list],
    why: dict[int, str],
    open_rows: dict[int, dict],
    customers_out: dict[int, str],
) -> list[tuple[int, dict[int, str], bool]]:
    """The messages whose items changed: (message id, items taken out with the reason,
    whether no debit is left)."""
    changed: list[tuple[int, dict[int, str], bool]] = []
    for message_id, customer_id in ((r.id, r.customer_id) for r in queued):
        rows = lines.get(message_id, [])
        debits = [r for r in rows if r.residual > 0]
        if not debits:
            continue
        removed: dict[int, str] = {}
        moved = False
        for r in rows:
            if r.entry_id is None:
                if r.residual > 0:
                    removed[-r.id] = "settled"  # deleted from the source since
                continue
            reason = why.get(r.entry_id)
            if r.residual < 0:
                moved |= reason == "settled"
                continue
            if customer_id in customers_out:
                reason = customers_out[customer_id]
            if reason:
                removed[r.entry_id] = reason
            elif open_rows[r.entry_id]["residual"] != _cents(r.residual):
                moved = True
        if removed or moved:
            left = [r for r in debits if r.entry_id is not None and r.entry_id not in removed]
            changed.append((message_id, removed, not left))
    return changed


def _apply(
    engine: Engine,
    checked: int,
    changed: list[tuple[int, dict[int, str], bool]],
    lines: dict[int, list],
    open_rows: dict[int, dict],
    as_of: date,
) -> Refreshed:
    """Hold the messages left with nothing to dun, render the others again."""
    regenerated: list[int] = []
    held: list[int] = []
    errors: list[str] = []
    removed_by_message: dict[int, dict[int, str]] = {}
    with engine.begin() as conn:
        for message_id, removed, empty in changed:
            removed_by_message[message_id] = removed
            if empty:
                if _hold(conn, message_id, removed, lines[message_id]):
                    held.append(message_id)
                continue
            try:
                done = _regenerate(conn, message_id, removed, lines[message_id], open_rows, as_of)
            except Exception as exc:  # noqa: BLE001  (a template failing on the new items)
                logger.exception("message %s could not be rendered again", message_id)
                errors.append(f"message {message_id}: {exc}")
                if _hold(conn, message_id, removed, lines[message_id], error=str(exc)):
                    held.append(message_id)
                continue
            if done:
                regenerated.append(message_id)
    return Refreshed(
        checked=checked,
        regenerated=tuple(regenerated),
        held=tuple(held),
        removed=removed_by_message,
        errors=tuple(errors),
    )


def _describe(removed: dict[int, str], rows: list) -> str:
    pieces = {r.entry_id if r.entry_id is not None else -r.id: r.piece for r in rows}
    return ", ".join(f"{pieces.get(k) or k} {v}" for k, v in sorted(removed.items()))


def _step_back(conn: Connection, removed: dict[int, str], rows: list) -> None:
    """Items taken out and still open go back to the level they had before the message."""
    st = ItemState.__table__
    for r in rows:
        if r.entry_id is None or removed.get(r.entry_id) in (None, "settled"):
            continue
        conn.execute(
            update(st)
            .where(st.c.entry_id == r.entry_id, st.c.level == r.level)
            .values(level=r.previous_level)
        )


def _hold(
    conn: Connection, message_id: int, removed: dict[int, str], rows: list, error: str = ""
) -> bool:
    m = Message.__table__
    note = f"held before sending: nothing left to dun ({_describe(removed, rows)})"
    if error:
        note = f"held before sending: could not be rendered again ({error})"
    done = conn.execute(
        update(m)
        .where(m.c.id == message_id, m.c.status == outbox.QUEUED)
        .values(status=outbox.HELD, server_answer=note[:1000], approved_by=None, approved_at=None)
    ).rowcount
    if done:
        _step_back(conn, removed, rows)
        audit(conn, None, "message.hold", "message", message_id, removed=_describe(removed, rows))
    return bool(done)


def _regenerate(
    conn: Connection,
    message_id: int,
    removed: dict[int, str],
    rows: list,
    open_rows: dict[int, dict],
    as_of: date,
) -> bool:
    """Render the message again without the items taken out; False when it moved meanwhile."""
    from src_dash.dunning.templates import Renderer  # noqa: PLC0415

    m = Message.__table__
    msg = conn.execute(select(m).where(m.c.id == message_id)).one()
    kept = [r for r in rows if r.entry_id is not None and r.entry_id not in removed]
    kept = [r for r in kept if r.entry_id in open_rows]  # a credit used up is dropped too
    items, credits = [], []
    for r in kept:
        planned = _planned_again(r, open_rows[r.entry_id], as_of)
        (items if planned.residual > 0 else credits).append(planned)
    proposal = _proposal_again(conn, msg, items, credits, as_of)
    rendered = Renderer(conn).render(proposal)
    done = conn.execute(
        update(m)
        .where(m.c.id == message_id, m.c.status == outbox.QUEUED)
        .values(
            subject=rendered.subject[:300],
            body_html=rendered.html,
            body_text=rendered.text,
            level=proposal.level,
            template_code=proposal.template_code[:40],
            total=proposal.total,
            pdf_path="" if msg.channel == LETTER else msg.pdf_path,
        )
    ).rowcount
    if not done:
        return False
    mi = MessageItem.__table__
    conn.execute(delete(mi).where(mi.c.message_id == message_id))
    new_rows = [message_line(message_id, i) for i in (*proposal.items, *proposal.credits)]
    if new_rows:
        conn.execute(insert(mi), new_rows)
    _step_back(conn, removed, rows)
    audit(
        conn,
        None,
        "message.refresh",
        "message",
        message_id,
        removed=_describe(removed, rows) or None,
        total=str(proposal.total),
    )
    return True


def _planned_again(r, o: dict, as_of: date) -> PlannedItem:  # noqa: ANN001
    """A message line (`r`) kept, as a planned item with the item's figures of today (`o`)."""
    rc = o.get("residual_currency")
    due = o["due"]
    return PlannedItem(
        entry_id=r.entry_id,
        piece=r.piece,
        reference=r.reference,
        journal=o.get("journal") or "",
        posting_date=o["posting_date"],
        due_date=due,
        days_late=(as_of - due).days if due else 0,
        amount=Decimal(int(o["amount"])).scaleb(-2),
        residual=Decimal(int(o["residual"])).scaleb(-2),
        currency=o.get("currency") or "",
        residual_currency=(
            Decimal(int(rc)).scaleb(-2) if rc is not None and o.get("currency") else None
        ),
        level=r.level,
        previous_level=r.previous_level,
        kind=str(o.get("kind") or "invoice"),
        advances=r.level != r.previous_level,
    )


def _proposal_again(
    conn: Connection,
    msg,  # noqa: ANN001
    items: list[PlannedItem],
    credits: list[PlannedItem],
    as_of: date,
) -> Proposal:
    """The proposal of a queued message with the items kept: the template of its scenario's
    step for the level now reached (else the message's own)."""
    from src_dash.dunning.planner import _steps_at  # noqa: PLC0415
    from src_dash.dunning.scenarios import load_scenarios  # noqa: PLC0415

    a, c = Action.__table__, Customer.__table__
    action = (
        conn.execute(select(a).where(a.c.id == msg.action_id)).first() if msg.action_id else None
    )
    customer = conn.execute(select(c).where(c.c.id == msg.customer_id)).one()
    level = max(i.level for i in items)
    spec = next(
        (
            s
            for s in load_scenarios(conn)
            if action is not None and s.id == _scenario_of(conn, action)
        ),
        None,
    )
    template_code = msg.template_code
    step_name = ""
    penalties = False
    if spec is not None:
        steps = [s for s in _steps_at(spec, level) if s.channel == msg.channel]
        if steps:
            template_code, step_name = steps[0].template_code, steps[0].name
        penalties = spec.penalties and not customer.no_penalties
    proposal = Proposal(
        key=msg.idempotency_key,
        as_of=as_of,
        company_id=customer.company_id,
        customer_id=customer.id,
        customer_number=customer.number,
        customer_name=customer.name,
        scenario_id=spec.id if spec else 0,
        scenario_name=spec.name if spec else "",
        step_id=action.step_id if action is not None and action.step_id else 0,
        phase=(action.phase if action is not None and action.phase else None)
        or (RELANCE if level else PREVENANCE),
        level=level,
        channel=msg.channel,
        template_code=template_code,
        language=msg.language,
        items=tuple(items),
        total=sum((i.residual for i in items), Decimal("0.00")),
        book_currency=msg.currency or "EUR",
        to=tuple(_addressees(msg.recipients_to)),
        cc=tuple(_addressees(msg.recipients_cc)),
        credits=tuple(credits),
        step_name=step_name,
        profile=customer.profile or "",
        penalties=penalties,
    )
    if level == 0:
        proposal = replace(proposal, phase=PREVENANCE, credits=())
    return proposal


def _scenario_of(conn: Connection, action: object) -> int | None:
    from src_dash.store import Step  # noqa: PLC0415

    if not getattr(action, "step_id", None):
        return None
    st = Step.__table__
    return conn.execute(select(st.c.scenario_id).where(st.c.id == action.step_id)).scalar()


def _addressees(values: list | None) -> list[Addressee]:
    return [
        Addressee(
            email=v.get("email", ""),
            name=v.get("name", ""),
            source=v.get("source", ""),
            service=v.get("service", ""),
        )
        for v in values or []
        if isinstance(v, dict)
    ]
