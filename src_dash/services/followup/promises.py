"""Promises to pay: recorded on a customer's open items (or on the customer), and cancelled."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    Viewer,
    audit,
    owned_row,
)
from src_dash.access import require as require_role
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.money import ZERO
from src_dash.services.followup.common import (
    ItemAmount,
    PromiseView,
    _customer,
    _finish,
    _item_amounts,
    _items,
    insert_action,
)
from src_dash.services.inputs import InvalidInput, amount_field, date_field, text_field
from src_dash.store import (
    Action,
    ActionItem,
    Promise,
    PromiseItem,
)

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


def _items_to_promise(
    conn: Connection, customer_id: int, entry_ids: Iterable[object] | None, amount: Decimal
) -> list:
    """The customer's open items a promise of `amount` is on, in due-date order.

    Raises:
        InvalidInput: when one already has a pending promise, or the amount is more than what
            is open on them.
    """
    items = _items(conn, customer_id, entry_ids)
    promised = _pending_promises_on(conn, [r.id for r in items])
    for row in items:
        if row.id in promised:
            until = promised[row.id].isoformat()
            raise InvalidInput("items", f"{row.piece} already has a pending promise ({until})")
    open_total = sum((r.residual for r in items), ZERO)
    if amount > open_total:
        raise InvalidInput("amount", f"{amount} is more than the {open_total} open on these items")
    return items


def _covered(amount: Decimal, items: list) -> list[ItemAmount]:
    """What the amount covers on each item, the items taken in due-date order."""
    left, covered = amount, []
    for row in items:
        part = min(left, row.residual)
        left -= part
        covered.append(ItemAmount(row.id, row.piece, part))
    return covered


def _plan_followup(
    conn: Connection,
    who: Viewer,
    customer,  # noqa: ANN001  (a customer row)
    promise_id: int,
    promised_on: date,
    note: str,
    now: datetime,
    covered: list[ItemAmount],
) -> int:
    """The day after the promised date, the recorder checks it was kept: plan that follow-up on
    the covered items; its id."""
    due_on = promised_on + timedelta(days=1)
    followup_id = insert_action(
        conn,
        who,
        customer,
        "promise_followup",
        due_on,
        now,
        status="approved",
        note=note,
        promise_id=promise_id,
    )
    conn.execute(
        ActionItem.__table__.insert(),
        [{"action_id": followup_id, "entry_id": c.entry_id} for c in covered],
    )
    return followup_id


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
    items = _items_to_promise(conn, customer.id, entry_ids, amount)
    p, pi = Promise.__table__, PromiseItem.__table__
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
    covered = _covered(amount, items)
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
    followup_id = _plan_followup(conn, who, customer, promise_id, promised_on, note, now, covered)
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
        items = _item_amounts(conn, PromiseItem.__table__, "promise_id", row.id)
    return PromiseView(
        row.id, row.customer_id, row.amount, row.promised_on, "cancelled", row.note, items, None
    )
