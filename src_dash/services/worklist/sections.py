"""A user's day in sections: what is due today, late, coming in the next days (promise
follow-ups, call backs, planned reminders), what they did today, and what customers did in their
space (côté client). The actions the space wrote are in "côté client", not in the other sections.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import WORK, AccessDenied, Viewer
from src_dash.access import require as require_role
from src_dash.clock import today as clock_today
from src_dash.money import ZERO
from src_dash.services.worklist.actions import (
    _action_items,
    _groups,
    _open_actions_query,
    _open_totals,
    _work_item,
)
from src_dash.services.worklist.client_side import ORIGIN, pending_client_side
from src_dash.services.worklist.done import done_today
from src_dash.services.worklist.model import OPEN_STATUSES, DaySections, WorkItem
from src_dash.store import Action, Comment

AHEAD = 7  # days of "à venir"


def _markers(conn: Connection, customer_ids: set[int], today: date) -> dict[int, tuple]:
    """Per customer, (its comments, its next open action after today)."""
    if not customer_ids:
        return {}
    ids = sorted(customer_ids)
    cm, a = Comment.__table__, Action.__table__
    comments = dict(
        conn.execute(
            select(cm.c.customer_id, func.count())
            .where(cm.c.customer_id.in_(ids))
            .group_by(cm.c.customer_id)
        ).all()
    )
    nexts = dict(
        conn.execute(
            select(a.c.customer_id, func.min(a.c.due_on))
            .where(a.c.customer_id.in_(ids), a.c.status.in_(OPEN_STATUSES), a.c.due_on > today)
            .group_by(a.c.customer_id)
        ).all()
    )
    return {i: (comments.get(i, 0), nexts.get(i)) for i in ids}


def day_sections(
    engine: Engine,
    who: Viewer,
    today: date | None = None,
    user_id: int | None = None,
    include_unassigned: bool = True,
    ahead: int = AHEAD,
) -> DaySections:
    """The user's day: today's, late and coming actions (`ahead` days), what they did today, and
    their customers' unhandled space actions.

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        today: the day (default the clock's).
        user_id: whose actions (default the viewer's; another user's for an admin only).
        include_unassigned: also the actions assigned to nobody on the viewer's customers.
        ahead: how many days "à venir" covers.

    Raises:
        AccessDenied: for another role, or another user's day asked by a non-admin.
    """
    require_role(who, WORK)
    today = today or clock_today()
    user_id = who.user_id if user_id is None else int(user_id)
    if user_id != who.user_id and not who.is_admin:
        raise AccessDenied("only an admin may see another user's worklist")
    until = today + timedelta(days=ahead)
    query = _open_actions_query(who, user_id, until, include_unassigned, skip_origin=ORIGIN)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        links = _action_items(conn, [r.id for r in rows])
        markers = _markers(conn, {r.customer_id for r in rows}, today)
        done = done_today(conn, who, today)
        client = pending_client_side(conn, who)
    totals = _open_totals(engine, links, today)
    items = [
        _work_item(r, today, totals.get(r.id, (0, ZERO)), *markers.get(r.customer_id, (0, None)))
        for r in rows
    ]
    return DaySections(
        as_of=today,
        user_id=user_id,
        today=_by_kind(i for i in items if i.days_late == 0),
        late=_by_kind(i for i in items if i.days_late > 0),
        upcoming=tuple(i for i in items if i.days_late < 0),
        done=done,
        client=client,
    )


def _by_kind(items: object) -> tuple[WorkItem, ...]:
    """The items in the worklist's order of kinds (then by day, customer), as its groups are."""
    listed = list(items)  # type: ignore[call-overload]
    return tuple(i for g in _groups(listed) for i in (*g.due_today, *g.late))
