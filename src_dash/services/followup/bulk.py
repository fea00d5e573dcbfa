"""Actions on many items at once (the selection of "/echeances"): one comment on each item.

Stops and levels already take several items (`stop_dunning`, `set_next_level`); a comment is
written on one item, so the same comment on many items is written here, in one transaction: the
role and the scope are checked for all the items before anything is written, each comment gets its
audit line as a single comment does, and the data version moves once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import NOTE, AccessDenied, Viewer, audit, check_customers
from src_dash.access import require as require_role
from src_dash.clock import utcnow
from src_dash.services.followup.common import CommentView, _finish
from src_dash.services.inputs import InvalidInput, id_list, text_field
from src_dash.store import Comment, Entry


def comment_items(
    engine: Engine, who: Viewer, entry_ids: Iterable[object], body: str
) -> list[CommentView]:
    """The same comment on each of these items (any entries, open or not), in the order given.

    Raises:
        AccessDenied: for a read-only viewer, an item not found, or an item of a customer outside
            the viewer's scope (then nothing is written).
        InvalidInput: for an empty or too long body, or no item.
    """
    require_role(who, NOTE)
    body = text_field(body, "body", 4000, required=True)
    ids = id_list(entry_ids, "items")
    if not ids:
        raise InvalidInput("items", "choose at least one item")
    c, e = Comment.__table__, Entry.__table__
    with engine.begin() as conn:
        rows = {
            r.id: r
            for r in conn.execute(
                select(e.c.id, e.c.customer_id, e.c.piece).where(e.c.id.in_(ids))
            ).all()
        }
        if len(rows) != len(ids):
            raise AccessDenied("item not found")
        check_customers(conn, who, {r.customer_id for r in rows.values()})
        now = utcnow()
        made = []
        for entry_id in ids:
            item = rows[entry_id]
            comment_id = conn.execute(
                c.insert().values(
                    customer_id=item.customer_id,
                    entry_id=item.id,
                    author_id=who.user_id,
                    body=body,
                    created_at=now,
                )
            ).inserted_primary_key[0]
            audit(
                conn, who, "comment.add", "comment", comment_id,
                customer_id=item.customer_id, entry_id=item.id, piece=item.piece,
            )  # fmt: skip
            made.append(CommentView(comment_id, item.customer_id, item.id, body, who.user_id, now))
        _finish(conn)
    return made
