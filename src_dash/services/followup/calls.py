"""Calls: log a call with its outcome (a promise or a dispute it ended with, a call to plan)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    Viewer,
    audit,
)
from src_dash.access import require as require_role
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.services.followup.common import (
    CALL_OUTCOMES,
    CallView,
    _customer,
    _finish,
    _items,
    insert_action,
)
from src_dash.services.followup.disputes import _open_dispute
from src_dash.services.followup.promises import _record_promise
from src_dash.services.inputs import InvalidInput, check_one_of, date_field, id_list, text_field
from src_dash.store import (
    Action,
    ActionItem,
)

# ---------------------------------------------------------------------------------------------
# Calls


def _open_call(conn: Connection, who: Viewer, action_id: object, customer_id: int):  # noqa: ANN202
    a = Action.__table__
    row = conn.execute(select(a).where(a.c.id == id_list([action_id], "action")[0])).first()
    if row is None or row.customer_id != customer_id:
        raise InvalidInput("action", f"{action_id} is not an action of this customer")
    if row.kind != "call":
        raise InvalidInput("action", f"is a {row.kind} action, not a call")
    if row.status not in ("proposed", "approved"):
        raise InvalidInput("action", f"is already {row.status}")
    return row


def _call_back_day(call_back_on: object, outcome: str, today: date) -> date | None:
    """The day to call back (None when not given), checked: required for "call_back", not past.

    Raises:
        InvalidInput: on the field "call_back_on".
    """
    back = None if call_back_on in (None, "") else date_field(call_back_on, "call_back_on")
    if outcome == "call_back" and back is None:
        raise InvalidInput("call_back_on", "give the day to call back")
    if back is not None and back < today:
        raise InvalidInput("call_back_on", f"{back.isoformat()} is in the past")
    return back


def _write_call(
    conn: Connection,
    who: Viewer,
    customer,  # noqa: ANN001  (a customer row)
    planned,  # noqa: ANN001  (the planned call's row, or None)
    outcome: str,
    note: str,
    today: date,
    now: datetime,
) -> int:
    """Mark the planned call done, or write a new call done now; its id."""
    a = Action.__table__
    values = {
        "status": "done",
        "outcome": outcome,
        "note": note,
        "done_at": now,
        "done_by": who.user_id,
    }
    if planned is not None:
        conn.execute(a.update().where(a.c.id == planned.id).values(**values))
        return planned.id
    return insert_action(conn, who, customer, "call", today, now, **values)


def _add_discussed(conn: Connection, call_id: int, was_planned: bool, discussed: list) -> None:
    """Link the items discussed to the call; a planned call already lists its items (with their
    levels): add only the others."""
    ai = ActionItem.__table__
    listed = set()
    if was_planned:
        listed = set(conn.execute(select(ai.c.entry_id).where(ai.c.action_id == call_id)).scalars())
    added = [{"action_id": call_id, "entry_id": i.id} for i in discussed if i.id not in listed]
    if added:
        conn.execute(ai.insert(), added)


def _plan_call_back(
    conn: Connection,
    who: Viewer,
    customer,  # noqa: ANN001  (a customer row)
    back: date,
    note: str,
    now: datetime,
    call_id: int,
) -> int:
    """Plan another call on `back`, assigned to the viewer; its id."""
    return insert_action(
        conn, who, customer, "call", back, now, status="approved", note=note, parent_id=call_id
    )


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
    check_one_of("outcome", [outcome], CALL_OUTCOMES)
    note = text_field(note, "note", 1000)
    back = _call_back_day(call_back_on, outcome, today)
    with engine.begin() as conn:
        customer = _customer(conn, who, customer_id)
        planned = None if action_id is None else _open_call(conn, who, action_id, customer.id)
        discussed = _items(conn, customer.id, entry_ids, debit_only=False, required=False)
        now = utcnow()
        call_id = _write_call(conn, who, customer, planned, outcome, note, today, now)
        _add_discussed(conn, call_id, planned is not None, discussed)
        promise = dispute = None
        if outcome == "promise":
            promise = _record_promise(
                conn, who, customer, amount, promised_on, entry_ids, note, today, call_id
            )
        elif outcome == "dispute":
            dispute = _open_dispute(conn, who, customer, reason_id, entry_ids, note, call_id)
        back_id = None
        if back is not None:
            back_id = _plan_call_back(conn, who, customer, back, note, now, call_id)
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
