"""Item states set by hand: stop and resume the dunning of items or of a whole customer, and the
next level of items.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    AccessDenied,
    Viewer,
    audit,
    check_customers,
)
from src_dash.access import require as require_role
from src_dash.analytics.ledger import open_residuals
from src_dash.clock import today as clock_today
from src_dash.money import ZERO
from src_dash.services.followup.common import (
    MAX_LEVEL,
    CustomerStopView,
    ItemStateView,
    _customer,
    _finish,
)
from src_dash.services.inputs import InvalidInput, date_field, id_list, text_field
from src_dash.store import (
    Customer,
    Entry,
    ItemState,
)

# ---------------------------------------------------------------------------------------------
# Item states: stop, resume, next level by hand


def _items_in_scope(conn: Connection, who: Viewer, entry_ids: Iterable[object] | None) -> list:
    """Open items (any sign) by id, all in the viewer's scope, in the order given."""
    ids = id_list(entry_ids, "items")
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


def _stop_reason_and_end(reason: str, until: object, today: date) -> tuple[str, date | None]:
    """A stop's reason (required) and its end (None: until resumed), checked to be after today.

    Raises:
        InvalidInput: for an empty reason or an end date not after today.
    """
    reason = text_field(reason, "reason", 200, required=True)
    end = None if until in (None, "") else date_field(until, "until")
    if end is not None and end <= today:
        raise InvalidInput("until", f"{end.isoformat()} is not after today")
    return reason, end


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
    reason, end = _stop_reason_and_end(reason, until, today)
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
    reason, end = _stop_reason_and_end(reason, until, today)
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
