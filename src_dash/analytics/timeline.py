"""A customer's timeline: invoices, payments, messages, promises, disputes, comments, flags,
calls and other actions, in date order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import money
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.clock import today as clock_today
from src_dash.store import Action, Comment, Dispute, Flag, Message, Promise

ENTRY_TITLES = {
    "invoice": "invoice",
    "credit_note": "credit_note",
    "payment": "payment",
    "other_debit": "other_debit",
}


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a customer's timeline.

    Attributes:
        on: the day of the event.
        at: its UTC time when known (app events), None for accounting entries.
        kind: invoice, credit_note, payment, other_debit, bounced_payment, message, promise,
            promise_kept, promise_broken, dispute_opened, dispute_closed, comment, flag,
            flag_cleared, call, action.
        title: a short text (piece, subject, note...).
        amount: the amount when there is one (signed for entries).
        ref: the id of the row it comes from.
    """

    on: date
    at: datetime | None
    kind: str
    title: str
    amount: Decimal | None
    ref: int


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.astimezone(UTC).date()


def timeline(
    engine: Engine,
    customer_id: int,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    since: date | None = None,
) -> list[TimelineEvent]:
    """Every event of one customer up to `as_of` (and from `since`), oldest first.

    Raises:
        PermissionError: when the customer is outside the viewer's scope.
    """
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    allowed = ledger.customer_ids(scope)
    if allowed is not None and customer_id not in allowed.to_list():
        raise PermissionError(f"customer {customer_id} is outside the viewer's portfolio")
    events: list[TimelineEvent] = []
    entries = ledger.entries.filter(
        (pl.col("customer_id") == customer_id) & (pl.col("posting_date") <= as_of)
    )
    pieces = _pieces(engine, entries["id"].to_list())
    for row in entries.iter_rows(named=True):
        kind = "bounced_payment" if row["bounced"] else ENTRY_TITLES[row["kind"]]
        events.append(
            TimelineEvent(
                on=row["posting_date"],
                at=None,
                kind=kind,
                title=pieces.get(row["id"], ""),
                amount=money(row["amount"]),
                ref=row["id"],
            )
        )

    def add(at: datetime | None, kind: str, title: str, amount: Decimal | None, ref: int) -> None:
        events.append(TimelineEvent(_day(at), at, kind, title, amount, ref))

    with engine.connect() as conn:
        for m in conn.execute(select(Message).where(Message.customer_id == customer_id)):
            add(m.sent_at or m.created_at, "message", m.subject, None, m.id)
        for p in conn.execute(select(Promise).where(Promise.customer_id == customer_id)):
            title = f"{p.promised_on.isoformat()} {p.note}".strip()
            add(p.created_at, "promise", title, p.amount, p.id)
            if p.status in ("kept", "broken") and p.resolved_at is not None:
                add(p.resolved_at, f"promise_{p.status}", title, p.amount, p.id)
        for d in conn.execute(select(Dispute).where(Dispute.customer_id == customer_id)):
            add(d.opened_at, "dispute_opened", d.note, None, d.id)
            if d.closed_at is not None:
                add(d.closed_at, "dispute_closed", d.note, None, d.id)
        for c in conn.execute(select(Comment).where(Comment.customer_id == customer_id)):
            add(c.created_at, "comment", c.body, None, c.id)
        for f in conn.execute(select(Flag).where(Flag.customer_id == customer_id)):
            add(f.created_at, "flag", f.label or f.kind, None, f.id)
            if f.cleared_at is not None:
                add(f.cleared_at, "flag_cleared", f.label or f.kind, None, f.id)
        for a in conn.execute(select(Action).where(Action.customer_id == customer_id)):
            if a.status == "done" and a.done_at is not None:
                kind = "call" if a.kind == "call" else "action"
                add(a.done_at, kind, a.note or a.outcome or a.kind, None, a.id)
    events = [
        e for e in events if e.on is not None and e.on <= as_of and (since is None or e.on >= since)
    ]
    return sorted(
        events, key=lambda e: (e.on, e.at or datetime.combine(e.on, time.min, UTC), e.kind, e.ref)
    )


def _pieces(engine: Engine, ids: list[int]) -> dict[int, str]:
    """Piece numbers (and labels) of entries, by id."""
    from src_dash.store import Entry

    table = Entry.__table__
    out: dict[int, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in conn.execute(
                select(table.c.id, table.c.piece, table.c.label).where(table.c.id.in_(chunk))
            ):
                out[row.id] = f"{row.piece} {row.label}".strip()
    return out
