"""What the follow-up actions share: the words a call may end with and the flag kinds, the views
they return, and the checks of a customer in scope and of its open items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from src_dash.access import (
    AccessDenied,
    Viewer,
    check_customers,
)
from src_dash.analytics.ledger import open_residuals
from src_dash.money import ZERO
from src_dash.services.inputs import InvalidInput, id_list
from src_dash.store import (
    Action,
    Customer,
    Entry,
)
from src_dash.store.versions import bump_data_version

# What a call ended with; "promise" and "dispute" record one, "call_back" plans another call.
CALL_OUTCOMES = ("reached", "no_answer", "promise", "dispute", "call_back")
# Kinds of flag a user may raise on a customer.
FLAG_KINDS = ("watch", "risk", "legal", "vip", "other")
MAX_LEVEL = 5


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
    ids = id_list(entry_ids, field)
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


def _item_amounts(
    conn: Connection, table: Table, key: str, parent_id: int
) -> tuple[ItemAmount, ...]:
    """The items a promise or dispute covers (its `table` of items, linked by `key`), in order."""
    rows = conn.execute(
        select(table.c.entry_id, table.c.piece, table.c.amount)
        .where(table.c[key] == parent_id)
        .order_by(table.c.id)
    ).all()
    return tuple(ItemAmount(r.entry_id, r.piece, r.amount) for r in rows)


def _finish(conn: Connection) -> None:
    # The follow-up only: the parties' tables and what is computed from them stay cached.
    bump_data_version(conn, parties=False)


def insert_action(
    conn: Connection,
    who: Viewer,
    customer,  # noqa: ANN001  (a customer row)
    kind: str,
    due_on: date,
    now: datetime,
    **values: object,
) -> int:
    """Write an action made by hand on the customer, assigned to the viewer; its id."""
    a = Action.__table__
    return conn.execute(
        a.insert().values(
            company_id=customer.company_id,
            customer_id=customer.id,
            kind=kind,
            due_on=due_on,
            assigned_to=who.user_id,
            origin="manual",
            created_at=now,
            **values,
        )
    ).inserted_primary_key[0]
