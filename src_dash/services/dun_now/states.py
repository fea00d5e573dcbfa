"""What keeps open items from being dunned now, read live; their status as their rows show it
(stopped, promised, disputed, last action), and an item's target (its customer and page).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    AccessDenied,
    Viewer,
    customers_of_entries,
)
from src_dash.clock import today as clock_today
from src_dash.dunning.model import (
    Exclusion,
)
from src_dash.services.dun_now.model import ItemStatus, ItemTarget, NotDunnable
from src_dash.store import (
    Action,
    ActionItem,
    Company,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    ItemState,
    Promise,
    PromiseItem,
)


def _blocked(conn: Connection, entry_ids: list[int], as_of: date) -> NotDunnable | None:
    """Why the items may no longer be dunned (changed since the preview), or None; a stop
    says its reason and end as the planner would."""
    for s in _statuses(conn, entry_ids, as_of).values():
        if s.dispute_id is not None:
            return NotDunnable("disputed")
        if s.promised_on is not None and s.promised_on >= as_of:
            return NotDunnable("promised")
        if s.stopped:
            reason = "item_stopped" if s.item_stopped else "customer_stopped"
            until = f" (until {s.stop_until.isoformat()})" if s.stop_until else ""
            stop = Exclusion(
                customer_id=s.customer_id,
                customer_number="",
                customer_name="",
                reason=reason,
                entry_id=s.entry_id if s.item_stopped else None,
                detail=f"{s.stop_reason}{until}",
                note=s.stop_reason,
                on=s.stop_until,
            )
            return NotDunnable(reason, stop.detail, exclusion=stop)
    return None


def _state_rows(conn: Connection, ids: list[int]) -> list:
    """The items with their state and their customer's stop."""
    e, s, c = Entry.__table__, ItemState.__table__, Customer.__table__
    return conn.execute(
        select(
            e.c.id,
            e.c.customer_id,
            s.c.level,
            s.c.next_level,
            s.c.last_dunned_on,
            s.c.stop_reason,
            s.c.stop_until,
            c.c.stop_reason.label("customer_stop_reason"),
            c.c.stop_until.label("customer_stop_until"),
        )
        .select_from(e.join(c, c.c.id == e.c.customer_id).outerjoin(s, s.c.entry_id == e.c.id))
        .where(e.c.id.in_(ids))
    ).all()


def _pending_promises(conn: Connection, customers: list[int], ids: list[int]) -> dict[int, tuple]:
    """Per item, the first pending promise on it: (id, promised on, amount)."""
    p, pi = Promise.__table__, PromiseItem.__table__
    promises: dict[int, tuple] = {}
    for r in conn.execute(
        select(pi.c.entry_id, p.c.id, p.c.promised_on, pi.c.amount)
        .select_from(p.join(pi, pi.c.promise_id == p.c.id))
        .where(p.c.customer_id.in_(customers), p.c.status == "pending", pi.c.entry_id.in_(ids))
        .order_by(p.c.promised_on, p.c.id)
    ):
        promises.setdefault(r.entry_id, (r.id, r.promised_on, r.amount))
    return promises


def _open_disputes(conn: Connection, customers: list[int], ids: list[int]) -> dict[int, tuple]:
    """Per item, the first open dispute on it: (id, reason)."""
    d, di, dr = Dispute.__table__, DisputeItem.__table__, DisputeReason.__table__
    disputes: dict[int, tuple] = {}
    for r in conn.execute(
        select(di.c.entry_id, d.c.id, func.coalesce(dr.c.label, "").label("reason"))
        .select_from(d.join(di, di.c.dispute_id == d.c.id).outerjoin(dr, dr.c.id == d.c.reason_id))
        .where(d.c.customer_id.in_(customers), d.c.status == "open", di.c.entry_id.in_(ids))
        .order_by(d.c.id)
    ):
        disputes.setdefault(r.entry_id, (r.id, r.reason))
    return disputes


def _last_done_actions(conn: Connection, customers: list[int], ids: list[int]) -> dict[int, tuple]:
    """Per item, the last action done on it: ((day, id), day, "kind:outcome")."""
    a, ai = Action.__table__, ActionItem.__table__
    actions: dict[int, tuple] = {}
    for r in conn.execute(
        select(ai.c.entry_id, a.c.id, a.c.kind, a.c.outcome, a.c.done_at)
        .select_from(a.join(ai, and_(ai.c.action_id == a.c.id, ai.c.entry_id.in_(ids))))
        .where(a.c.customer_id.in_(customers), a.c.status == "done", a.c.done_at.is_not(None))
    ):
        done_on = r.done_at.date()
        key = (done_on, r.id)
        if r.entry_id not in actions or key > actions[r.entry_id][0]:
            text = f"{r.kind}:{r.outcome}" if r.outcome else r.kind
            actions[r.entry_id] = (key, done_on, text)
    return actions


def _item_status(
    r: object, as_of: date, promises: dict, disputes: dict, actions: dict
) -> ItemStatus:
    """An item's status from its state row and what is pending, open and done on it."""
    item_stopped = bool(r.stop_reason) and (r.stop_until is None or r.stop_until > as_of)
    customer_stopped = bool(r.customer_stop_reason) and (
        r.customer_stop_until is None or r.customer_stop_until > as_of
    )
    if item_stopped:
        stop_reason, stop_until = r.stop_reason, r.stop_until
    elif customer_stopped:
        stop_reason, stop_until = r.customer_stop_reason, r.customer_stop_until
    else:
        stop_reason, stop_until = "", None
    done = actions.get(r.id)
    done_on = done[1] if done else None
    dunned = r.last_dunned_on
    if dunned is not None and (done_on is None or dunned > done_on):
        last_on, last = dunned, "step"
    else:
        last_on, last = done_on, (done[2] if done else "")
    promise = promises.get(r.id)
    dispute = disputes.get(r.id)
    stopped = item_stopped or customer_stopped
    if dispute:
        state = "disputed"
    elif promise:
        state = "promised"
    elif stopped:
        state = "stopped"
    else:
        state = "none"
    return ItemStatus(
        entry_id=r.id,
        customer_id=r.customer_id,
        level=r.level or 0,
        next_level=r.next_level,
        stopped=stopped,
        item_stopped=item_stopped,
        stop_reason=stop_reason or "",
        stop_until=stop_until,
        last_action_on=last_on,
        last_action=last,
        promise_id=promise[0] if promise else None,
        promised_on=promise[1] if promise else None,
        promise_amount=promise[2] if promise else None,
        dispute_id=dispute[0] if dispute else None,
        dispute_reason=dispute[1] if dispute else "",
        state=state,
    )


def _statuses(conn: Connection, entry_ids: Sequence[int], as_of: date) -> dict[int, ItemStatus]:
    """The states of some items, read from the store (the rule of `open_items.frames._base`)."""
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        return {}
    rows = _state_rows(conn, ids)
    customers = sorted({r.customer_id for r in rows})
    promises = _pending_promises(conn, customers, ids)
    disputes = _open_disputes(conn, customers, ids)
    actions = _last_done_actions(conn, customers, ids)
    return {r.id: _item_status(r, as_of, promises, disputes, actions) for r in rows}


def item_status(
    engine: Engine, who: Viewer, entry_ids: Sequence[int], as_of: date | None = None
) -> dict[int, ItemStatus]:
    """The fresh state of some items of the viewer's scope (after an inline action on them).

    Raises:
        AccessDenied: when an item is unknown or outside the viewer's scope.
    """
    with engine.connect() as conn:
        customers_of_entries(conn, who, entry_ids)
        return _statuses(conn, entry_ids, as_of or clock_today())


def item_target(
    engine: Engine, who: Viewer, entry_id: int, as_of: date | None = None
) -> ItemTarget:
    """The item an inline action opens on (any role that sees it; the actions check again).

    Raises:
        AccessDenied: when the item is unknown or outside the viewer's scope.
    """
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError) as exc:
        raise AccessDenied("item not found") from exc
    e, c = Entry.__table__, Customer.__table__
    with engine.connect() as conn:
        customers_of_entries(conn, who, [entry_id])
        row = conn.execute(
            select(
                e.c.id,
                e.c.customer_id,
                e.c.piece,
                e.c.reference,
                e.c.due_date,
                e.c.residual,
                c.c.number,
                c.c.name,
            )
            .select_from(e.join(c, c.c.id == e.c.customer_id))
            .where(e.c.id == entry_id)
        ).one()
        status = _statuses(conn, [entry_id], as_of or clock_today())[entry_id]
        currency = _book_currency(conn, row.customer_id)
    return ItemTarget(
        entry_id=row.id,
        customer_id=row.customer_id,
        customer_number=row.number or "",
        customer_name=row.name or "",
        piece=row.piece or "",
        reference=row.reference or "",
        due_date=row.due_date,
        residual=row.residual,
        currency=currency,
        status=status,
    )


def _book_currency(conn: Connection, customer_id: int) -> str:
    c, k = Customer.__table__, Company.__table__
    found = conn.execute(
        select(k.c.currency)
        .select_from(c.join(k, k.c.id == c.c.company_id))
        .where(c.c.id == customer_id)
    ).scalar()
    return found or "EUR"
