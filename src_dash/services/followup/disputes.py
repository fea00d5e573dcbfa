"""Disputes: opened on a customer's open items with a reason, and closed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    Viewer,
    audit,
    owned_row,
)
from src_dash.access import require as require_role
from src_dash.clock import utcnow
from src_dash.services.followup.common import (
    DisputeView,
    ItemAmount,
    _customer,
    _finish,
    _item_amounts,
    _items,
)
from src_dash.services.inputs import InvalidInput, text_field
from src_dash.store import (
    Dispute,
    DisputeItem,
    DisputeReason,
)

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
        items = _item_amounts(conn, di, "dispute_id", row.id)
    return DisputeView(
        row.id,
        row.customer_id,
        row.reason_id,
        reason,
        "closed",
        row.note,
        items,
    )
