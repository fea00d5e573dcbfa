"""Everything the store holds about one person (a contact), as JSON-ready data (RGPD art. 15).

The person is a contact id or an email address (every contact with that address, and every
message and reply that carries it, even when no contact row holds it any more).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, audit
from src_dash.clock import utcnow
from src_dash.services.admin import require_admin
from src_dash.store import AuditLog, Comment, Contact, Customer, InboundMail, Message
from src_dash.store.space import SpaceRequest

CONTACT_FIELDS = (
    "id",
    "origin",
    "source_key",
    "civility",
    "last_name",
    "first_name",
    "function",
    "phone",
    "mobile",
    "email",
    "dunning_role",
    "language",
    "created_at",
)


@dataclass(frozen=True)
class Person:
    """The contacts of one person and the addresses and names they are known by."""

    contacts: tuple  # rows of `contact`
    emails: tuple[str, ...]  # lower case
    names: tuple[str, ...]  # "First Last" forms, as typed

    @property
    def customer_ids(self) -> list[int]:
        """The customers the person is a contact of."""
        return sorted({c.customer_id for c in self.contacts})


def plain(value: object) -> object:
    """A value JSON can hold: dates as ISO text, amounts as text, containers walked."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def find_person(conn: Connection, contact_id: int | None, email: str | None) -> Person:
    """The person given by a contact id or an email (exactly one of them).

    Raises:
        ValueError: neither or both given.
        LookupError: no contact with that id (an email needs no contact row).
    """
    if (contact_id is None) == (not email):
        raise ValueError("give a contact id or an email address (one of them)")
    ct = Contact.__table__
    if contact_id is not None:
        rows = conn.execute(select(ct).where(ct.c.id == contact_id)).all()
        if not rows:
            raise LookupError(f"no contact {contact_id}")
    else:
        address = email.strip().lower()
        rows = conn.execute(
            select(ct).where(func.lower(ct.c.email) == address).order_by(ct.c.id)
        ).all()
    emails = {r.email.strip().lower() for r in rows if r.email.strip()}
    if email:
        emails.add(email.strip().lower())
    names = set()
    for r in rows:
        if r.first_name.strip() and r.last_name.strip():
            names.add(f"{r.first_name.strip()} {r.last_name.strip()}")
            names.add(f"{r.last_name.strip()} {r.first_name.strip()}")
    return Person(tuple(rows), tuple(sorted(emails)), tuple(sorted(names)))


def json_like(column, needles: list[str]):  # noqa: ANN001, ANN201
    """Rows whose column (text or JSON, as text) holds one of the needles, in any case; the
    JSON form of a needle too (non-ASCII characters escaped)."""
    forms = set()
    for needle in needles:
        forms.add(needle.lower())
        forms.add(_json_escaped(needle).lower())
    text = func.lower(cast(column, String))
    return or_(*(text.contains(f, autoescape=True) for f in sorted(forms) if f))


def _json_escaped(value: str) -> str:
    import json

    return json.dumps(value)[1:-1]


def addressed_to(recipients: list, emails: tuple[str, ...]) -> bool:
    """Whether a message's recipients (dicts or plain addresses) hold one of the emails."""
    for r in recipients or []:
        address = r.get("email", "") if isinstance(r, dict) else str(r)
        if str(address).strip().lower() in emails:
            return True
    return False


def messages_of(conn: Connection, person: Person) -> list:
    """The messages whose To or Cc holds one of the person's addresses."""
    if not person.emails:
        return []
    m = Message.__table__
    needles = list(person.emails)
    query = select(m).where(
        or_(json_like(m.c.recipients_to, needles), json_like(m.c.recipients_cc, needles))
    )
    return [
        r
        for r in conn.execute(query.order_by(m.c.id)).all()
        if addressed_to(r.recipients_to, person.emails)
        or addressed_to(r.recipients_cc, person.emails)
    ]


def inbound_of(conn: Connection, person: Person) -> list:
    """The mails read from the mailbox that came from one of the person's addresses."""
    if not person.emails:
        return []
    im = InboundMail.__table__
    query = select(im).where(func.lower(im.c.from_address).in_(person.emails))
    return conn.execute(query.order_by(im.c.id)).all()


def comments_of(conn: Connection, person: Person) -> list:
    """The comments on the person's customers that name them (full name or address)."""
    if not person.customer_ids:
        return []
    co = Comment.__table__
    needles = [*person.emails, *person.names]
    if not needles:
        return []
    query = select(co).where(
        co.c.customer_id.in_(person.customer_ids), json_like(co.c.body, needles)
    )
    return conn.execute(query.order_by(co.c.id)).all()


_REQUEST_FIELDS = ("phone", "moment", "note", "contact_name", "contact_email", "contact_phone")


def space_requests_of(conn: Connection, person: Person) -> list:
    """The requests from the customers' spaces that name the person (their address, full name or
    phone): a billing contact proposed, a call back."""
    needles = [*person.emails, *person.names]
    phones = [p for c in person.contacts for p in (c.phone, c.mobile) if len(p or "") >= 6]
    if not person.customer_ids or not (needles or phones):
        return []
    sr = SpaceRequest.__table__
    texts = ("contact_name", "contact_email", "note")
    named = or_(
        *(json_like(sr.c[n], needles) for n in texts if needles),
        *(json_like(sr.c[n], phones) for n in ("phone", "contact_phone") if phones),
    )
    query = select(sr).where(sr.c.customer_id.in_(person.customer_ids), named)
    return conn.execute(query.order_by(sr.c.id)).all()


def audit_of(conn: Connection, person: Person) -> list:
    """The audit lines about the person's contacts, or whose details hold their address."""
    a = AuditLog.__table__
    clauses = []
    ids = [c.id for c in person.contacts]
    if ids:
        clauses.append((a.c.entity == "contact") & a.c.entity_id.in_(ids))
    if person.emails:
        clauses.append(json_like(a.c.details, list(person.emails)))
    if not clauses:
        return []
    return conn.execute(select(a).where(or_(*clauses)).order_by(a.c.id)).all()


def _contact(conn: Connection, row) -> dict[str, object]:  # noqa: ANN001
    c = Customer.__table__
    customer = conn.execute(select(c.c.number, c.c.name).where(c.c.id == row.customer_id)).first()
    out = {name: plain(getattr(row, name)) for name in CONTACT_FIELDS}
    out["customer"] = {"number": customer.number, "name": customer.name} if customer else None
    return out


def _own(recipients: list, emails: tuple[str, ...]) -> list:
    """The person's own entries among recipients (others' addresses are not theirs to get)."""
    return [plain(r) for r in recipients or [] if addressed_to([r], emails)]


def _message(row, emails: tuple[str, ...]) -> dict[str, object]:  # noqa: ANN001
    others = len(row.recipients_to or []) + len(row.recipients_cc or [])
    to, cc = _own(row.recipients_to, emails), _own(row.recipients_cc, emails)
    return {
        "id": row.id,
        "channel": row.channel,
        "status": row.status,
        "created_at": plain(row.created_at),
        "sent_at": plain(row.sent_at),
        "subject": row.subject,
        "to": to,
        "cc": cc,
        "other_recipients": others - len(to) - len(cc),
        "body_text": row.body_text or _strip_html(row.body_html),
        "total": plain(row.total),
        "currency": row.currency,
    }


def _strip_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


def export_person(
    engine: Engine, who: Viewer | None, *, contact_id: int | None = None, email: str | None = None
) -> dict[str, object]:
    """Everything held about a person (a contact id or an email), as JSON-ready data.

    Holds the contact rows (with their customer's number and name only), the messages whose
    To or Cc holds their address, the replies from it, the comments and the space's requests
    naming them and the audit lines about them; audited as ``privacy.export``.

    Raises:
        AccessDenied: the viewer is not an admin.
        ValueError: neither or both of contact_id and email.
        LookupError: no such contact.
    """
    require_admin(who)
    with engine.begin() as conn:
        person = find_person(conn, contact_id, email)
        data = {
            "exported_at": plain(utcnow()),
            "query": {"contact_id": contact_id, "email": email},
            "contacts": [_contact(conn, r) for r in person.contacts],
            "messages": [_message(r, person.emails) for r in messages_of(conn, person)],
            "inbound_mails": [
                {
                    "id": r.id,
                    "received_at": plain(r.received_at),
                    "from_address": r.from_address,
                    "from_name": r.from_name,
                    "subject": r.subject,
                    "body_text": r.body_text,
                    "kind": r.kind,
                }
                for r in inbound_of(conn, person)
            ],
            "comments": [
                {"id": r.id, "created_at": plain(r.created_at), "body": r.body}
                for r in comments_of(conn, person)
            ],
            "space_requests": [
                {
                    "id": r.id,
                    "created_at": plain(r.created_at),
                    "kind": r.kind,
                    "status": r.status,
                    **{n: getattr(r, n) for n in _REQUEST_FIELDS},
                }
                for r in space_requests_of(conn, person)
            ],
            "audit": [
                {
                    "at": plain(r.at),
                    "action": r.action,
                    "entity": r.entity,
                    "entity_id": r.entity_id,
                    "details": plain(r.details),
                }
                for r in audit_of(conn, person)
            ],
        }
        kinds = ("contacts", "messages", "inbound_mails", "comments", "space_requests")
        counts = {k: len(data[k]) for k in kinds}
        audit(
            conn,
            who,
            "privacy.export",
            "contact",
            contact_id,
            contact_ids=[c.id for c in person.contacts],
            by_email=bool(email),
            **counts,
        )
    return data
