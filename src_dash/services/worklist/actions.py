"""A user's open actions due today and late, grouped by kind, and marking an action done or skipped
with its outcome.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select, true
from sqlalchemy.engine import Engine

from src_dash.access import (
    WORK,
    AccessDenied,
    Viewer,
    audit,
    owned_row,
    scope_clause,
)
from src_dash.access import require as require_role
from src_dash.analytics.ledger import open_residuals
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.money import ZERO
from src_dash.services.followup import CALL_OUTCOMES
from src_dash.services.inputs import InvalidInput, text_field
from src_dash.services.rows import from_row
from src_dash.services.worklist.model import (
    KINDS,
    OPEN_STATUSES,
    SIMPLE_CALL_OUTCOMES,
    ActionDone,
    WorkGroup,
    WorkItem,
    Worklist,
)
from src_dash.store import (
    Action,
    ActionItem,
    Company,
    Customer,
    Entry,
    Promise,
    User,
)
from src_dash.store.versions import bump_data_version

# ---------------------------------------------------------------------------------------------
# The worklist


def _open_actions_query(  # noqa: ANN202
    who: Viewer,
    user_id: int,
    today: date,
    include_unassigned: bool,
    since: date | None = None,
    skip_origin: str | None = None,
):
    """The open actions due by `today` (and after `since`, when given) of a user (and the
    unassigned ones) in the viewer's scope, with their customer, company, assignee and promise;
    those of origin `skip_origin` left out."""
    a, c, co, u = Action.__table__, Customer.__table__, Company.__table__, User.__table__
    p = Promise.__table__
    assigned = a.c.assigned_to == user_id
    if include_unassigned:
        assigned = or_(assigned, a.c.assigned_to.is_(None))
    return (
        select(
            a,
            c.c.number,
            c.c.name.label("customer_name"),
            co.c.code.label("company_code"),
            u.c.name.label("assigned_name"),
            p.c.status.label("promise_status"),
            p.c.amount.label("promise_amount"),
            p.c.promised_on,
        )
        .select_from(
            a.join(c, c.c.id == a.c.customer_id)
            .join(co, co.c.id == a.c.company_id)
            .outerjoin(u, u.c.id == a.c.assigned_to)
            .outerjoin(p, p.c.id == a.c.promise_id)
        )
        .where(
            a.c.status.in_(OPEN_STATUSES),
            a.c.due_on <= today,
            a.c.due_on > since if since is not None else true(),
            a.c.origin != skip_origin if skip_origin is not None else true(),
            assigned,
            scope_clause(who.scope),
            or_(p.c.id.is_(None), p.c.status.in_(("pending", "broken"))),
        )
        .order_by(a.c.due_on, c.c.number, a.c.id)
    )


def _action_items(conn, ids: list[int]) -> list[tuple[int, int]]:  # noqa: ANN001
    """The (action, item) links of these actions (read 500 actions at a time)."""
    ai, e = ActionItem.__table__, Entry.__table__
    links: list[tuple[int, int]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        links.extend(
            (action_id, entry_id)
            for action_id, entry_id in conn.execute(
                select(ai.c.action_id, ai.c.entry_id)
                .select_from(ai.join(e, e.c.id == ai.c.entry_id))
                .where(ai.c.action_id.in_(chunk))
            )
        )
    return links


def _open_totals(
    engine: Engine, links: list[tuple[int, int]], today: date
) -> dict[int, tuple[int, Decimal]]:
    """Per action, its items and what is still open on them, as the pages show it (the ledger's
    residual)."""
    open_now = open_residuals(engine, {entry_id for _, entry_id in links}, today)
    totals: dict[int, tuple[int, Decimal]] = {}
    for action_id, entry_id in links:
        count, amount = totals.get(action_id, (0, ZERO))
        totals[action_id] = (count + 1, amount + open_now.get(entry_id, ZERO))
    return totals


def _work_item(
    r: object,
    today: date,
    total: tuple[int, Decimal],
    comments: int = 0,
    next_on: date | None = None,
) -> WorkItem:
    """An open action as a line of the worklist (with its customer's comments and next action,
    when known)."""
    return from_row(
        WorkItem,
        r,
        action_id=r.id,
        days_late=(today - r.due_on).days,
        customer_number=r.number,
        assigned_name=r.assigned_name or "",
        items=total[0],
        amount=total[1],
        promise_status=r.promise_status or "",
        comments=comments,
        next_on=next_on if next_on is not None and next_on != r.due_on else None,
    )


def _groups(items: list[WorkItem]) -> tuple[WorkGroup, ...]:
    """The items by kind (KINDS order, then the other kinds by name), due today and late apart."""
    kinds = [k for k in KINDS if any(i.kind == k for i in items)]
    kinds += sorted({i.kind for i in items} - set(KINDS))
    return tuple(
        WorkGroup(
            kind=kind,
            due_today=tuple(i for i in items if i.kind == kind and i.days_late == 0),
            late=tuple(i for i in items if i.kind == kind and i.days_late > 0),
        )
        for kind in kinds
    )


def worklist(
    engine: Engine,
    who: Viewer,
    today: date | None = None,
    user_id: int | None = None,
    include_unassigned: bool = True,
) -> Worklist:
    """The open actions due today or late of a user, grouped by kind (KINDS order).

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        today: the day (default the clock's).
        user_id: whose worklist (default the viewer's; another user's for an admin only).
        include_unassigned: also the actions assigned to nobody on the viewer's customers.

    Raises:
        AccessDenied: for another role, or another user's worklist asked by a non-admin.
    """
    require_role(who, WORK)
    today = today or clock_today()
    user_id = who.user_id if user_id is None else int(user_id)
    if user_id != who.user_id and not who.is_admin:
        raise AccessDenied("only an admin may see another user's worklist")
    with engine.connect() as conn:
        rows = conn.execute(_open_actions_query(who, user_id, today, include_unassigned)).all()
        links = _action_items(conn, [r.id for r in rows])
    totals = _open_totals(engine, links, today)
    items = [_work_item(r, today, totals.get(r.id, (0, ZERO))) for r in rows]
    groups = _groups(items)
    return Worklist(
        as_of=today,
        user_id=user_id,
        groups=groups,
        due_today=sum(1 for i in items if i.days_late == 0),
        late=sum(1 for i in items if i.days_late > 0),
    )


def complete_action(
    engine: Engine,
    who: Viewer,
    action_id: int,
    status: str,
    outcome: str = "",
    note: str = "",
) -> ActionDone:
    """Mark an open action done or skipped, with its outcome and a note.

    A dunning step is done by sending it (the dunning engine), so here it may only be skipped.
    A planned call is done here with "reached" or "no_answer"; a call that ends in a promise,
    a dispute or a call back goes through `followup.log_call(..., action_id=...)`.

    Raises:
        AccessDenied: for another role, or an action of a customer outside the viewer's scope.
        InvalidInput: for another status, an action no longer open, or a bad outcome.
    """
    require_role(who, WORK)
    if status not in ("done", "skipped"):
        raise InvalidInput("status", f"{status!r} is not done or skipped")
    outcome = text_field(outcome, "outcome", 40)
    note = text_field(note, "note", 1000)
    a = Action.__table__
    with engine.begin() as conn:
        row = owned_row(conn, who, a, action_id, "action", lock=True)
        if row.status not in OPEN_STATUSES:
            raise InvalidInput("action", f"is already {row.status}")
        if row.kind == "step" and status == "done":
            raise InvalidInput("status", "a dunning step is done by sending it; skip it here")
        if row.kind == "call" and status == "done" and outcome not in SIMPLE_CALL_OUTCOMES:
            others = ", ".join(o for o in CALL_OUTCOMES if o not in SIMPLE_CALL_OUTCOMES)
            raise InvalidInput(
                "outcome",
                f"a call is done with {' or '.join(SIMPLE_CALL_OUTCOMES)}; "
                f"log the call to record a {others}",
            )
        now = utcnow()
        conn.execute(
            a.update()
            .where(a.c.id == row.id)
            .values(
                status=status,
                outcome=outcome,
                note=note or row.note,
                done_at=now,
                done_by=who.user_id,
            )  # fmt: skip
        )
        audit(
            conn,
            who,
            "action.done" if status == "done" else "action.skip",
            "action",
            row.id,
            customer_id=row.customer_id,
            kind=row.kind,
            outcome=outcome or None,
            note=note or None,
        )
        bump_data_version(conn, parties=False)
    return ActionDone(row.id, row.customer_id, row.kind, status, outcome, note or row.note, now)
