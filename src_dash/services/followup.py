"""Inline actions on customers and open items: promises, disputes, comments, flags, stops, levels
set by hand, calls.

Every function takes the Viewer, checks the role and the customer's scope on the server (raising
AccessDenied) and then the input (raising InvalidInput, a ValueError naming the field), and makes
its change in one transaction together with its audit line and a bump of the data version, so the
dashboard, the open items and the timeline refresh. A refused change leaves the data as it was.

Amounts open on an item are the store's residuals (what the sync keeps and judges promises on),
in the book currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.ledger import open_residuals
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.money import ZERO, to_money
from src_dash.services.access import (
    NOTE,
    WORK,
    AccessDenied,
    Viewer,
    audit,
    check_customers,
    owned_row,
)
from src_dash.services.access import require as require_role
from src_dash.store import (
    Action,
    ActionItem,
    Comment,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    Flag,
    ItemState,
    Promise,
    PromiseItem,
)
from src_dash.sync import bump_data_version

# What a call ended with; "promise" and "dispute" record one, "call_back" plans another call.
CALL_OUTCOMES = ("reached", "no_answer", "promise", "dispute", "call_back")
# Kinds of flag a user may raise on a customer.
FLAG_KINDS = ("watch", "risk", "legal", "vip", "other")
MAX_LEVEL = 5


class InvalidInput(ValueError):
    """Input a user got wrong; the message names the field. Nothing was changed.

    Attributes:
        field: the name of the field at fault (amount, promised_on, items, reason, body, ...).
    """

    def __init__(self, field: str, message: str) -> None:
        """Keep the field and build the message `field: message`."""
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class ItemAmount:
    """An item covered by a promise or a dispute, and the amount on it."""

    entry_id: int | None
    piece: str
    amount: Decimal


@dataclass(frozen=True)
class PromiseView:
    """A promise to pay as recorded."""

    id: int
    customer_id: int
    amount: Decimal
    promised_on: date
    status: str
    note: str
    items: tuple[ItemAmount, ...]
    followup_action_id: int | None


@dataclass(frozen=True)
class DisputeView:
    """A dispute as recorded."""

    id: int
    customer_id: int
    reason_id: int | None
    reason: str
    status: str
    note: str
    items: tuple[ItemAmount, ...]


@dataclass(frozen=True)
class CommentView:
    """A comment on a customer or one of its items."""

    id: int
    customer_id: int
    entry_id: int | None
    body: str
    author_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class FlagView:
    """A flag on a customer."""

    id: int
    customer_id: int
    kind: str
    label: str
    created_at: datetime
    cleared_at: datetime | None


@dataclass(frozen=True)
class ItemStateView:
    """The app's state of one item after a change: level, next level by hand, stop."""

    entry_id: int
    customer_id: int
    piece: str
    level: int
    next_level: int | None
    stop_reason: str
    stop_until: date | None


@dataclass(frozen=True)
class CustomerStopView:
    """A customer's dunning stop after a change (empty reason: not stopped)."""

    customer_id: int
    stop_reason: str
    stop_until: date | None


@dataclass(frozen=True)
class CallView:
    """A logged call and what it created."""

    action_id: int
    customer_id: int
    outcome: str
    note: str
    promise: PromiseView | None
    dispute: DisputeView | None
    call_back_action_id: int | None
    call_back_on: date | None


# ---------------------------------------------------------------------------------------------
# Checks shared by the services of the working side (worklist and settings use them too).


def text_field(value: object, field: str, max_length: int, required: bool = False) -> str:
    """A stripped text input, checked for presence and length.

    Raises:
        InvalidInput: when it is required and empty, or too long.
    """
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(field, "must not be empty")
    if len(text) > max_length:
        raise InvalidInput(field, f"is {len(text)} characters long; at most {max_length}")
    return text


def amount_field(value: object, field: str = "amount") -> Decimal:
    """A positive amount in cents.

    Raises:
        InvalidInput: when it is not a number or not above zero.
    """
    try:
        amount = to_money(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(field, f"{value!r} is not an amount") from exc
    if value is None or amount <= ZERO:
        raise InvalidInput(field, "must be more than 0")
    return amount


def date_field(value: object, field: str) -> date:
    """A date input (a date, or ISO text).

    Raises:
        InvalidInput: when it is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InvalidInput(field, f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _ids(values: Iterable[object] | None, field: str) -> list[int]:
    """Distinct integer ids in the order given."""
    out: list[int] = []
    for value in values or ():
        try:
            number = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError) as exc:
            raise InvalidInput(field, f"{value!r} is not an id") from exc
        if number not in out:
            out.append(number)
    return out


def _customer(conn: Connection, who: Viewer, customer_id: int):  # noqa: ANN202
    """The customer row, once checked that it is in the viewer's scope."""
    try:
        customer_id = int(customer_id)
    except (TypeError, ValueError) as exc:
        raise AccessDenied("customer not found") from exc
    check_customers(conn, who, [customer_id])
    table = Customer.__table__
    return conn.execute(select(table).where(table.c.id == customer_id)).one()


@dataclass(frozen=True)
class OpenRow:
    """An item a collector acts on, with its residual as the pages show it."""

    id: int
    customer_id: int
    piece: str
    residual: Decimal
    due_date: date | None
    posting_date: date


def _items(
    conn: Connection,
    customer_id: int,
    entry_ids: Iterable[object] | None,
    field: str = "items",
    debit_only: bool = True,
    required: bool = True,
) -> list:
    """The customer's open items with these ids, in due-date order.

    Raises:
        InvalidInput: when none is given (and some are required), or when one is not an open
            item of this customer (the same message whether it exists elsewhere or not).
    """
    ids = _ids(entry_ids, field)
    if not ids:
        if required:
            raise InvalidInput(field, "choose at least one open item")
        return []
    e = Entry.__table__
    rows = conn.execute(
        select(e.c.id, e.c.customer_id, e.c.piece, e.c.residual, e.c.due_date, e.c.posting_date)
        .where(e.c.id.in_(ids))
        .with_for_update()
    ).all()
    # The residuals the pages show (the ledger's), not the ones the source wrote on the lines.
    residuals = open_residuals(conn.engine, ids)
    by_id = {
        r.id: OpenRow(
            r.id, r.customer_id, r.piece, residuals.get(r.id, ZERO), r.due_date, r.posting_date
        )
        for r in rows
    }
    for entry_id in ids:
        row = by_id.get(entry_id)
        is_open = row is not None and (row.residual > ZERO if debit_only else row.residual != ZERO)
        if row is None or row.customer_id != customer_id or not is_open:
            what = row.piece if row is not None and row.customer_id == customer_id else entry_id
            raise InvalidInput(field, f"{what} is not an open item of this customer")
    chosen = [by_id[i] for i in ids]
    return sorted(chosen, key=lambda r: (r.due_date or r.posting_date, r.id))


def _finish(conn: Connection) -> None:
    # The follow-up only: the parties' tables and what is computed from them stay cached.
    bump_data_version(conn, parties=False)


# ---------------------------------------------------------------------------------------------
# Promises


def _pending_promises_on(conn: Connection, entry_ids: list[int]) -> dict[int, date]:
    p, pi = Promise.__table__, PromiseItem.__table__
    rows = conn.execute(
        select(pi.c.entry_id, p.c.promised_on)
        .select_from(pi.join(p, p.c.id == pi.c.promise_id))
        .where(pi.c.entry_id.in_(entry_ids), p.c.status == "pending")
    ).all()
    return {r.entry_id: r.promised_on for r in rows}


def _record_promise(
    conn: Connection,
    who: Viewer,
    customer,  # noqa: ANN001  (a customer row)
    amount: object,
    promised_on: object,
    entry_ids: Iterable[object] | None,
    note: str,
    today: date,
    call_id: int | None = None,
) -> PromiseView:
    amount = amount_field(amount)
    promised_on = date_field(promised_on, "promised_on")
    if promised_on < today:
        raise InvalidInput("promised_on", f"{promised_on.isoformat()} is in the past")
    note = text_field(note, "note", 500)
    items = _items(conn, customer.id, entry_ids)
    promised = _pending_promises_on(conn, [r.id for r in items])
    for row in items:
        if row.id in promised:
            until = promised[row.id].isoformat()
            raise InvalidInput("items", f"{row.piece} already has a pending promise ({until})")
    open_total = sum((r.residual for r in items), ZERO)
    if amount > open_total:
        raise InvalidInput("amount", f"{amount} is more than the {open_total} open on these items")
    p, pi, a = Promise.__table__, PromiseItem.__table__, Action.__table__
    now = utcnow()
    promise_id = conn.execute(
        p.insert().values(
            customer_id=customer.id,
            amount=amount,
            promised_on=promised_on,
            status="pending",
            note=note,
            created_by=who.user_id,
            created_at=now,
        )
    ).inserted_primary_key[0]
    # The amount covers the items in due-date order.
    left, covered = amount, []
    for row in items:
        part = min(left, row.residual)
        left -= part
        covered.append(ItemAmount(row.id, row.piece, part))
    open_before = {row.id: row.residual for row in items}
    conn.execute(
        pi.insert(),
        [
            {
                "promise_id": promise_id,
                "entry_id": c.entry_id,
                "piece": c.piece,
                "amount": c.amount,
                "open_before": open_before[c.entry_id],
            }
            for c in covered
        ],
    )
    # The day after the promised date, the recorder checks it was kept.
    followup_id = conn.execute(
        a.insert().values(
            company_id=customer.company_id,
            customer_id=customer.id,
            kind="promise_followup",
            due_on=promised_on + timedelta(days=1),
            assigned_to=who.user_id,
            status="approved",
            origin="manual",
            note=note,
            created_at=now,
            promise_id=promise_id,
        )
    ).inserted_primary_key[0]
    conn.execute(
        ActionItem.__table__.insert(),
        [{"action_id": followup_id, "entry_id": c.entry_id} for c in covered],
    )
    audit(
        conn,
        who,
        "promise.record",
        "promise",
        promise_id,
        customer_id=customer.id,
        amount=amount,
        promised_on=promised_on,
        entries=[c.entry_id for c in covered],
        pieces=[c.piece for c in covered],
        note=note or None,
        call_id=call_id,
    )
    return PromiseView(
        id=promise_id,
        customer_id=customer.id,
        amount=amount,
        promised_on=promised_on,
        status="pending",
        note=note,
        items=tuple(covered),
        followup_action_id=followup_id,
    )


def record_promise(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    amount: Decimal | str | int,
    promised_on: date | str,
    entry_ids: Sequence[int],
    note: str = "",
    today: date | None = None,
) -> PromiseView:
    """Record a promise to pay `amount` by `promised_on` on some open items of a customer.

    The amount covers the items in due-date order; a follow-up action is planned for the day
    after the promised date, assigned to the viewer. Items under a pending promise are not
    dunned until its date (the planner's rule); the sync later decides kept or broken.

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        customer_id: the customer.
        amount: the amount promised, above 0 and at most what is open on the items.
        promised_on: the promised date, today or later.
        entry_ids: the open items (debits) it covers, at least one, none already promised.
        note: up to 500 characters.
        today: the day (default the clock's).

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        InvalidInput: for any bad input (the field is named); nothing is written.
    """
    require_role(who, WORK)
    today = today or clock_today()
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        view = _record_promise(conn, who, customer, amount, promised_on, entry_ids, note, today)
        _finish(conn)
    return view


def cancel_promise(engine: Engine, who: Viewer, promise_id: int, note: str = "") -> PromiseView:
    """Cancel a pending promise (its items may be dunned again; its follow-up is skipped).

    Raises:
        AccessDenied: for another role, or a promise of a customer outside the scope.
        InvalidInput: when the promise is not pending.
    """
    require_role(who, WORK)
    note = text_field(note, "note", 500)
    p, a = Promise.__table__, Action.__table__
    with engine.begin() as conn:
        row = owned_row(conn, who, p, promise_id, "promise")
        if row.status != "pending":
            raise InvalidInput("promise", f"is {row.status}, not pending")
        now = utcnow()
        conn.execute(p.update().where(p.c.id == row.id).values(status="cancelled", resolved_at=now))
        conn.execute(
            a.update()
            .where(a.c.promise_id == row.id, a.c.status.in_(("proposed", "approved")))
            .values(status="skipped", outcome="promise_cancelled", done_at=now, done_by=who.user_id)
        )
        audit(
            conn,
            who,
            "promise.cancel",
            "promise",
            row.id,
            customer_id=row.customer_id,
            note=note or None,
        )
        _finish(conn)
        items = _promise_items(conn, row.id)
    return PromiseView(
        row.id, row.customer_id, row.amount, row.promised_on, "cancelled", row.note, items, None
    )


def _promise_items(conn: Connection, promise_id: int) -> tuple[ItemAmount, ...]:
    pi = PromiseItem.__table__
    rows = conn.execute(
        select(pi.c.entry_id, pi.c.piece, pi.c.amount)
        .where(pi.c.promise_id == promise_id)
        .order_by(pi.c.id)
    ).all()
    return tuple(ItemAmount(r.entry_id, r.piece, r.amount) for r in rows)


# ---------------------------------------------------------------------------------------------
# Disputes


def _open_dispute(
    conn: Connection,
    who: Viewer,
    customer,  # noqa: ANN001
    reason_id: object,
    entry_ids: Iterable[object] | None,
    note: str,
    call_id: int | None = None,
) -> DisputeView:
    r = DisputeReason.__table__
    try:
        reason_key = int(reason_id)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidInput("reason", "choose a reason from the list") from exc
    reason = conn.execute(select(r).where(r.c.id == reason_key)).first()
    if reason is None or not reason.active:
        raise InvalidInput("reason", "choose a reason from the list")
    note = text_field(note, "note", 1000)
    items = _items(conn, customer.id, entry_ids)
    d, di = Dispute.__table__, DisputeItem.__table__
    disputed = dict(
        conn.execute(
            select(di.c.entry_id, d.c.id)
            .select_from(di.join(d, d.c.id == di.c.dispute_id))
            .where(di.c.entry_id.in_([i.id for i in items]), d.c.status == "open")
        ).all()
    )
    for row in items:
        if row.id in disputed:
            raise InvalidInput("items", f"{row.piece} is already under an open dispute")
    dispute_id = conn.execute(
        d.insert().values(
            customer_id=customer.id,
            reason_id=reason.id,
            status="open",
            note=note,
            opened_by=who.user_id,
            opened_at=utcnow(),
        )
    ).inserted_primary_key[0]
    covered = tuple(ItemAmount(i.id, i.piece, i.residual) for i in items)
    conn.execute(
        di.insert(),
        [
            {"dispute_id": dispute_id, "entry_id": c.entry_id, "piece": c.piece, "amount": c.amount}
            for c in covered
        ],
    )
    audit(
        conn,
        who,
        "dispute.open",
        "dispute",
        dispute_id,
        customer_id=customer.id,
        reason=reason.label,
        entries=[c.entry_id for c in covered],
        pieces=[c.piece for c in covered],
        note=note or None,
        call_id=call_id,
    )
    return DisputeView(dispute_id, customer.id, reason.id, reason.label, "open", note, covered)


def open_dispute(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    reason_id: int,
    entry_ids: Sequence[int],
    note: str = "",
) -> DisputeView:
    """Open a dispute on some open items of a customer: they stay in the balance, never dunned.

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        customer_id: the customer.
        reason_id: an active reason of the configurable list.
        entry_ids: the open items (debits) it covers, at least one, none already disputed.
        note: up to 1000 characters.

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        InvalidInput: for an unknown or inactive reason, or bad items; nothing is written.
    """
    require_role(who, WORK)
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        view = _open_dispute(conn, who, customer, reason_id, entry_ids, note)
        _finish(conn)
    return view


def close_dispute(engine: Engine, who: Viewer, dispute_id: int, note: str = "") -> DisputeView:
    """Close an open dispute (its items may be dunned again); the note goes to the audit log.

    Raises:
        AccessDenied: for another role, or a dispute of a customer outside the scope.
        InvalidInput: when the dispute is already closed.
    """
    require_role(who, WORK)
    note = text_field(note, "note", 1000)
    d, di, r = Dispute.__table__, DisputeItem.__table__, DisputeReason.__table__
    with engine.begin() as conn:
        row = owned_row(conn, who, d, dispute_id, "dispute")
        if row.status != "open":
            raise InvalidInput("dispute", "is already closed")
        conn.execute(d.update().where(d.c.id == row.id).values(status="closed", closed_at=utcnow()))
        reason = conn.execute(select(r.c.label).where(r.c.id == row.reason_id)).scalar() or ""
        audit(
            conn,
            who,
            "dispute.close",
            "dispute",
            row.id,
            customer_id=row.customer_id,
            reason=reason,
            note=note or None,
        )
        _finish(conn)
        items = conn.execute(
            select(di.c.entry_id, di.c.piece, di.c.amount)
            .where(di.c.dispute_id == row.id)
            .order_by(di.c.id)
        ).all()
    return DisputeView(
        row.id,
        row.customer_id,
        row.reason_id,
        reason,
        "closed",
        row.note,
        tuple(ItemAmount(i.entry_id, i.piece, i.amount) for i in items),
    )


# ---------------------------------------------------------------------------------------------
# Comments and flags


def add_comment(
    engine: Engine, who: Viewer, customer_id: int, body: str, entry_id: int | None = None
) -> CommentView:
    """Comment on a customer, or on one of its items (any of its entries, open or not).

    Sales reps may comment on the customers of their portfolio.

    Raises:
        AccessDenied: for a read-only viewer, or a customer outside the viewer's scope.
        InvalidInput: for an empty or too long body, or an item of another customer.
    """
    require_role(who, NOTE)
    body = text_field(body, "body", 4000, required=True)
    c, e = Comment.__table__, Entry.__table__
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        piece = None
        if entry_id is not None:
            entry_id = _ids([entry_id], "item")[0]
            found = conn.execute(
                select(e.c.customer_id, e.c.piece).where(e.c.id == entry_id)
            ).first()
            if found is None or found.customer_id != customer.id:
                raise InvalidInput("item", f"{entry_id} is not an item of this customer")
            piece = found.piece
        now = utcnow()
        comment_id = conn.execute(
            c.insert().values(
                customer_id=customer.id,
                entry_id=entry_id,
                author_id=who.user_id,
                body=body,
                created_at=now,
            )
        ).inserted_primary_key[0]
        audit(
            conn,
            who,
            "comment.add",
            "comment",
            comment_id,
            customer_id=customer.id,
            entry_id=entry_id,
            piece=piece,
        )
        _finish(conn)
    return CommentView(comment_id, customer.id, entry_id, body, who.user_id, now)


def raise_flag(
    engine: Engine, who: Viewer, customer_id: int, kind: str, label: str = ""
) -> FlagView:
    """Raise a flag on a customer (shown in the timeline until cleared).

    Raises:
        AccessDenied: for a read-only viewer, or a customer outside the viewer's scope.
        InvalidInput: for a kind not in FLAG_KINDS or a label over 200 characters.
    """
    require_role(who, NOTE)
    if kind not in FLAG_KINDS:
        raise InvalidInput("kind", f"{kind!r} is not one of {', '.join(FLAG_KINDS)}")
    label = text_field(label, "label", 200)
    f = Flag.__table__
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        now = utcnow()
        flag_id = conn.execute(
            f.insert().values(
                customer_id=customer.id,
                kind=kind,
                label=label,
                created_by=who.user_id,
                created_at=now,
            )
        ).inserted_primary_key[0]
        audit(
            conn,
            who,
            "flag.raise",
            "flag",
            flag_id,
            customer_id=customer.id,
            kind=kind,
            label=label,
        )
        _finish(conn)
    return FlagView(flag_id, customer.id, kind, label, now, None)


def clear_flag(engine: Engine, who: Viewer, flag_id: int) -> FlagView:
    """Clear a flag.

    Raises:
        AccessDenied: for a read-only viewer, or a flag of a customer outside the scope.
        InvalidInput: when the flag is already cleared.
    """
    require_role(who, NOTE)
    f = Flag.__table__
    with engine.begin() as conn:
        row = owned_row(conn, who, f, flag_id, "flag")
        if row.cleared_at is not None:
            raise InvalidInput("flag", "is already cleared")
        now = utcnow()
        conn.execute(f.update().where(f.c.id == row.id).values(cleared_at=now))
        audit(
            conn,
            who,
            "flag.clear",
            "flag",
            row.id,
            customer_id=row.customer_id,
            kind=row.kind,
            label=row.label,
        )
        _finish(conn)
    return FlagView(row.id, row.customer_id, row.kind, row.label, row.created_at, now)


# ---------------------------------------------------------------------------------------------
# Item states: stop, resume, next level by hand


def _items_in_scope(conn: Connection, who: Viewer, entry_ids: Iterable[object] | None) -> list:
    """Open items (any sign) by id, all in the viewer's scope, in the order given."""
    ids = _ids(entry_ids, "items")
    if not ids:
        raise InvalidInput("items", "choose at least one open item")
    e = Entry.__table__
    rows = {
        r.id: r
        for r in conn.execute(
            select(e.c.id, e.c.customer_id, e.c.piece, e.c.residual).where(e.c.id.in_(ids))
        ).all()
    }
    if len(rows) != len(ids):
        raise AccessDenied("item not found")
    check_customers(conn, who, {r.customer_id for r in rows.values()})
    residuals = open_residuals(conn.engine, ids)
    for entry_id in ids:
        if residuals.get(entry_id, ZERO) == ZERO:
            raise InvalidInput("items", f"{rows[entry_id].piece} is not open")
    return [rows[i] for i in ids]


def _write_states(conn: Connection, items: list, **values: object) -> list[ItemStateView]:
    """Set columns of the items' states (created when missing); return the states after."""
    s = ItemState.__table__
    ids = [i.id for i in items]
    existing = set(conn.execute(select(s.c.entry_id).where(s.c.entry_id.in_(ids))).scalars())
    if existing:
        conn.execute(s.update().where(s.c.entry_id.in_(sorted(existing))).values(**values))
    missing = [i for i in ids if i not in existing]
    if missing:
        conn.execute(s.insert(), [{"entry_id": i, **values} for i in missing])
    states = {r.entry_id: r for r in conn.execute(select(s).where(s.c.entry_id.in_(ids))).all()}
    return [
        ItemStateView(
            entry_id=i.id,
            customer_id=i.customer_id,
            piece=i.piece,
            level=states[i.id].level,
            next_level=states[i.id].next_level,
            stop_reason=states[i.id].stop_reason,
            stop_until=states[i.id].stop_until,
        )
        for i in items
    ]


def _audit_per_customer(
    conn: Connection, who: Viewer, action: str, items: list, **details: object
) -> None:
    """One audit line per customer (entity customer, so its timeline finds it)."""
    by_customer: dict[int, list] = {}
    for item in items:
        by_customer.setdefault(item.customer_id, []).append(item)
    for customer_id, rows in sorted(by_customer.items()):
        audit(
            conn,
            who,
            action,
            "customer",
            customer_id,
            entries=[r.id for r in rows],
            pieces=[r.piece for r in rows],
            **details,
        )


def stop_dunning(
    engine: Engine,
    who: Viewer,
    entry_ids: Sequence[int],
    reason: str,
    until: date | str | None = None,
    today: date | None = None,
) -> list[ItemStateView]:
    """Stop dunning some open items, for a reason, until a date or until resumed.

    Raises:
        AccessDenied: for another role, or an item of a customer outside the viewer's scope.
        InvalidInput: for an empty reason, an end date not after today, or an item not open.
    """
    require_role(who, WORK)
    today = today or clock_today()
    reason = text_field(reason, "reason", 200, required=True)
    end = None if until in (None, "") else date_field(until, "until")
    if end is not None and end <= today:
        raise InvalidInput("until", f"{end.isoformat()} is not after today")
    with engine.begin() as conn:
        items = _items_in_scope(conn, who, entry_ids)
        states = _write_states(conn, items, stop_reason=reason, stop_until=end)
        _audit_per_customer(conn, who, "item.stop", items, reason=reason, until=end)
        _finish(conn)
    return states


def resume_dunning(engine: Engine, who: Viewer, entry_ids: Sequence[int]) -> list[ItemStateView]:
    """Resume dunning of stopped items.

    Raises:
        AccessDenied: for another role, or an item of a customer outside the viewer's scope.
        InvalidInput: when an item is not stopped.
    """
    require_role(who, WORK)
    s = ItemState.__table__
    with engine.begin() as conn:
        items = _items_in_scope(conn, who, entry_ids)
        stopped = set(
            conn.execute(
                select(s.c.entry_id).where(
                    s.c.entry_id.in_([i.id for i in items]), s.c.stop_reason != ""
                )
            ).scalars()
        )
        for item in items:
            if item.id not in stopped:
                raise InvalidInput("items", f"{item.piece} is not stopped")
        states = _write_states(conn, items, stop_reason="", stop_until=None)
        _audit_per_customer(conn, who, "item.resume", items)
        _finish(conn)
    return states


def set_next_level(
    engine: Engine, who: Viewer, entry_ids: Sequence[int], level: int | None
) -> list[ItemStateView]:
    """Set by hand the level (1..5) of the next message for some open items; None clears it.

    Raises:
        AccessDenied: for another role, or an item of a customer outside the viewer's scope.
        InvalidInput: for a level outside 1..5, or an item not open.
    """
    require_role(who, WORK)
    if level is not None:
        try:
            level = int(level)
        except (TypeError, ValueError) as exc:
            raise InvalidInput("level", f"{level!r} is not a level") from exc
        if not 1 <= level <= MAX_LEVEL:
            raise InvalidInput("level", f"must be between 1 and {MAX_LEVEL}")
    with engine.begin() as conn:
        items = _items_in_scope(conn, who, entry_ids)
        states = _write_states(conn, items, next_level=level)
        _audit_per_customer(conn, who, "item.set_level", items, level=level)
        _finish(conn)
    return states


def stop_customer(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    reason: str,
    until: date | str | None = None,
    today: date | None = None,
) -> CustomerStopView:
    """Stop dunning a whole customer, for a reason, until a date or until resumed.

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        InvalidInput: for an empty reason or an end date not after today.
    """
    require_role(who, WORK)
    today = today or clock_today()
    reason = text_field(reason, "reason", 200, required=True)
    end = None if until in (None, "") else date_field(until, "until")
    if end is not None and end <= today:
        raise InvalidInput("until", f"{end.isoformat()} is not after today")
    c = Customer.__table__
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        conn.execute(
            c.update().where(c.c.id == customer.id).values(stop_reason=reason, stop_until=end)
        )
        audit(conn, who, "customer.stop", "customer", customer.id, reason=reason, until=end)
        _finish(conn)
    return CustomerStopView(customer.id, reason, end)


def resume_customer(engine: Engine, who: Viewer, customer_id: int) -> CustomerStopView:
    """Resume dunning of a stopped customer.

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        InvalidInput: when the customer is not stopped.
    """
    require_role(who, WORK)
    c = Customer.__table__
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        if not customer.stop_reason:
            raise InvalidInput("customer", "is not stopped")
        conn.execute(
            c.update().where(c.c.id == customer.id).values(stop_reason="", stop_until=None)
        )
        audit(conn, who, "customer.resume", "customer", customer.id)
        _finish(conn)
    return CustomerStopView(customer.id, "", None)


# ---------------------------------------------------------------------------------------------
# Calls


def _open_call(conn: Connection, who: Viewer, action_id: object, customer_id: int):  # noqa: ANN202
    a = Action.__table__
    row = conn.execute(select(a).where(a.c.id == _ids([action_id], "action")[0])).first()
    if row is None or row.customer_id != customer_id:
        raise InvalidInput("action", f"{action_id} is not an action of this customer")
    if row.kind != "call":
        raise InvalidInput("action", f"is a {row.kind} action, not a call")
    if row.status not in ("proposed", "approved"):
        raise InvalidInput("action", f"is already {row.status}")
    return row


def log_call(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    outcome: str,
    note: str = "",
    entry_ids: Sequence[int] = (),
    amount: Decimal | str | int | None = None,
    promised_on: date | str | None = None,
    reason_id: int | None = None,
    call_back_on: date | str | None = None,
    action_id: int | None = None,
    today: date | None = None,
) -> CallView:
    """Log a call to a customer and what came of it, all in one change.

    Outcomes: "reached", "no_answer", "promise" (records a promise of `amount` by `promised_on`
    on `entry_ids`), "dispute" (opens a dispute for `reason_id` on `entry_ids`), "call_back"
    (plans a call on `call_back_on`, assigned to the viewer). A call back date may also be
    given with another outcome. `action_id` completes a planned call instead of logging a new
    one.

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        InvalidInput: for an unknown outcome or any bad input of what it creates.
    """
    require_role(who, WORK)
    today = today or clock_today()
    if outcome not in CALL_OUTCOMES:
        raise InvalidInput("outcome", f"{outcome!r} is not one of {', '.join(CALL_OUTCOMES)}")
    note = text_field(note, "note", 1000)
    back = None if call_back_on in (None, "") else date_field(call_back_on, "call_back_on")
    if outcome == "call_back" and back is None:
        raise InvalidInput("call_back_on", "give the day to call back")
    if back is not None and back < today:
        raise InvalidInput("call_back_on", f"{back.isoformat()} is in the past")
    a, ai = Action.__table__, ActionItem.__table__
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        planned = None if action_id is None else _open_call(conn, who, action_id, customer.id)
        discussed = _items(conn, customer.id, entry_ids, debit_only=False, required=False)
        now = utcnow()
        values = {
            "status": "done",
            "outcome": outcome,
            "note": note,
            "done_at": now,
            "done_by": who.user_id,
        }
        if planned is not None:
            call_id = planned.id
            conn.execute(a.update().where(a.c.id == call_id).values(**values))
        else:
            call_id = conn.execute(
                a.insert().values(
                    company_id=customer.company_id,
                    customer_id=customer.id,
                    kind="call",
                    due_on=today,
                    assigned_to=who.user_id,
                    origin="manual",
                    created_at=now,
                    **values,
                )
            ).inserted_primary_key[0]
        # A planned call already lists its items (with their levels): add only the others.
        listed = set()
        if planned is not None:
            listed = set(
                conn.execute(select(ai.c.entry_id).where(ai.c.action_id == call_id)).scalars()
            )
        added = [{"action_id": call_id, "entry_id": i.id} for i in discussed if i.id not in listed]
        if added:
            conn.execute(ai.insert(), added)
        promise = dispute = None
        if outcome == "promise":
            promise = _record_promise(
                conn, who, customer, amount, promised_on, entry_ids, note, today, call_id
            )
        elif outcome == "dispute":
            dispute = _open_dispute(conn, who, customer, reason_id, entry_ids, note, call_id)
        back_id = None
        if back is not None:
            back_id = conn.execute(
                a.insert().values(
                    company_id=customer.company_id,
                    customer_id=customer.id,
                    kind="call",
                    due_on=back,
                    assigned_to=who.user_id,
                    status="approved",
                    origin="manual",
                    note=note,
                    created_at=now,
                    parent_id=call_id,
                )
            ).inserted_primary_key[0]
        audit(
            conn,
            who,
            "call.log",
            "action",
            call_id,
            customer_id=customer.id,
            outcome=outcome,
            note=note or None,
            promise_id=promise.id if promise else None,
            dispute_id=dispute.id if dispute else None,
            call_back_on=back,
            call_back_action_id=back_id,
        )
        _finish(conn)
    return CallView(call_id, customer.id, outcome, note, promise, dispute, back_id, back)
