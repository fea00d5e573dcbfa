"""The worklist's "côté client": what customers did in their space (promises, problem reports,
"déjà payé", messages, requests) that no collector has handled yet, in the viewer's scope (a
collector's customers, all of them for an admin); and marking one handled.

Each such event also put an "other" action of origin "space" in the collector's worklist (see
`services.customer_space.actions`); the day's sections leave those out (they are here), and marking
the event handled closes that action too: the one a request names, else the customer's open
"space" action written with the event (in the same transaction, so at the same moment).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import WORK, Viewer, audit, owned_row, scope_clause
from src_dash.access import require as require_role
from src_dash.clock import utcnow
from src_dash.services.inputs import InvalidInput
from src_dash.services.worklist.model import OPEN_STATUSES, ClientLine
from src_dash.store import Action, Comment, Company, Customer, Dispute, DisputeReason, Promise
from src_dash.store.space import SpaceEvent, SpaceRequest
from src_dash.store.space_handled import SpaceHandled
from src_dash.store.versions import bump_data_version

ORIGIN = "space"
# What a customer only looked at: nothing to handle.
LOOKS = ("visit", "statement")
# How long after its action the space writes the event (same transaction).
SAME_MOMENT = timedelta(minutes=1)
LIMIT = 200
# The kinds whose event points at a promise, a dispute or a comment (the others: a request).
RECORDS = ("promise", "dispute", "paid", "message")
# What a request's line says: the phone and moment of a call back, the contact proposed, the note.
REQUEST_TEXTS = ("phone", "moment", "contact_name", "contact_email", "contact_phone", "note")
DECIDED = "decided"  # a request a collector already accepted or refused: handled


def _pending_query(who: Viewer):  # noqa: ANN202
    ev, h, c, co = (
        SpaceEvent.__table__,
        SpaceHandled.__table__,
        Customer.__table__,
        Company.__table__,
    )
    return (
        select(
            ev.c.id,
            ev.c.kind,
            ev.c.at,
            ev.c.ref_id,
            ev.c.customer_id,
            c.c.number,
            c.c.name,
            co.c.code,
        )
        .select_from(
            ev.join(c, c.c.id == ev.c.customer_id)
            .join(co, co.c.id == c.c.company_id)
            .outerjoin(h, h.c.event_id == ev.c.id)
        )
        .where(h.c.event_id.is_(None), ev.c.kind.not_in(LOOKS), scope_clause(who.scope))
        .order_by(ev.c.at.desc(), ev.c.id.desc())
        .limit(LIMIT)
    )


def _refs(conn: Connection, model: type, ids: set[int], *columns: str) -> dict[int, tuple]:
    if not ids:
        return {}
    t = model.__table__
    rows = conn.execute(select(t.c.id, *(t.c[n] for n in columns)).where(t.c.id.in_(sorted(ids))))
    return {r[0]: tuple(r[1:]) for r in rows}


def _details(conn: Connection, rows: list) -> dict[int, tuple]:
    """Per event id, (text, amount, day) from the promise, dispute, comment or request it made
    (a decided request: DECIDED as its day)."""
    by_kind: dict[str, set[int]] = {}
    for r in rows:
        if r.ref_id is not None:
            by_kind.setdefault(r.kind, set()).add(r.ref_id)
    promises = _refs(conn, Promise, by_kind.get("promise", set()), "amount", "promised_on", "note")
    d, reason = Dispute.__table__, DisputeReason.__table__
    dispute_ids = sorted(by_kind.get("dispute", set()) | by_kind.get("paid", set()))
    disputes = {
        r.id: (r.label or "", r.note)
        for r in conn.execute(
            select(d.c.id, reason.c.label, d.c.note)
            .select_from(d.outerjoin(reason, reason.c.id == d.c.reason_id))
            .where(d.c.id.in_(dispute_ids))
        )
    }
    comments = _refs(conn, Comment, by_kind.get("message", set()), "body")
    request_ids = set().union(*(v for k, v in by_kind.items() if k not in RECORDS))
    requests = _refs(conn, SpaceRequest, request_ids, "decided_at", *REQUEST_TEXTS)
    out: dict[int, tuple] = {}
    for r in rows:
        if r.kind == "promise" and r.ref_id in promises:
            amount, on, note = promises[r.ref_id]
            out[r.id] = (note, amount, on)
        elif r.kind in ("dispute", "paid") and r.ref_id in disputes:
            label, note = disputes[r.ref_id]
            out[r.id] = (" · ".join(p for p in (label, note) if p), None, None)
        elif r.kind == "message" and r.ref_id in comments:
            out[r.id] = (comments[r.ref_id][0], None, None)
        elif r.ref_id in requests:
            decided, *texts = requests[r.ref_id]
            out[r.id] = (" · ".join(p for p in texts if p), None, DECIDED if decided else None)
    return out


def pending_client_side(conn: Connection, who: Viewer) -> tuple[ClientLine, ...]:
    """What customers of the viewer's scope did in their space and nobody handled yet (a request
    accepted or refused on the card is handled), newest first (at most `LIMIT`)."""
    rows = conn.execute(_pending_query(who)).all()
    details = _details(conn, rows)
    rows = [r for r in rows if details.get(r.id, ("", None, None))[2] != DECIDED]
    return tuple(
        ClientLine(
            event_id=r.id,
            kind=r.kind,
            at=r.at,
            customer_id=r.customer_id,
            customer_number=r.number,
            customer_name=r.name,
            company_code=r.code,
            text=details.get(r.id, ("", None, None))[0],
            amount=details.get(r.id, ("", None, None))[1],
            on=details.get(r.id, ("", None, None))[2],
        )
        for r in rows
    )


def _landed_action(conn: Connection, event: object) -> int | None:
    """The open worklist action the space wrote with this event, if still open."""
    a = Action.__table__
    if event.ref_id is not None and event.kind not in RECORDS:
        r = SpaceRequest.__table__
        named = conn.execute(
            select(r.c.action_id).where(
                r.c.id == event.ref_id, r.c.customer_id == event.customer_id
            )
        ).scalar()
        if named is not None:
            return conn.execute(
                select(a.c.id).where(a.c.id == named, a.c.status.in_(OPEN_STATUSES))
            ).scalar()
    return conn.execute(
        select(a.c.id)
        .where(
            a.c.customer_id == event.customer_id,
            a.c.origin == ORIGIN,
            a.c.kind == "other",
            a.c.status.in_(OPEN_STATUSES),
            a.c.created_at <= event.at,
            a.c.created_at >= event.at - SAME_MOMENT,
        )
        .order_by(a.c.created_at.desc(), a.c.id.desc())
        .limit(1)
    ).scalar()


def mark_handled(engine: Engine, who: Viewer, event_id: int) -> int | None:
    """Mark a customer's space action handled (and close the worklist action it made).

    Returns:
        The id of the worklist action closed, or None.

    Raises:
        AccessDenied: for a role that does not work the accounts, or an event of a customer
            outside the viewer's scope (said as "not found").
        InvalidInput: for a visit or a download, or an event already handled.
    """
    require_role(who, WORK)
    ev, h, a = SpaceEvent.__table__, SpaceHandled.__table__, Action.__table__
    with engine.begin() as conn:
        event = owned_row(conn, who, ev, event_id, "space event", lock=True)
        if event.kind in LOOKS:
            raise InvalidInput("event", "a visit has nothing to handle")
        if conn.execute(select(h.c.event_id).where(h.c.event_id == event.id)).first():
            raise InvalidInput("event", "already handled")
        now = utcnow()
        action_id = _landed_action(conn, event)
        if action_id is not None:
            conn.execute(
                a.update()
                .where(a.c.id == action_id)
                .values(status="done", outcome="handled", done_at=now, done_by=who.user_id)
            )
        conn.execute(
            h.insert().values(
                event_id=event.id, handled_by=who.user_id, handled_at=now, action_id=action_id
            )
        )
        audit(
            conn,
            who,
            "space.handled",
            "space_event",
            event.id,
            customer_id=event.customer_id,
            kind=event.kind,
            action_id=action_id,
        )
        bump_data_version(conn, parties=False)
    return action_id
