"""What a customer asks for in their space, and the collector's side of it.

- "demander une copie" (of an invoice or of the statement) and "être rappelé" (a phone number
  and a moment) become an action due today in the worklist of the customer's collector (origin
  "space", as `actions` lands a promise), a `space_request` row "queued";
- "mettre à jour le contact de facturation" (name, email, phone) waits "pending" in
  `space_request` until a collector accepts it (the contact is added, or the customer's contact
  with that email made the main recipient, by `services.customer_edit`) or refuses it (nothing
  else changes).

Each request writes a `space_event`, an audit line with the client's address, and a comment by
"Espace client" on the customer's timeline. What the customer typed is kept as typed (text,
never markup); the functions take the `SpaceAccess` a token resolved to, never a customer id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    AccessDenied,
    Viewer,
    audit,
    check_customers,
    owned_row,
    require,
)
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.services import customer_edit
from src_dash.services.customer_space.actions import SpaceDone, _entry_ids, _event, _land
from src_dash.services.customer_space.links import SpaceAccess
from src_dash.services.followup.common import _finish
from src_dash.services.inputs import InvalidInput, email_field, text_field
from src_dash.store import Comment, Contact, Entry
from src_dash.store.space import SpaceRequest

KINDS = ("copy", "callback", "contact")
STATEMENT = "statement"  # the copy asked for is the statement of account
_PHONE = re.compile(r"\+?[0-9 .()/-]{6,40}")


@dataclass(frozen=True)
class RequestView:
    """A customer's request as a collector sees it."""

    id: int
    customer_id: int
    kind: str
    status: str
    created_at: datetime
    piece: str  # copy: the item's piece, "" for the statement
    phone: str
    moment: str
    contact_name: str
    contact_email: str
    contact_phone: str
    note: str
    decided_at: datetime | None
    contact_id: int | None


def phone_field(value: object, field: str = "phone", required: bool = False) -> str:
    """A phone number: digits with +, spaces, dots, dashes, slashes or brackets, 6 at least.

    Raises:
        InvalidInput: anything else (letters, markup), or missing when required.
    """
    phone = text_field(value, field, 40, required=required)
    if phone and (not _PHONE.fullmatch(phone) or sum(ch.isdigit() for ch in phone) < 6):
        raise InvalidInput(field, "is not a phone number")
    return phone


def _timeline(conn: Connection, access: SpaceAccess, body: str) -> int:
    """A comment by "Espace client" (no author) on the customer, for the timeline."""
    comment_id = conn.execute(
        Comment.__table__.insert().values(
            customer_id=access.customer_id, author_id=None, body=body[:4000], created_at=utcnow()
        )
    ).inserted_primary_key[0]
    _finish(conn)
    return comment_id


def _insert(conn: Connection, access: SpaceAccess, kind: str, status: str, **values) -> int:  # noqa: ANN003
    return conn.execute(
        SpaceRequest.__table__.insert().values(
            company_id=access.company_id,
            customer_id=access.customer_id,
            link_id=access.link_id,
            kind=kind,
            status=status,
            created_at=utcnow(),
            **values,
        )
    ).inserted_primary_key[0]


def _piece_of(conn: Connection, access: SpaceAccess, target: object) -> tuple[int | None, str]:
    """The item a copy is asked of (None and "" for the statement).

    Raises:
        InvalidInput: "document", for an id that is not one of this customer's entries (the same
            message whether it exists or not).
    """
    if target in (None, "", STATEMENT):
        return None, ""
    try:
        [entry_id] = _entry_ids([target])
    except (InvalidInput, ValueError):
        raise InvalidInput("document", "choose one of your invoices") from None
    e = Entry.__table__
    row = conn.execute(
        select(e.c.customer_id, e.c.piece, e.c.reference).where(e.c.id == entry_id)
    ).first()
    if row is None or row.customer_id != access.customer_id:
        raise InvalidInput("document", "choose one of your invoices")
    return entry_id, row.reference or row.piece


def ask_copy(
    engine: Engine, access: SpaceAccess, target: object, note: str = "", today: date | None = None
) -> SpaceDone:
    """The customer asks for a copy of one of their invoices (an entry id) or of the statement
    ("statement" or empty): an action due today for their collector.

    Raises:
        InvalidInput: an entry that is not theirs, or a note too long; nothing is written.
    """
    note = text_field(note, "note", 500)
    with engine.begin() as conn:
        entry_id, piece = _piece_of(conn, access, target)
        what = f"de la facture {piece}" if entry_id else "du relevé de compte"
        text = f"Espace client : demande une copie {what}" + (f" — {note}" if note else "")
        _timeline(conn, access, text)
        request_id = _insert(conn, access, "copy", "queued", entry_id=entry_id, note=note)
        action_id = _land(conn, access, "copy", request_id, text, today or clock_today())
        _set(conn, request_id, action_id=action_id)
    return SpaceDone("copy", request_id, action_id)


def ask_call_back(
    engine: Engine,
    access: SpaceAccess,
    phone: object,
    moment: object,
    note: str = "",
    today: date | None = None,
) -> SpaceDone:
    """The customer asks to be called back on `phone` at `moment` (their words: "mardi matin"):
    an action due today for their collector.

    Raises:
        InvalidInput: a missing or malformed phone, a missing moment, a note too long.
    """
    phone = phone_field(phone, required=True)
    moment = text_field(moment, "moment", 100, required=True)
    note = text_field(note, "note", 500)
    text = f"Espace client : être rappelé au {phone}, {moment}" + (f" — {note}" if note else "")
    with engine.begin() as conn:
        _timeline(conn, access, text)
        request_id = _insert(
            conn, access, "callback", "queued", phone=phone, moment=moment, note=note
        )
        action_id = _land(conn, access, "callback", request_id, text, today or clock_today())
        _set(conn, request_id, action_id=action_id)
    return SpaceDone("callback", request_id, action_id)


def ask_contact_change(
    engine: Engine, access: SpaceAccess, name: object, email: object, phone: object = ""
) -> SpaceDone:
    """The customer gives a new billing contact: pending until a collector accepts it.

    Raises:
        InvalidInput: no name, not one email address (required), a malformed phone.
    """
    name = text_field(name, "name", 80, required=True)
    email = email_field(email)
    if not email:
        raise InvalidInput("email", "must not be empty")
    phone = phone_field(phone)
    text = f"Espace client : nouveau contact de facturation proposé : {name} <{email}>" + (
        f", {phone}" if phone else ""
    )
    with engine.begin() as conn:
        _timeline(conn, access, text)
        request_id = _insert(
            conn,
            access,
            "contact",
            "pending",
            contact_name=name,
            contact_email=email,
            contact_phone=phone,
        )
        _event(conn, access, "contact", request_id)
    return SpaceDone("contact", request_id, 0)


def _set(conn: Connection, request_id: int, **values: object) -> int:
    r = SpaceRequest.__table__
    return conn.execute(r.update().where(r.c.id == request_id).values(**values)).rowcount


def _view(row, piece: str) -> RequestView:  # noqa: ANN001
    return RequestView(
        id=row.id,
        customer_id=row.customer_id,
        kind=row.kind,
        status=row.status,
        created_at=row.created_at,
        piece=piece,
        phone=row.phone,
        moment=row.moment,
        contact_name=row.contact_name,
        contact_email=row.contact_email,
        contact_phone=row.contact_phone,
        note=row.note,
        decided_at=row.decided_at,
        contact_id=row.contact_id,
    )


def customer_requests(
    engine: Engine, who: Viewer, customer_id: int, pending_only: bool = True, limit: int = 50
) -> list[RequestView]:
    """A customer's requests from the space (the pending contact changes by default), newest
    first, for a viewer who sees the customer.

    Raises:
        AccessDenied: no viewer, or a customer outside the viewer's scope.
    """
    if who is None:
        raise AccessDenied("not signed in")
    r, e = SpaceRequest.__table__, Entry.__table__
    query = (
        select(r, func.coalesce(func.nullif(e.c.reference, ""), e.c.piece, "").label("piece"))
        .select_from(r.outerjoin(e, e.c.id == r.c.entry_id))
        .where(r.c.customer_id == customer_id)
        .order_by(r.c.created_at.desc(), r.c.id.desc())
        .limit(limit)
    )
    if pending_only:
        query = query.where(r.c.status == "pending")
    with engine.connect() as conn:
        check_customers(conn, who, [customer_id])
        return [_view(row, row.piece or "") for row in conn.execute(query)]


def _claim(engine: Engine, who: Viewer, request_id: object, status: str):  # noqa: ANN202
    """Take a pending contact change out of the queue (status `status`), once checked it is of a
    customer in the viewer's scope; the row as it was.

    Raises:
        AccessDenied: an unknown request, or one of a customer out of scope ("not found").
        InvalidInput: a request already decided (or not a contact change).
    """
    require(who, WORK)
    try:
        request_id = int(request_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AccessDenied("request not found") from None
    r = SpaceRequest.__table__
    with engine.begin() as conn:
        row = owned_row(conn, who, r, request_id, "request", lock=True)
        if row.kind != "contact" or row.status != "pending":
            raise InvalidInput("request", "this request is already decided")
        done = conn.execute(
            r.update()
            .where(r.c.id == request_id, r.c.status == "pending")
            .values(status=status, decided_by=who.user_id, decided_at=utcnow())
        ).rowcount
        if done != 1:
            raise InvalidInput("request", "this request is already decided")
    return row


def _existing_contact(engine: Engine, customer_id: int, email: str) -> int | None:
    ct = Contact.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(ct.c.id)
            .where(
                ct.c.customer_id == customer_id,
                func.lower(ct.c.email) == email.lower(),
                ct.c.erased_at.is_(None),
            )
            .order_by(ct.c.id)
            .limit(1)
        ).scalar()


def accept_contact(engine: Engine, who: Viewer, request_id: object) -> int:
    """Accept a customer's new billing contact: the customer's contact with that email becomes
    the main recipient (To) of dunning, else the contact is added (by hand, kept across syncs)
    as the main recipient; the contact's id.

    Raises:
        AccessDenied: a role that may not change contacts, a request out of scope.
        InvalidInput: a request already decided.
    """
    row = _claim(engine, who, request_id, "accepting")
    try:
        contact_id = _existing_contact(engine, row.customer_id, row.contact_email)
        if contact_id is not None:
            customer_edit.set_contact_role(engine, who, contact_id, "to")
        else:
            contact_id = customer_edit.add_contact(
                engine,
                who,
                row.customer_id,
                last_name=row.contact_name,
                email=row.contact_email,
                phone=row.contact_phone,
                function="Contact de facturation",
                role="to",
            )
    except Exception:
        with engine.begin() as conn:  # back in the queue: nothing was changed
            _set(conn, row.id, status="pending", decided_by=None, decided_at=None)
        raise
    with engine.begin() as conn:
        _set(conn, row.id, status="accepted", contact_id=contact_id)
        audit(conn, who, "space.contact_accepted", "customer", row.customer_id, request=row.id,
              contact_id=contact_id)  # fmt: skip
    return contact_id


def refuse_contact(engine: Engine, who: Viewer, request_id: object) -> None:
    """Refuse a customer's new billing contact: the contacts stay as they were.

    Raises:
        AccessDenied: a role that may not change contacts, a request out of scope.
        InvalidInput: a request already decided.
    """
    row = _claim(engine, who, request_id, "refused")
    with engine.begin() as conn:
        audit(conn, who, "space.contact_refused", "customer", row.customer_id, request=row.id)
