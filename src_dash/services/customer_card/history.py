"""The customer's follow-up as the card lists it: comments, promises, disputes, messages and flags,
newest first.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, Table, select
from sqlalchemy.engine import Connection, Row

from src_dash.services.customer_card.model import (
    CommentRow,
    DisputeRow,
    FlagRow,
    MessageRow,
    PromiseRow,
)
from src_dash.services.rows import from_row
from src_dash.store import (
    Comment,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    Flag,
    Message,
    Promise,
    PromiseItem,
)


def _pieces_of(conn: Connection, table, key: str, ids: list[int]) -> dict[int, list[str]]:  # noqa: ANN001
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    column = table.c[key]
    for row in conn.execute(
        select(column, table.c.piece).where(column.in_(ids)).order_by(table.c.id)
    ):
        out.setdefault(row[0], []).append(row.piece)
    return out


def _newest_first(
    conn: Connection, query: Select, table: Table, customer_id: int, at: str = "created_at"
) -> list[Row]:
    """The rows of `query` that are the customer's (in `table`), newest (by `at`) first."""
    mine = query.where(table.c.customer_id == customer_id)
    return list(conn.execute(mine.order_by(table.c[at].desc(), table.c.id.desc())))


def _comments(conn: Connection, customer_id: int, users: dict[int, str]) -> tuple[CommentRow, ...]:
    """The comments on the customer, newest first."""
    cm, e = Comment.__table__, Entry.__table__
    comments = tuple(
        from_row(
            CommentRow,
            r,
            comment_id=r.id,
            author=_name(users, r.author_id),
            piece=r.piece or "",
        )
        for r in _newest_first(
            conn,
            select(cm, e.c.piece).select_from(cm.outerjoin(e, e.c.id == cm.c.entry_id)),
            cm,
            customer_id,
        )
    )
    return comments


def _promises(conn: Connection, customer_id: int, users: dict[int, str]) -> tuple[PromiseRow, ...]:
    """The customer's promises with their pieces, newest first."""
    p = Promise.__table__
    promise_rows = _newest_first(conn, select(p), p, customer_id)
    promise_pieces = _pieces_of(
        conn, PromiseItem.__table__, "promise_id", [r.id for r in promise_rows]
    )
    promises = tuple(
        from_row(
            PromiseRow,
            r,
            promise_id=r.id,
            author=_name(users, r.created_by),
            pieces=tuple(x for x in promise_pieces.get(r.id, []) if x),
        )
        for r in promise_rows
    )
    return promises


def _disputes(conn: Connection, customer_id: int, users: dict[int, str]) -> tuple[DisputeRow, ...]:
    """The customer's disputes with their amount and pieces, newest first."""
    d, dr, di = Dispute.__table__, DisputeReason.__table__, DisputeItem.__table__
    with_reason = select(d, dr.c.label).select_from(d.outerjoin(dr, dr.c.id == d.c.reason_id))
    dispute_rows = _newest_first(conn, with_reason, d, customer_id, at="opened_at")
    ids = [r.id for r in dispute_rows]
    dispute_pieces = _pieces_of(conn, di, "dispute_id", ids)
    amounts: dict[int, Decimal] = {}
    if ids:
        for row in conn.execute(
            select(di.c.dispute_id, di.c.amount).where(di.c.dispute_id.in_(ids))
        ):
            amounts[row.dispute_id] = amounts.get(row.dispute_id, Decimal("0.00")) + row.amount
    disputes = tuple(
        from_row(
            DisputeRow,
            r,
            dispute_id=r.id,
            reason=r.label or "",
            author=_name(users, r.opened_by),
            amount=amounts.get(r.id, Decimal("0.00")),
            pieces=tuple(x for x in dispute_pieces.get(r.id, []) if x),
        )
        for r in dispute_rows
    )
    return disputes


def _messages(conn: Connection, customer_id: int) -> tuple[MessageRow, ...]:
    """The messages to the customer, newest first."""
    m = Message.__table__
    messages = tuple(
        from_row(
            MessageRow,
            r,
            message_id=r.id,
            **_sent_to(r),
        )
        for r in _newest_first(
            conn,
            select(
                m.c.id,
                m.c.channel,
                m.c.subject,
                m.c.status,
                m.c.recipients_to,
                m.c.recipients_cc,
                m.c.created_at,
                m.c.sent_at,
                m.c.pdf_path,
                m.c.posted_on,
            ),
            m,
            customer_id,
        )
    )
    return messages


def _flags(conn: Connection, customer_id: int, users: dict[int, str]) -> tuple[FlagRow, ...]:
    """The customer's flags not cleared, newest first."""
    f = Flag.__table__
    flags = tuple(
        from_row(
            FlagRow,
            r,
            flag_id=r.id,
            author=_name(users, r.created_by),
        )
        for r in _newest_first(conn, select(f).where(f.c.cleared_at.is_(None)), f, customer_id)
    )
    return flags


def _followup(
    conn: Connection, customer_id: int, users: dict[int, str]
) -> tuple[
    tuple[CommentRow, ...],
    tuple[PromiseRow, ...],
    tuple[DisputeRow, ...],
    tuple[MessageRow, ...],
    tuple[FlagRow, ...],
]:
    return (
        _comments(conn, customer_id, users),
        _promises(conn, customer_id, users),
        _disputes(conn, customer_id, users),
        _messages(conn, customer_id),
        _flags(conn, customer_id, users),
    )


def _name(users: dict[int, str], user_id: int | None) -> str:
    """A user's name ("" for none, or one not known)."""
    return users.get(user_id, "") if user_id else ""


def _sent_to(r: Row) -> dict[str, object]:
    """A message row's recipients (to, cc) as text, and whether it has a PDF."""
    return {
        "to": tuple(_addresses(r.recipients_to)),
        "cc": tuple(_addresses(r.recipients_cc)),
        "has_pdf": bool(r.pdf_path),
    }


def _addresses(value: object) -> list[str]:
    """Recipients as stored (strings, or {"email": ..., "name": ...} objects) as plain text."""
    out = []
    for item in value or []:
        if isinstance(item, dict):
            email = str(item.get("email", ""))
            name = str(item.get("name", ""))
            out.append(f"{name} <{email}>" if name and email else email or name)
        else:
            out.append(str(item))
    return out
