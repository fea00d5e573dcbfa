"""Comments on a customer or its items, and flags raised on a customer (and cleared)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import (
    NOTE,
    Viewer,
    audit,
    owned_row,
)
from src_dash.access import require as require_role
from src_dash.clock import utcnow
from src_dash.services.followup.common import FLAG_KINDS, CommentView, FlagView, _customer, _finish
from src_dash.services.inputs import InvalidInput, check_one_of, id_list, text_field
from src_dash.store import (
    Comment,
    Entry,
    Flag,
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
            entry_id = id_list([entry_id], "item")[0]
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
    check_one_of("kind", [kind], FLAG_KINDS)
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
