"""The staff side of the customer's space, read from the customer card: whether the customer has
a live link, what they did in their space (visits, statement downloads, promises, reports,
"déjà payé", messages) with the company's answers, and the files they sent.

Every function takes the signed-in viewer and checks that the customer is in their scope, like
the card itself: a customer outside it is "not found". Revoking and sending the link, and
answering a message, are in `staff_mail` (they write).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import NOTE, WORK, Viewer, check_customers, owned_row, require
from src_dash.clock import utcnow
from src_dash.services.auth import ROLES
from src_dash.services.customer_space.uploads import attachments_dir
from src_dash.services.customer_space.view import ANSWER_TEMPLATE
from src_dash.store import (
    Comment,
    Company,
    Customer,
    Dispute,
    DisputeReason,
    Message,
    Promise,
    User,
)
from src_dash.store.space import SpaceAttachment, SpaceEvent, SpaceLink

ACTIVITY_LIMIT = 50
LINK_TEMPLATE = "space_link"  # Message.template_code of a link sent from the card
ANSWER_KEY = "space-answer"  # Message.idempotency_key: "space-answer:<comment id>:<random>"
SIGNATURE = "\n\n-- \n"  # what ends the answer's own words in its text
IN_FLIGHT = ("queued", "sending", "handover", "sent")


@dataclass(frozen=True)
class LinkStatus:
    """The customer's links: how many are live, until when, when one was last used."""

    live: int
    expires_at: datetime | None
    last_used_at: datetime | None
    uses: int
    revoked_at: datetime | None


@dataclass(frozen=True)
class AttachmentInfo:
    """A file the customer sent with a report."""

    id: int
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ActivityLine:
    """One thing done in the space, or an answer of the company, newest first.

    kind: visit | statement | promise | dispute | paid | message | answer.
    """

    kind: str
    at: datetime
    ref_id: int | None
    text: str = ""
    amount: Decimal | None = None
    currency: str = ""
    on: date | None = None
    answered: bool = False
    by: str = ""
    status: str = ""
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class SpaceActivity:
    """The space as the card shows it, and what the viewer may do there."""

    customer_id: int
    link: LinkStatus
    lines: tuple[ActivityLine, ...]
    can_work: bool
    can_answer: bool


@dataclass(frozen=True)
class AttachmentFile:
    """A customer's file, to download."""

    filename: str
    data: bytes
    mime_type: str


def link_status(conn: Connection, customer_id: int, now: datetime) -> LinkStatus:
    """The customer's live links (not revoked, not expired) and their last use."""
    t = SpaceLink.__table__
    live = (t.c.customer_id == customer_id) & t.c.revoked_at.is_(None) & (t.c.expires_at > now)
    row = conn.execute(
        select(func.count(), func.max(t.c.expires_at), func.coalesce(func.sum(t.c.uses), 0)).where(
            live
        )
    ).one()
    used = conn.execute(
        select(func.max(t.c.last_used_at)).where(t.c.customer_id == customer_id)
    ).scalar()
    revoked = conn.execute(
        select(func.max(t.c.revoked_at)).where(t.c.customer_id == customer_id)
    ).scalar()
    return LinkStatus(int(row[0]), row[1], used, int(row[2]), revoked)


def answered_ids(conn: Connection, customer_id: int) -> set[int]:
    """The customer's messages (comment ids) the company answered."""
    m = Message.__table__
    keys = conn.execute(
        select(m.c.idempotency_key).where(
            m.c.customer_id == customer_id,
            m.c.template_code == ANSWER_TEMPLATE,
            m.c.status.in_(IN_FLIGHT),
        )
    ).scalars()
    out: set[int] = set()
    for key in keys:
        parts = key.split(":")
        if len(parts) == 3 and parts[0] == ANSWER_KEY and parts[1].isdigit():
            out.add(int(parts[1]))
    return out


def answer_text(body_text: str) -> str:
    """An answer's own words (its text before the signature)."""
    return body_text.split(SIGNATURE, 1)[0]


def _attachments(conn: Connection, customer_id: int) -> dict[int, list[AttachmentInfo]]:
    a = SpaceAttachment.__table__
    out: dict[int, list[AttachmentInfo]] = {}
    rows = conn.execute(
        select(a.c.id, a.c.dispute_id, a.c.original_name, a.c.content_type, a.c.size)
        .where(a.c.customer_id == customer_id)
        .order_by(a.c.id)
    ).all()
    for r in rows:
        if r.dispute_id is not None:
            info = AttachmentInfo(r.id, r.original_name or f"#{r.id}", r.content_type, r.size)
            out.setdefault(r.dispute_id, []).append(info)
    return out


def _event_lines(conn: Connection, customer_id: int, limit: int) -> list[ActivityLine]:
    """The customer's latest events in their space, with what each made."""
    e, p, d = SpaceEvent.__table__, Promise.__table__, Dispute.__table__
    r, cm = DisputeReason.__table__, Comment.__table__
    rows = conn.execute(
        select(e.c.kind, e.c.at, e.c.ref_id)
        .where(e.c.customer_id == customer_id)
        .order_by(e.c.at.desc(), e.c.id.desc())
        .limit(limit)
    ).all()
    refs = {kind: {x.ref_id for x in rows if x.kind == kind and x.ref_id} for kind in ("promise",)}
    disputes = {x.ref_id for x in rows if x.kind in ("dispute", "paid") and x.ref_id}
    comments = {x.ref_id for x in rows if x.kind == "message" and x.ref_id}
    promises = {
        x.id: x
        for x in conn.execute(
            select(p.c.id, p.c.amount, p.c.promised_on).where(p.c.id.in_(sorted(refs["promise"])))
        ).all()
    }
    dispute_rows = {
        x.id: x
        for x in conn.execute(
            select(d.c.id, d.c.note, r.c.label)
            .select_from(d.outerjoin(r, r.c.id == d.c.reason_id))
            .where(d.c.id.in_(sorted(disputes)))
        ).all()
    }
    bodies = dict(
        conn.execute(select(cm.c.id, cm.c.body).where(cm.c.id.in_(sorted(comments)))).all()
    )
    files = _attachments(conn, customer_id)
    answered = answered_ids(conn, customer_id)
    lines = []
    for x in rows:
        line = ActivityLine(kind=x.kind, at=x.at, ref_id=x.ref_id)
        if x.kind == "promise" and x.ref_id in promises:
            found = promises[x.ref_id]
            line = ActivityLine(x.kind, x.at, x.ref_id, amount=found.amount, on=found.promised_on)
        elif x.kind in ("dispute", "paid") and x.ref_id in dispute_rows:
            found = dispute_rows[x.ref_id]
            text = " — ".join(t for t in ((found.label or ""), (found.note or "")) if t)
            line = ActivityLine(
                x.kind, x.at, x.ref_id, text=text, attachments=tuple(files.get(x.ref_id, ()))
            )
        elif x.kind == "message":
            line = ActivityLine(
                x.kind,
                x.at,
                x.ref_id,
                text=bodies.get(x.ref_id, ""),
                answered=x.ref_id in answered,
            )
        lines.append(line)
    return lines


def _answer_lines(conn: Connection, customer_id: int, limit: int) -> list[ActivityLine]:
    """The company's answers to the customer's messages, newest first."""
    m, u = Message.__table__, User.__table__
    rows = conn.execute(
        select(m.c.id, m.c.created_at, m.c.body_text, m.c.status, u.c.name)
        .select_from(m.outerjoin(u, u.c.id == m.c.approved_by))
        .where(m.c.customer_id == customer_id, m.c.template_code == ANSWER_TEMPLATE)
        .order_by(m.c.created_at.desc(), m.c.id.desc())
        .limit(limit)
    ).all()
    return [
        ActivityLine(
            "answer",
            r.created_at,
            r.id,
            text=answer_text(r.body_text),
            by=r.name or "",
            status=r.status,
        )
        for r in rows
    ]


def space_activity(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    limit: int = ACTIVITY_LIMIT,
    now: datetime | None = None,
) -> SpaceActivity:
    """The customer's space as the card shows it: the link, the latest `limit` lines.

    Raises:
        AccessDenied: when nobody is signed in, or the customer is outside the viewer's scope.
    """
    require(who, ROLES)
    now = now or utcnow()
    c, co = Customer.__table__, Company.__table__
    with engine.connect() as conn:
        check_customers(conn, who, [customer_id])
        currency = conn.execute(
            select(co.c.currency)
            .select_from(c.join(co, co.c.id == c.c.company_id))
            .where(c.c.id == customer_id)
        ).scalar()
        link = link_status(conn, customer_id, now)
        lines = _event_lines(conn, customer_id, limit) + _answer_lines(conn, customer_id, limit)
    lines.sort(key=lambda x: (x.at, x.kind == "answer"), reverse=True)
    shown = tuple(
        replace(x, currency=currency or "EUR") if x.amount is not None else x for x in lines[:limit]
    )
    return SpaceActivity(
        customer_id=customer_id,
        link=link,
        lines=shown,
        can_work=who.role in WORK,
        can_answer=who.role in NOTE,
    )


def attachment_file(
    engine: Engine, who: Viewer, attachment_id: int, data_dir: Path | None = None
) -> AttachmentFile:
    """A file a customer sent, for a viewer who may see that customer.

    Raises:
        AccessDenied: "attachment not found", for an unknown id or a customer out of scope.
        FileNotFoundError: when the file is no longer kept.
    """
    require(who, ROLES)
    a = SpaceAttachment.__table__
    with engine.connect() as conn:
        row = owned_row(conn, who, a, int(attachment_id), "attachment")
    folder = attachments_dir(data_dir).resolve()
    path = (folder / row.stored_name).resolve()
    if path.parent != folder or not path.is_file():
        raise FileNotFoundError(f"the file of attachment {row.id} is missing")
    return AttachmentFile(
        filename=row.original_name or path.name, data=path.read_bytes(), mime_type=row.content_type
    )
