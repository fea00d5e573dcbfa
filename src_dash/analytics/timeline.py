"""Timelines: one customer's (invoices, payments, messages, promises, disputes, comments, flags,
stops, calls and other actions, in date order), and the portfolio's recent events.

App events say who did them (`by`, the user's name): the rows' own author columns where they
have one, else the audit log (cancelled promises, closed disputes, cleared flags, stops and
levels set by hand, which keep no history of their own). Events of the books and of the sync
(promises kept or broken) have no author.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy import or_, select
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.balances import money
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.clock import today as clock_today
from src_dash.store import (
    Action,
    AuditLog,
    Comment,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    Flag,
    InboundMail,
    Message,
    Promise,
    PromiseItem,
    User,
)

ENTRY_TITLES = {
    "invoice": "invoice",
    "credit_note": "credit_note",
    "payment": "payment",
    "other_debit": "other_debit",
    "fee": "fee",
}

# Audit lines on a customer that are timeline events, and the event kind of each.
AUDIT_KINDS = {
    "item.stop": "item_stopped",
    "item.resume": "item_resumed",
    "item.set_level": "level_set",
    "customer.stop": "customer_stopped",
    "customer.resume": "customer_resumed",
}
# Message statuses that mean it left (or was handed to the server and came back bounced).
SENT_STATUSES = ("sent", "bounced")
FAILED_STATUSES = ("failed", "bounced")


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a timeline.

    Attributes:
        on: the day of the event.
        at: its UTC time when known (app events), None for accounting entries.
        kind: invoice, credit_note, payment, other_debit, bounced_payment, message,
            message_failed, promise, promise_kept, promise_broken, promise_cancelled,
            dispute_opened, dispute_closed, comment, flag, flag_cleared, call, action,
            action_skipped, item_stopped, item_resumed, level_set, customer_stopped,
            customer_resumed, reply (a customer's answer read from the collection mailbox),
            auto_reply.
        title: a short text (piece, subject, note, reason...), never a code or an ISO date.
        amount: the amount when there is one (signed for entries).
        ref: the id of the row it comes from (of the audit line for stops and levels).
        by: the name of the user who did it; empty for the books and the sync.
        detail: more about it, as text: the dispute's note, the pieces concerned, the server's
            answer, why an action was skipped...
        code: a code that says more, for the viewer's words: the message's channel or failed
            status, the call's outcome, the action's kind, the flag's kind.
        due: the day the event is about: the date promised, the end of a stop.
        customer_id: the customer.
        customer: the customer's number and name (portfolio timeline only).
    """

    on: date
    at: datetime | None
    kind: str
    title: str
    amount: Decimal | None
    ref: int
    by: str = ""
    detail: str = ""
    customer_id: int | None = None
    customer: str = ""
    code: str = ""
    due: date | None = None


def _a_day(value: object) -> date | None:
    """The day an audit line's ISO date says, None when it says none."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.astimezone(UTC).date()


def _sort_key(e: TimelineEvent) -> tuple:
    return (e.on, e.at or datetime.combine(e.on, time.min, UTC), e.kind, e.ref)


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
    entries = ledger.entries.filter(
        (pl.col("customer_id") == customer_id) & (pl.col("posting_date") <= as_of)
    )
    events = _entry_events(engine, entries)
    with engine.connect() as conn:
        events += _app_events(conn, customer_id=customer_id)
    events = [
        e for e in events if e.on is not None and e.on <= as_of and (since is None or e.on >= since)
    ]
    return sorted(events, key=_sort_key)


def portfolio_timeline(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    days: int = 30,
    limit: int = 100,
    kinds: Iterable[str] | None = None,
) -> list[TimelineEvent]:
    """The recent events of every customer in a scope, newest first: what the team did
    (comments, flags, promises, disputes, stops, calls, messages...) and the payments received.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the last day (default today).
        days: how many days back from `as_of`.
        limit: at most this many events (the newest).
        kinds: only events of these kinds.
    """
    as_of = as_of or clock_today()
    since = as_of - timedelta(days=max(days, 1) - 1)
    ledger = get_ledger(engine)
    allowed = ledger.customer_ids(scope)
    wanted = None if kinds is None else set(kinds)
    entries = ledger.entries.filter(
        pl.col("posting_date").is_between(since, as_of)
        & ((pl.col("kind") == "payment") | pl.col("bounced"))
    )
    if allowed is not None:
        entries = entries.filter(pl.col("customer_id").is_in(allowed.implode()))
    events = _entry_events(engine, entries)
    since_at = datetime.combine(since, time.min, UTC)
    with engine.connect() as conn:
        app = _app_events(conn, since_at=since_at)
    keep = None if allowed is None else set(allowed.to_list())
    events += [e for e in app if keep is None or e.customer_id in keep]
    events = [
        e
        for e in events
        if e.on is not None and since <= e.on <= as_of and (wanted is None or e.kind in wanted)
    ]
    events = sorted(events, key=_sort_key, reverse=True)[: max(limit, 0)]
    names = {
        r["customer_id"]: f"{r['number']} {r['name']}".strip()
        for r in ledger.customers.filter(
            pl.col("customer_id").is_in([e.customer_id for e in events])
        ).iter_rows(named=True)
    }
    return [replace(e, customer=names.get(e.customer_id, "")) for e in events]


def _entry_events(engine: Engine, entries: pl.DataFrame) -> list[TimelineEvent]:
    """Events of accounting entries (a ledger frame's rows)."""
    pieces = _pieces(engine, entries["id"].to_list())
    return [
        TimelineEvent(
            on=row["posting_date"],
            at=None,
            kind="bounced_payment" if row["bounced"] else ENTRY_TITLES[row["kind"]],
            title=pieces.get(row["id"], ""),
            amount=money(row["amount"]),
            ref=row["id"],
            customer_id=row["customer_id"],
        )
        for row in entries.iter_rows(named=True)
    ]


def _app_events(
    conn: Connection, customer_id: int | None = None, since_at: datetime | None = None
) -> list[TimelineEvent]:
    """Events recorded by the app, of one customer (or all) and from a time (or ever)."""
    found = _AppEvents(conn, customer_id, since_at)
    found.messages()
    found.promises()
    found.disputes()
    found.comments()
    found.flags()
    found.actions()
    found.replies()
    found.audited()
    return found.events


class _AppEvents:
    """The app's events of one customer (or all) from a time (or ever), read table by table."""

    def __init__(
        self, conn: Connection, customer_id: int | None, since_at: datetime | None
    ) -> None:
        self.conn = conn
        self.customer_id = customer_id
        self.since_at = since_at
        self.names = dict(conn.execute(select(User.__table__.c.id, User.__table__.c.name)).all())
        self.events: list[TimelineEvent] = []

    def where(self, table, *stamps: str) -> list:  # noqa: ANN001
        """The clauses that keep a table's rows of the customer, stamped from the time."""
        clauses = []
        if self.customer_id is not None:
            clauses.append(table.c.customer_id == self.customer_id)
        if self.since_at is not None:
            clauses.append(or_(*(table.c[s] >= self.since_at for s in stamps)))
        return clauses

    def add(
        self,
        at: datetime | None,
        kind: str,
        title: str,
        amount: Decimal | None,
        ref: int,
        customer: int,
        by: int | None = None,
        detail: str = "",
        code: str = "",
        due: date | None = None,
    ) -> None:
        """Add an event (none when it has no time)."""
        if at is None:
            return
        who = self.names.get(by, "") if by is not None else ""
        self.events.append(
            TimelineEvent(
                _day(at), at, kind, title, amount, ref, who, detail, customer, "", code, due
            )
        )

    def messages(self) -> None:
        """Messages sent, and those that failed or bounced."""
        add, m = self.add, Message.__table__
        for row in self.conn.execute(select(m).where(*self.where(m, "created_at", "sent_at"))):
            by = row.sent_by if row.sent_by is not None else row.approved_by
            if row.sent_at is not None and row.status in SENT_STATUSES:
                add(row.sent_at, "message", row.subject, None, row.id, row.customer_id, by,
                    code=row.channel)  # fmt: skip
            if row.status in FAILED_STATUSES:
                when = row.sent_at or row.created_at
                add(when, "message_failed", row.subject, None, row.id, row.customer_id, by,
                    row.server_answer or "", row.status)  # fmt: skip

    def promises(self) -> None:
        """Promises made, and kept, broken or cancelled."""
        conn, add = self.conn, self.add
        p, pi = Promise.__table__, PromiseItem.__table__
        promises = conn.execute(select(p).where(*self.where(p, "created_at", "resolved_at"))).all()
        pieces = _grouped(conn, pi, "promise_id", [r.id for r in promises])
        cancelled_by = _audit_authors(conn, "promise", "promise.cancel", [r.id for r in promises])
        for row in promises:
            title, due = row.note or "", row.promised_on
            detail = ", ".join(pieces.get(row.id, []))
            add(row.created_at, "promise", title, row.amount, row.id, row.customer_id,
                row.created_by, detail, due=due)  # fmt: skip
            if row.status in ("kept", "broken"):
                kind = f"promise_{row.status}"
                add(row.resolved_at, kind, title, row.amount, row.id, row.customer_id, None, detail,
                    due=due)  # fmt: skip
            elif row.status == "cancelled":
                by, note = cancelled_by.get(row.id, (None, ""))
                add(row.resolved_at, "promise_cancelled", title, row.amount, row.id,
                    row.customer_id, by, note or detail, due=due)  # fmt: skip

    def disputes(self) -> None:
        """Disputes opened, and closed."""
        conn, add = self.conn, self.add
        d, di, r = Dispute.__table__, DisputeItem.__table__, DisputeReason.__table__
        reasons = dict(conn.execute(select(r.c.id, r.c.label)).all())
        disputes = conn.execute(select(d).where(*self.where(d, "opened_at", "closed_at"))).all()
        pieces = _grouped(conn, di, "dispute_id", [r.id for r in disputes])
        closed_by = _audit_authors(conn, "dispute", "dispute.close", [r.id for r in disputes])
        for row in disputes:
            items = ", ".join(pieces.get(row.id, []))
            title = reasons.get(row.reason_id, "") or row.note or items
            detail = " — ".join(x for x in (row.note, items) if x and x != title)
            add(row.opened_at, "dispute_opened", title, None, row.id, row.customer_id,
                row.opened_by, detail)  # fmt: skip
            if row.closed_at is not None:
                by, note = closed_by.get(row.id, (None, ""))
                add(row.closed_at, "dispute_closed", title, None, row.id, row.customer_id, by,
                    note or items)  # fmt: skip

    def comments(self) -> None:
        """Comments, with the piece of the item they are on."""
        c, e = Comment.__table__, Entry.__table__
        for row in self.conn.execute(
            select(c, e.c.piece)
            .select_from(c.outerjoin(e, e.c.id == c.c.entry_id))
            .where(*self.where(c, "created_at"))
        ):
            self.add(row.created_at, "comment", row.body, None, row.id, row.customer_id,
                     row.author_id, row.piece or "")  # fmt: skip

    def flags(self) -> None:
        """Flags raised, and cleared."""
        conn, add, f = self.conn, self.add, Flag.__table__
        flags = conn.execute(select(f).where(*self.where(f, "created_at", "cleared_at"))).all()
        cleared_by = _audit_authors(conn, "flag", "flag.clear", [r.id for r in flags])
        for row in flags:
            title = row.label or ""
            add(row.created_at, "flag", title, None, row.id, row.customer_id, row.created_by,
                code=row.kind)  # fmt: skip
            if row.cleared_at is not None:
                by, _ = cleared_by.get(row.id, (None, ""))
                add(row.cleared_at, "flag_cleared", title, None, row.id, row.customer_id, by,
                    code=row.kind)  # fmt: skip

    def actions(self) -> None:
        """Actions done (calls among them) or skipped; a step's event is the message it sent."""
        a = Action.__table__
        for row in self.conn.execute(
            select(a).where(*self.where(a, "done_at"), a.c.status.in_(("done", "skipped")))
        ):
            if row.kind == "step":  # the message it sent is the event
                continue
            if row.status == "done":
                kind = "call" if row.kind == "call" else "action"
                code = (row.outcome or "") if row.kind == "call" else row.kind
                title, detail = row.note or "", "" if row.kind == "call" else row.outcome or ""
            else:
                kind, title, detail, code = "action_skipped", row.note or "", row.outcome, row.kind
            self.add(row.done_at, kind, title, None, row.id, row.customer_id, row.done_by,
                     detail or "", code)  # fmt: skip

    def replies(self) -> None:
        """Customers' replies and automatic replies read from the mailbox."""
        im = InboundMail.__table__
        for row in self.conn.execute(
            select(im).where(*self.where(im, "received_at"), im.c.kind.in_(("reply", "auto_reply")))
        ):
            sender = row.from_name or row.from_address
            detail = " — ".join(x for x in (sender, " ".join(row.body_text.split())[:300]) if x)
            self.add(row.received_at, row.kind, row.subject, None, row.id, row.customer_id, None,
                     detail)  # fmt: skip

    def audited(self) -> None:
        """What the audit log keeps of a customer: level set, stops and their ends (AUDIT_KINDS)."""
        log = AuditLog.__table__
        query = select(log).where(log.c.entity == "customer", log.c.action.in_(list(AUDIT_KINDS)))
        if self.customer_id is not None:
            query = query.where(log.c.entity_id == self.customer_id)
        if self.since_at is not None:
            query = query.where(log.c.at >= self.since_at)
        for row in self.conn.execute(query):
            details = row.details or {}
            pieces_text = ", ".join(str(x) for x in details.get("pieces", []))
            kind = AUDIT_KINDS[row.action]
            if kind == "level_set":
                level = details.get("level")
                title = f"R{level}" if level is not None else ""
            else:
                title = details.get("reason", "")
            self.add(row.at, kind, title, None, row.id, row.entity_id, row.user_id, pieces_text,
                     due=_a_day(details.get("until")))  # fmt: skip


def _grouped(conn: Connection, table, key: str, ids: list[int]) -> dict[int, list[str]]:  # noqa: ANN001
    """The pieces of a promise's or a dispute's items, by its id (the entry's when not kept)."""
    e = Entry.__table__
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(
            select(table.c[key], table.c.piece, e.c.piece.label("entry_piece"))
            .select_from(table.outerjoin(e, e.c.id == table.c.entry_id))
            .where(table.c[key].in_(chunk))
            .order_by(table.c[key], table.c.id)
        ):
            piece = row.piece or row.entry_piece
            if piece:
                out.setdefault(row[0], []).append(piece)
    return out


def _audit_authors(
    conn: Connection, entity: str, action: str, ids: list[int]
) -> dict[int, tuple[int | None, str]]:
    """Who made an audited change of these rows (the last one), and the note they left."""
    log = AuditLog.__table__
    out: dict[int, tuple[int | None, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(
            select(log.c.entity_id, log.c.user_id, log.c.details)
            .where(log.c.entity == entity, log.c.entity_id.in_(chunk), log.c.action == action)
            .order_by(log.c.at, log.c.id)
        ):
            out[row.entity_id] = (row.user_id, (row.details or {}).get("note", ""))
    return out


def _pieces(engine: Engine, ids: list[int]) -> dict[int, str]:
    """Piece numbers (and labels) of entries, by id."""
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
