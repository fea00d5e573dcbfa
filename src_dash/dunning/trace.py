"""The trace of dunning: every message kept with what it said, its PDF, recipients, items and
levels, status, who approved and who sent it; and a customer's whole dunning history (messages,
calls and other actions), exportable as CSV or JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import AccessDenied, Viewer, check_customers
from src_dash.store import (
    Action,
    ActionItem,
    Company,
    Customer,
    Entry,
    Message,
    MessageItem,
    User,
)
from src_dash.store.csv_cells import safe_cell
from src_dash.store.rows import from_row

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class TraceItem:
    """An item as a message or an action listed it."""

    entry_id: int | None
    piece: str
    reference: str
    due_date: date | None
    level: int
    previous_level: int
    days_late: int | None
    residual: Decimal | None


@dataclass(frozen=True)
class MessageTrace:
    """A message as it was written, and what became of it."""

    id: int
    action_id: int | None
    customer_id: int
    channel: str
    language: str
    run: str
    dunned_on: date | None
    level: int
    template_code: str
    subject: str
    body_html: str
    body_text: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    pdf_path: str
    status: str
    attempts: int
    server_answer: str
    smtp_message_id: str
    total: Decimal
    currency: str
    created_at: datetime
    approved_by: str
    approved_at: datetime | None
    sent_by: str
    sent_at: datetime | None
    items: tuple[TraceItem, ...]


@dataclass(frozen=True)
class ActionTrace:
    """An action (a call, a step without a message), with its outcome."""

    id: int
    kind: str
    phase: str
    level: int
    due_on: date
    status: str
    origin: str
    outcome: str
    note: str
    assigned_to: str
    done_by: str
    done_at: datetime | None
    created_at: datetime
    items: tuple[TraceItem, ...]


@dataclass(frozen=True)
class History:
    """A customer's whole dunning history, oldest first."""

    company_code: str
    customer_id: int
    customer_number: str
    customer_name: str
    messages: tuple[MessageTrace, ...]
    actions: tuple[ActionTrace, ...]  # actions without a message (calls, other)


def _names(conn: Connection) -> dict[int, str]:
    u = User.__table__
    return {r.id: r.name or r.login for r in conn.execute(select(u.c.id, u.c.name, u.c.login))}


def _name(names: dict[int, str], user_id: int | None) -> str:
    return names.get(user_id, "") if user_id else ""


def _addresses(recipients: list) -> tuple[str, ...]:
    out = []
    for r in recipients or []:
        if isinstance(r, dict):
            out.append(
                f"{r.get('name')} <{r.get('email')}>" if r.get("name") else str(r.get("email"))
            )
        else:
            out.append(str(r))
    return tuple(out)


def _message_items(conn: Connection, ids: list[int]) -> dict[int, list[TraceItem]]:
    mi = MessageItem.__table__
    out: dict[int, list[TraceItem]] = {}
    for start in range(0, len(ids), 1000):
        for r in conn.execute(
            select(mi).where(mi.c.message_id.in_(ids[start : start + 1000])).order_by(mi.c.id)
        ):
            out.setdefault(r.message_id, []).append(
                TraceItem(
                    r.entry_id,
                    r.piece,
                    r.reference,
                    r.due_date,
                    r.level,
                    r.previous_level,
                    r.days_late,
                    r.residual,
                )  # fmt: skip
            )
    return out


def _messages(conn: Connection, where, names: dict[int, str]) -> list[MessageTrace]:  # noqa: ANN001
    m = Message.__table__
    rows = conn.execute(select(m).where(where).order_by(m.c.created_at, m.c.id)).all()
    items = _message_items(conn, [r.id for r in rows])
    return [
        from_row(
            MessageTrace,
            r,
            to=_addresses(r.recipients_to),
            cc=_addresses(r.recipients_cc),
            approved_by=_name(names, r.approved_by),
            sent_by=_name(names, r.sent_by),
            items=tuple(items.get(r.id, ())),
        )
        for r in rows
    ]


def message_trace(engine: Engine, viewer: Viewer, message_id: int) -> MessageTrace:
    """One message as it was written and what became of it.

    Raises:
        LookupError: when it does not exist or is out of the viewer's portfolio.
    """
    m = Message.__table__
    with engine.connect() as conn:
        customer_id = conn.execute(select(m.c.customer_id).where(m.c.id == message_id)).scalar()
        if customer_id is None:
            raise LookupError(f"no message {message_id}")
        try:
            check_customers(conn, viewer, [customer_id])
        except AccessDenied:
            raise LookupError(f"no message {message_id}") from None
        return _messages(conn, m.c.id == message_id, _names(conn))[0]


def find_customer(engine: Engine, number: str, company_code: str | None = None) -> int:
    """The id of a customer by its number (and its company's code when several have it).

    Raises:
        LookupError: when there is none, or several and no company was given.
    """
    c, co = Customer.__table__, Company.__table__
    query = select(c.c.id, co.c.code).select_from(c.join(co, co.c.id == c.c.company_id))
    query = query.where(c.c.number == number)
    if company_code:
        query = query.where(co.c.code == company_code)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        where = f" in company {company_code}" if company_code else ""
        raise LookupError(f"no customer {number}{where}")
    if len(rows) > 1:
        codes = ", ".join(sorted(r.code for r in rows))
        raise LookupError(f"customer {number} is in several companies ({codes}): give --company")
    return rows[0].id


def _action_items(conn: Connection, action_ids: list[int]) -> dict[int, list[TraceItem]]:
    """The items of some actions, per action (in their order)."""
    ai, e = ActionItem.__table__, Entry.__table__
    items: dict[int, list[TraceItem]] = {}
    for r in conn.execute(
        select(
            ai.c.action_id,
            ai.c.entry_id,
            ai.c.level,
            ai.c.previous_level,
            e.c.piece,
            e.c.reference,
            e.c.due_date,
            e.c.residual,
        )  # fmt: skip
        .select_from(ai.outerjoin(e, e.c.id == ai.c.entry_id))
        .where(ai.c.action_id.in_(action_ids))
        .order_by(ai.c.id)
    ):
        items.setdefault(r.action_id, []).append(
            TraceItem(
                r.entry_id,
                r.piece or "",
                r.reference or "",
                r.due_date,
                r.level,
                r.previous_level,
                None,
                r.residual,
            )  # fmt: skip
        )
    return items


def customer_history(engine: Engine, viewer: Viewer | None, customer_id: int) -> History:
    """Every message and every action without a message of a customer, oldest first.

    Args:
        engine: the store.
        viewer: the user asking (None for the system: the CLI).
        customer_id: the customer.

    Raises:
        LookupError: when the customer does not exist or is out of the viewer's portfolio.
    """
    c, co, a, m = Customer.__table__, Company.__table__, Action.__table__, Message.__table__
    with engine.connect() as conn:
        if viewer is not None:
            try:
                check_customers(conn, viewer, [customer_id])
            except AccessDenied:
                raise LookupError(f"no customer {customer_id}") from None
        customer = conn.execute(
            select(c.c.id, c.c.number, c.c.name, co.c.code)
            .select_from(c.join(co, co.c.id == c.c.company_id))
            .where(c.c.id == customer_id)
        ).first()
        if customer is None:
            raise LookupError(f"no customer {customer_id}")
        names = _names(conn)
        messages = _messages(conn, m.c.customer_id == customer_id, names)
        with_message = {x.action_id for x in messages if x.action_id is not None}
        rows = conn.execute(
            select(a).where(a.c.customer_id == customer_id).order_by(a.c.created_at, a.c.id)
        ).all()
        rows = [r for r in rows if r.id not in with_message]
        items = _action_items(conn, [x.id for x in rows]) if rows else {}
    actions = [
        from_row(
            ActionTrace,
            r,
            assigned_to=_name(names, r.assigned_to),
            done_by=_name(names, r.done_by),
            items=tuple(items.get(r.id, ())),
        )
        for r in rows
    ]
    return History(
        company_code=customer.code,
        customer_id=customer.id,
        customer_number=customer.number,
        customer_name=customer.name,
        messages=tuple(messages),
        actions=tuple(actions),
    )


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


CSV_COLUMNS = (
    "company", "customer", "customer_name", "record", "id", "channel_or_kind", "date", "status",
    "level", "subject_or_outcome", "to", "cc", "approved_by", "sent_by", "sent_or_done_at",
    "attempts", "server_answer", "pdf_path", "item_piece", "item_reference", "item_due_date",
    "item_level", "item_previous_level", "item_days_late", "item_residual",
)  # fmt: skip


def history_rows(history: History) -> list[dict[str, object]]:
    """The history as flat rows: one per item of each message and action (one when none)."""
    rows: list[dict[str, object]] = []
    base = {
        "company": history.company_code,
        "customer": history.customer_number,
        "customer_name": history.customer_name,
    }
    events: list[tuple[tuple, dict[str, object], tuple[TraceItem, ...]]] = []
    for msg in history.messages:
        events.append(
            (
                (msg.created_at, msg.action_id or 0, 1, msg.id),
                {
                    "record": "message",
                    "id": msg.id,
                    "channel_or_kind": msg.channel,
                    "date": msg.dunned_on or msg.created_at.date(),
                    "status": msg.status,
                    "level": msg.level,
                    "subject_or_outcome": msg.subject,
                    "to": "; ".join(msg.to),
                    "cc": "; ".join(msg.cc),
                    "approved_by": msg.approved_by,
                    "sent_by": msg.sent_by,
                    "sent_or_done_at": msg.sent_at,
                    "attempts": msg.attempts,
                    "server_answer": msg.server_answer,
                    "pdf_path": msg.pdf_path,
                },
                msg.items,
            )
        )
    for act in history.actions:
        events.append(
            (
                (act.created_at, act.id, 0, act.id),
                {
                    "record": "action",
                    "id": act.id,
                    "channel_or_kind": act.kind,
                    "date": act.due_on,
                    "status": act.status,
                    "level": act.level,
                    "subject_or_outcome": act.outcome or act.note,
                    "sent_by": act.done_by,
                    "sent_or_done_at": act.done_at,
                },
                act.items,
            )
        )
    events.sort(key=lambda ev: ev[0])  # in the order they were made
    for _, event, items in events:
        head = {**base, **event}
        for item in items or (None,):
            row = dict.fromkeys(CSV_COLUMNS, "") | head
            if item is not None:
                row |= {
                    "item_piece": item.piece,
                    "item_reference": item.reference,
                    "item_due_date": item.due_date,
                    "item_level": item.level,
                    "item_previous_level": item.previous_level,
                    "item_days_late": "" if item.days_late is None else item.days_late,
                    "item_residual": "" if item.residual is None else item.residual,
                }
            rows.append({k: _plain(safe_cell(v)) if v is not None else "" for k, v in row.items()})
    return rows


def export_history(history: History, fmt: str = "csv") -> str:
    """The history as CSV (one row per item, `CSV_COLUMNS`) or JSON (messages and actions).

    Raises:
        ValueError: when the format is neither csv nor json.
    """
    if fmt == "json":
        return json.dumps(_plain(asdict(history)), ensure_ascii=False, indent=2)
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}: csv or json")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(history_rows(history))
    return out.getvalue()


def write_history(
    engine: Engine,
    viewer: Viewer | None,
    customer_number: str,
    company_code: str | None = None,
    fmt: str = "csv",
    path: Path | None = None,
) -> str:
    """Export a customer's history by its number; write it to `path` when given, return it.

    Raises:
        LookupError: when the customer is unknown (or ambiguous without a company).
        ValueError: when the format is unknown.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: csv or json")
    customer_id = find_customer(engine, customer_number, company_code)
    text = export_history(customer_history(engine, viewer, customer_id), fmt)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return text


def message_ids_of_run(engine: Engine, run: str) -> list[int]:
    """The messages a run created, in order."""
    m = Message.__table__
    with engine.connect() as conn:
        return list(conn.execute(select(m.c.id).where(m.c.run == run).order_by(m.c.id)).scalars())


def statuses(engine: Engine, message_ids: Sequence[int] | None = None) -> dict[str, int]:
    """How many messages are in each status (all, or some)."""
    m = Message.__table__
    query = select(m.c.status, m.c.id)
    if message_ids is not None:
        query = query.where(m.c.id.in_(list(message_ids)))
    out: dict[str, int] = {}
    with engine.connect() as conn:
        for status, _ in conn.execute(query):
            out[status] = out.get(status, 0) + 1
    return out
