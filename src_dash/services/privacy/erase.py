"""Erase a person on request (RGPD art. 17): anonymise the contact and every mention of them,
keep the accounting records and the history of the dunning.

What stays: customers (Sage data), entries and amounts, the messages themselves (date, channel,
level, total, status: the trace of the dunning), promises and disputes, the audit lines. What
goes: the contact's names, phones and address, in the contact row and wherever the store wrote
them down (recipients, bodies, replies, notes, alerts, audit details), replaced by "Contact
effacé". Held or queued messages left with no main recipient are cancelled.

A contact that comes from Sage keeps its `origin`, `source_key` and `row_hash`: the sync then
sees the source row as unchanged and leaves the erased row alone, until the row changes in Sage
(see docs/rgpd.md: erase it in Sage too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, audit
from src_dash.clock import utcnow
from src_dash.services.admin import require_admin
from src_dash.services.privacy.export import Person, addressed_to, find_person, json_like
from src_dash.store import (
    Action,
    Alert,
    AuditLog,
    Comment,
    Contact,
    Customer,
    Dispute,
    Flag,
    InboundMail,
    Message,
    Promise,
)
from src_dash.store.space import SpaceRequest
from src_dash.store.versions import bump_data_version

ERASED = {"fr": "Contact effacé", "en": "Erased contact"}
ERASED_VALUE = "[effacé]"  # an address or a phone number in a text
CIVILITIES = r"(?:Madame|Monsieur|Mademoiselle|Mme|Mlle|M\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?)"
# The text (and JSON) columns where a contact's name or address may be written, by table.
TEXT_COLUMNS = (
    (
        Message.__table__,
        ("subject", "body_html", "body_text", "server_answer", "recipients_to", "recipients_cc"),
    ),
    (InboundMail.__table__, ("from_name", "subject", "body_text", "suggestions")),
    (Comment.__table__, ("body",)),
    (Promise.__table__, ("note",)),
    (Dispute.__table__, ("note",)),
    (Action.__table__, ("note", "outcome")),
    (Alert.__table__, ("text",)),
    (Flag.__table__, ("label",)),
    # What a customer typed in their space's requests: a call-back number, a new billing contact.
    (
        SpaceRequest.__table__,
        ("phone", "moment", "contact_name", "contact_email", "contact_phone", "note"),
    ),
)
CANCELLABLE = ("held", "queued")


@dataclass
class ErasureReport:
    """What an erasure changed: rows per table, and the messages cancelled."""

    contacts: list[int] = field(default_factory=list)
    cancelled_messages: int = 0
    rows: dict[str, set[int]] = field(default_factory=dict)

    @property
    def changed(self) -> dict[str, int]:
        """The number of rows changed per table (tables with none left out)."""
        return {table: len(ids) for table, ids in sorted(self.rows.items()) if ids}

    def as_dict(self) -> dict[str, object]:
        """The report as plain data (for the CLI's JSON)."""
        return {
            "contacts": self.contacts,
            "changed": self.changed,
            "cancelled_messages": self.cancelled_messages,
        }

    def add(self, table: str, ids: Iterable[int]) -> None:
        """Count the rows of `table` (by id) as changed."""
        self.rows.setdefault(table, set()).update(ids)


class Scrubber:
    """Replaces a person's address, phones and names in text.

    `strong` patterns (address, full names, phones) are safe anywhere; `weak` ones (the last name
    alone or after a civility) only in rows of the person's own customers, where a greeting such
    as "Madame Dupont" names them.
    """

    def __init__(self, person: Person, customer_names: list[str], label: str) -> None:
        self.label = label
        data = [re.escape(e) for e in person.emails]
        names = [r"\s+".join(map(re.escape, n.split())) for n in person.names]
        weak = []
        for c in person.contacts:
            for phone in (c.phone, c.mobile):
                digits = re.sub(r"\D", "", phone or "")
                if len(digits) >= 6:
                    data.append(r"[\s.\-]?".join(digits))
            last = (c.last_name or "").strip()
            if len(last) >= 2 and last != label:
                weak.append(rf"{CIVILITIES}\s+{re.escape(last)}\b")
                if not any(last.lower() in n.lower() for n in customer_names):
                    weak.append(rf"\b{re.escape(last)}\b")
        self.data = _alternation(data)
        self.strong = _alternation(names)
        self.weak = _alternation(names + weak)
        self.needles = [
            *person.emails,
            *person.names,
            *(p for c in person.contacts for p in (c.phone, c.mobile) if len(p or "") >= 6),
        ]

    def text(self, value: str, own: bool) -> str:
        """The text with the person's mentions replaced: addresses and phones by "[effacé]",
        names by the label (a last name alone too when `own`)."""
        if not value:
            return value
        if self.data is not None:
            value = self.data.sub(ERASED_VALUE, value)
        pattern = self.weak if own else self.strong
        return value if pattern is None else pattern.sub(self.label, value)

    def deep(self, value: object, own: bool) -> object:
        """The same through dicts and lists (JSON columns)."""
        if isinstance(value, str):
            return self.text(value, own)
        if isinstance(value, dict):
            return {k: self.deep(v, own) for k, v in value.items()}
        if isinstance(value, list):
            return [self.deep(v, own) for v in value]
        return value


def _alternation(patterns: list[str]) -> re.Pattern | None:
    patterns = sorted({p for p in patterns if p}, key=len, reverse=True)
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


def _erase_contacts(conn: Connection, person: Person, report: ErasureReport) -> None:
    ct = Contact.__table__
    for c in person.contacts:
        label = ERASED["en"] if (c.language or "").startswith("en") else ERASED["fr"]
        values = {
            "civility": "",
            "last_name": label,
            "first_name": "",
            "function": "",
            "phone": "",
            "mobile": "",
            "email": "",
            "dunning_role": "never",
        }
        if any(getattr(c, k) != v for k, v in values.items()) or c.erased_at is None:
            values["erased_at"] = c.erased_at or utcnow()
            conn.execute(update(ct).where(ct.c.id == c.id).values(**values))
            report.add("contact", [c.id])


def _recipients(recipients: list, person: Person, label: str) -> list:
    out = []
    for r in recipients or []:
        if isinstance(r, dict) and str(r.get("email", "")).strip().lower() in person.emails:
            out.append({**r, "email": "", "name": label})
        elif isinstance(r, str) and r.strip().lower() in person.emails:
            out.append("")
        else:
            out.append(r)
    return out


def _erase_messages(conn: Connection, person: Person, label: str, report: ErasureReport) -> None:
    """Their address out of the recipients; a pending message left with no To is cancelled."""
    if not person.emails:
        return
    m = Message.__table__
    needles = list(person.emails)
    rows = conn.execute(
        select(m.c.id, m.c.recipients_to, m.c.recipients_cc, m.c.status).where(
            or_(json_like(m.c.recipients_to, needles), json_like(m.c.recipients_cc, needles))
        )
    ).all()
    for r in rows:
        if not (
            addressed_to(r.recipients_to, person.emails)
            or addressed_to(r.recipients_cc, person.emails)
        ):
            continue
        to = _recipients(r.recipients_to, person, label)
        values: dict[str, object] = {
            "recipients_to": to,
            "recipients_cc": _recipients(r.recipients_cc, person, label),
        }
        if r.status in CANCELLABLE and not addressed_to(to, _any_address(to)):
            values["status"] = "cancelled"
            report.cancelled_messages += 1
        conn.execute(update(m).where(m.c.id == r.id).values(**values))
        report.add("message", [r.id])


def _any_address(recipients: list) -> tuple[str, ...]:
    out = []
    for r in recipients:
        address = r.get("email", "") if isinstance(r, dict) else str(r)
        if address.strip():
            out.append(address.strip().lower())
    return tuple(out)


def _erase_inbound(conn: Connection, person: Person, report: ErasureReport) -> None:
    """Mails from their address: sender, text and quotes blanked (the line stays)."""
    if not person.emails:
        return
    im = InboundMail.__table__
    ids = (
        conn.execute(select(im.c.id).where(func.lower(im.c.from_address).in_(person.emails)))
        .scalars()
        .all()
    )
    if ids:
        conn.execute(
            update(im)
            .where(im.c.id.in_(ids))
            .values(from_address="", from_name="", body_text="", suggestions=[])
        )
    report.add("inbound_mail", ids)


def _scrub_table(
    conn: Connection,
    table,  # noqa: ANN001
    columns: tuple[str, ...],
    scrub: Scrubber,
    customers: list[int],
) -> list[int]:
    """Scrub the rows of `table` of the person's customers, or naming them anywhere."""
    cols = [table.c[name] for name in columns]
    clauses = [json_like(col, scrub.needles) for col in cols] if scrub.needles else []
    if customers:
        clauses.append(table.c.customer_id.in_(customers))
    if not clauses:
        return []
    changed = []
    query = select(table.c.id, table.c.customer_id, *cols).where(or_(*clauses))
    for row in conn.execute(query).all():
        own = row.customer_id in customers
        values = {n: scrub.deep(getattr(row, n), own) for n in columns}
        values = {n: v for n, v in values.items() if v != getattr(row, n)}
        if values:
            conn.execute(update(table).where(table.c.id == row.id).values(**values))
            changed.append(row.id)
    return changed


def _scrub_audit(conn: Connection, person: Person, scrub: Scrubber) -> list[int]:
    """Audit lines keep who did what when; the person's values in their details are replaced."""
    a = AuditLog.__table__
    ids = [c.id for c in person.contacts]
    clauses = [json_like(a.c.details, scrub.needles)] if scrub.needles else []
    if ids:
        clauses.append((a.c.entity == "contact") & a.c.entity_id.in_(ids))
    if not clauses:
        return []
    changed = []
    for row in conn.execute(
        select(a.c.id, a.c.entity, a.c.entity_id, a.c.details).where(or_(*clauses))
    ).all():
        own = row.entity == "contact" and row.entity_id in ids
        details = scrub.deep(row.details or {}, own)
        if details != row.details:
            conn.execute(update(a).where(a.c.id == row.id).values(details=details))
            changed.append(row.id)
    return changed


def erase_person(
    engine: Engine,
    who: Viewer | None,
    *,
    contact_id: int | None = None,
    email: str | None = None,
    now: datetime | None = None,
) -> ErasureReport:
    """Anonymise a person (a contact id or an email) everywhere in the store, in one transaction.

    Idempotent: a second call finds nothing left to change. Audited as ``privacy.erase`` (with
    the counts, never the erased values).

    Raises:
        AccessDenied: the viewer is not an admin.
        ValueError: neither or both of contact_id and email.
        LookupError: no such contact.
    """
    require_admin(who)
    report = ErasureReport()
    with engine.begin() as conn:
        person = find_person(conn, contact_id, email)
        report.contacts = [c.id for c in person.contacts]
        c = Customer.__table__
        customers = person.customer_ids
        names = [
            n
            for row in conn.execute(
                select(c.c.name, c.c.sort_name).where(c.c.id.in_(customers))
            ).all()
            for n in row
        ]
        label = ERASED["fr"]
        scrub = Scrubber(person, names, label)
        _erase_messages(conn, person, label, report)
        _erase_inbound(conn, person, report)
        for table, columns in TEXT_COLUMNS:
            report.add(table.name, _scrub_table(conn, table, columns, scrub, customers))
        report.add("audit_log", _scrub_audit(conn, person, scrub))
        _erase_contacts(conn, person, report)
        audit(
            conn,
            who,
            "privacy.erase",
            "contact",
            contact_id,
            contacts=report.contacts,
            by_email=bool(email),
            changed=report.changed,
            cancelled_messages=report.cancelled_messages,
            at=now,
        )
        if report.changed:
            bump_data_version(conn)
    return report
