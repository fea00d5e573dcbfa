"""Writing what the mails of the collection mailbox say: a reply tied to its dunning message and
customer, with its suggestions and its "réponse à traiter" action; a bounce marking its message.
See `src_dash.dunning.inbox` for the rules."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from src_dash.clock import utcnow
from src_dash.dunning.alerts import EMAIL_BOUNCED, message_alert
from src_dash.dunning.mail_parse import DeliveryReport, ParsedMail
from src_dash.dunning.reply_address import parse_reply_token
from src_dash.dunning.reply_rules import strip_quoted, suggest
from src_dash.store import (
    Action,
    ActionItem,
    CompanyMessaging,
    Contact,
    Customer,
    InboundMail,
    Message,
    MessageItem,
    PortfolioAssignment,
)
from src_dash.store.versions import bump_data_version

BODY_LIMIT = 20_000
REPLY_KIND = "reply"  # the action's kind: "réponse à traiter"


@dataclass
class _Lookups:
    """What a batch of mails needs from the store, read in a few queries."""

    messages: dict[int, object]  # message id -> row (id, customer_id, status, recipients...)
    by_smtp_id: dict[str, int]
    secrets: dict[int, str]  # company id -> reply secret
    customer_of_email: dict[str, int]
    known_ids: set[str]  # Message-IDs of mails stored already


def chunks(values: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _lookups(conn: Connection, mails: list[ParsedMail]) -> _Lookups:
    m, c = Message.__table__, Customer.__table__
    token_ids: set[int] = set()
    thread_ids: set[str] = set()
    emails: set[str] = set()
    for mail in mails:
        addresses = mail.addresses + (mail.report.original_tokens if mail.report else ())
        for address in addresses:
            found = parse_reply_token(address)
            if found is not None:
                token_ids.add(found)
        thread_ids.update(mail.thread_ids)
        if mail.report is not None and mail.report.original_id:
            thread_ids.add(mail.report.original_id)
        if mail.from_address:
            emails.add(mail.from_address)
    by_smtp_id: dict[str, int] = {}
    for chunk in chunks(sorted(thread_ids)):
        for mid, smtp_id in conn.execute(
            select(m.c.id, m.c.smtp_message_id).where(m.c.smtp_message_id.in_(chunk))
        ):
            by_smtp_id[smtp_id] = mid
    wanted = sorted(token_ids | set(by_smtp_id.values()))
    messages: dict[int, object] = {}
    for chunk in chunks(wanted):
        for row in conn.execute(
            select(
                m.c.id,
                m.c.customer_id,
                m.c.status,
                m.c.recipients_to,
                m.c.recipients_cc,
                m.c.action_id,
                c.c.company_id,
            )
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(m.c.id.in_(chunk))
        ):
            messages[row.id] = row
    cm = CompanyMessaging.__table__
    secrets = {r.company_id: r.reply_secret for r in conn.execute(select(cm)) if r.reply_secret}
    return _Lookups(
        messages=messages,
        by_smtp_id=by_smtp_id,
        secrets=secrets,
        customer_of_email=_customers_of(conn, sorted(emails)),
        known_ids=_known(conn, [x.header_id for x in mails if x.header_id]),
    )


def _customers_of(conn: Connection, emails: list[str]) -> dict[str, int]:
    """Senders' addresses -> a customer: the customer's own address first, else a contact's;
    among several customers, the one dunned last (the highest message id), else the first."""
    c, ct, m = Customer.__table__, Contact.__table__, Message.__table__
    found: dict[str, list[int]] = {}
    for chunk in chunks(emails):
        for email, cid in conn.execute(
            select(func.lower(c.c.email), c.c.id).where(func.lower(c.c.email).in_(chunk))
        ):
            found.setdefault(email, []).append(cid)
        for email, cid in conn.execute(
            select(func.lower(ct.c.email), ct.c.customer_id).where(
                func.lower(ct.c.email).in_(chunk)
            )
        ):
            if email not in found or cid not in found[email]:
                found.setdefault(email, []).append(cid)
    several = sorted({cid for ids in found.values() if len(ids) > 1 for cid in ids})
    last: dict[int, int] = {}
    for chunk in chunks(several):
        last.update(
            conn.execute(
                select(m.c.customer_id, func.max(m.c.id))
                .where(m.c.customer_id.in_(chunk))
                .group_by(m.c.customer_id)
            ).all()
        )
    return {
        email: max(ids, key=lambda i: (last.get(i, 0), -i)) if len(ids) > 1 else ids[0]
        for email, ids in found.items()
    }


def _known(conn: Connection, header_ids: list[str]) -> set[str]:
    im = InboundMail.__table__
    out: set[str] = set()
    for chunk in chunks(sorted(set(header_ids))):
        out.update(conn.execute(select(im.c.header_id).where(im.c.header_id.in_(chunk))).scalars())
    return out


def _by_token(addresses: Iterable[str], look: _Lookups) -> int | None:
    """The message a signed plus-address names (its company's secret checks the signature)."""
    for address in addresses:
        mid = parse_reply_token(address)
        row = look.messages.get(mid) if mid is not None else None
        if row is None:
            continue
        secret = look.secrets.get(row.company_id)
        if secret and parse_reply_token(address, secret) == mid:
            return mid
    return None


def _match(mail: ParsedMail, look: _Lookups) -> tuple[int | None, int | None, str]:
    """(message id, customer id, how) of a reply; how is token, thread, sender or ""."""
    mid = _by_token(mail.addresses, look)
    if mid is not None:
        return mid, look.messages[mid].customer_id, "token"
    for ref in mail.thread_ids:
        mid = look.by_smtp_id.get(ref)
        if mid is not None and mid in look.messages:
            return mid, look.messages[mid].customer_id, "thread"
    cid = look.customer_of_email.get(mail.from_address)
    if cid is not None:
        return None, cid, "sender"
    return None, None, ""


# ---------------------------------------------------------------------------------------------
# Writing what a batch of mails says


def _emails(recipients: list) -> set[str]:
    out = set()
    for r in recipients or []:
        email = r.get("email") if isinstance(r, dict) else r
        if email:
            out.add(str(email).lower())
    return out


def _bounce(conn: Connection, row, failed: tuple[tuple[str, str], ...]) -> bool:  # noqa: ANN001
    """Mark a dunning message bounced (every To recipient failed) or name the refused ones;
    raise the bounce alert either way. True when the message was marked bounced now."""
    text = "; ".join(f"{who}: {note}".strip(": ") for who, note in failed)
    refused = {who for who, _ in failed}
    to = _emails(row.recipients_to)
    if to and not to <= refused:
        message_alert(conn, EMAIL_BOUNCED, row.id, f"some recipients refused: {text}")
        return False
    m = Message.__table__
    changed = conn.execute(
        update(m)
        .where(m.c.id == row.id, m.c.status.in_(("sent", "uncertain", "handover")))
        .values(status="bounced", server_answer=text[:1000])
    ).rowcount
    message_alert(conn, EMAIL_BOUNCED, row.id, f"email bounced: {text}")
    return bool(changed)


@dataclass
class _Customers:
    """Per customer of a batch: its company and who works it."""

    company: dict[int, int]
    collector: dict[int, int | None]
    last_email: dict[int, int]  # customer -> its last email message sent (a reply by sender)
    items: dict[int, list[int]]  # message -> its items' entries


def _customers(conn: Connection, customer_ids: set[int], message_ids: set[int]) -> _Customers:
    c, pa, m, mi = (
        Customer.__table__,
        PortfolioAssignment.__table__,
        Message.__table__,
        MessageItem.__table__,
    )
    a = Action.__table__
    ids = sorted(customer_ids)
    company: dict[int, int] = {}
    collector: dict[int, int | None] = {}
    last_email: dict[int, int] = {}
    for chunk in chunks(ids):
        for cid, company_id, collector_id in conn.execute(
            select(c.c.id, c.c.company_id, c.c.collector_id).where(c.c.id.in_(chunk))
        ):
            company[cid] = company_id
            collector[cid] = collector_id
        for cid, user_id in conn.execute(
            select(pa.c.customer_id, func.min(pa.c.user_id))
            .where(pa.c.customer_id.in_(chunk))
            .group_by(pa.c.customer_id)
        ):
            if collector.get(cid) is None:
                collector[cid] = user_id
        for cid, mid in conn.execute(
            select(m.c.customer_id, func.max(m.c.id))
            .where(m.c.customer_id.in_(chunk), m.c.channel == "email", m.c.sent_at.is_not(None))
            .group_by(m.c.customer_id)
        ):
            last_email[cid] = mid
    wanted = sorted(message_ids | set(last_email.values()))
    items: dict[int, list[int]] = {}
    for chunk in chunks(wanted):
        for mid, entry_id in conn.execute(
            select(mi.c.message_id, mi.c.entry_id)
            .where(mi.c.message_id.in_(chunk), mi.c.entry_id.is_not(None))
            .order_by(mi.c.id)
        ):
            items.setdefault(mid, []).append(entry_id)
        # Unassigned customers: the collector of the action that sent the message.
        for cid, user_id in conn.execute(
            select(m.c.customer_id, a.c.assigned_to)
            .select_from(m.join(a, a.c.id == m.c.action_id))
            .where(m.c.id.in_(chunk), a.c.assigned_to.is_not(None))
        ):
            if collector.get(cid) is None:
                collector[cid] = user_id
    return _Customers(company, collector, last_email, items)


def _reply_action(
    who: _Customers, customer_id: int, mail: ParsedMail, today: date, key: str
) -> dict:
    """The "réponse à traiter" action of a reply (a row to insert; `key` finds it back)."""
    sender = mail.from_name or mail.from_address
    return {
        "company_id": who.company[customer_id],
        "customer_id": customer_id,
        "kind": REPLY_KIND,
        "due_on": today,
        "assigned_to": who.collector.get(customer_id),
        "status": "approved",
        "origin": "mailbox",
        "note": f"{sender}: {mail.subject}".strip(": ")[:1000],
        "created_at": utcnow(),
        "key": key,
    }


def _write_actions(
    conn: Connection, rows: list[dict], actions: dict[int, dict], who: _Customers
) -> None:
    """Insert the reply actions (in one statement) with the items of the message each answers,
    and link each inbound row (by position in `rows`) to its action."""
    if not actions:
        return
    a = Action.__table__
    conn.execute(insert(a), list(actions.values()))
    keys = [x["key"] for x in actions.values()]
    ids = dict(conn.execute(select(a.c.key, a.c.id).where(a.c.key.in_(keys))).all())
    items = []
    for position, action in actions.items():
        row = rows[position]
        row["action_id"] = ids[action["key"]]
        for entry_id in who.items.get(row["message_id"], []) if row["message_id"] else []:
            items.append({"action_id": row["action_id"], "entry_id": entry_id})
    if items:
        conn.execute(insert(ActionItem.__table__), items)


def store_batch(
    conn: Connection,
    key: str,
    validity: int,
    batch: list[tuple[int, ParsedMail]],
    today: date,
) -> dict[str, int]:
    """Write a batch of parsed mails (in the caller's transaction); return what was done."""
    counts = dict.fromkeys(
        ("replies", "suggestions", "bounces", "auto_replies", "unmatched", "skipped"), 0
    )
    mails = [mail for _, mail in batch]
    look = _lookups(conn, mails)
    matched = {uid: _match(mail, look) for uid, mail in batch if mail.report is None}
    customer_ids = {cid for _, cid, _ in matched.values() if cid is not None}
    message_ids = {mid for mid, _, _ in matched.values() if mid is not None}
    who = _customers(conn, customer_ids, message_ids)
    mailbox_tag = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
    rows: list[dict] = []
    actions: dict[int, dict] = {}
    for uid, mail in batch:
        if mail.header_id and mail.header_id in look.known_ids:
            counts["skipped"] += 1
            continue
        if mail.header_id:
            look.known_ids.add(mail.header_id)
        row = {
            "mailbox": key,
            "uid_validity": validity,
            "uid": uid,
            "header_id": mail.header_id,
            "from_address": mail.from_address,
            "from_name": mail.from_name,
            "subject": mail.subject,
            "sent_at": mail.sent_at,
            "received_at": utcnow(),
            "body_text": "",
            "suggestions": [],
            "status": "none",
            "outcome": "",
            "matched_by": "",
            "message_id": None,
            "customer_id": None,
            "action_id": None,
        }
        if mail.report is not None:
            row.update(_report_row(conn, mail.report, mail, look, counts))
        else:
            message_id, customer_id, how = matched[uid]
            if how == "sender":
                message_id = who.last_email.get(customer_id)
            body = strip_quoted(mail.text)[:BODY_LIMIT]
            row.update(
                message_id=message_id, customer_id=customer_id, matched_by=how, body_text=body
            )
            if customer_id is None:
                row.update(kind="unmatched", status="new")
                counts["unmatched"] += 1
            elif mail.auto:
                row.update(kind="auto_reply")
                counts["auto_replies"] += 1
            else:
                found = [s.as_dict() for s in suggest(mail.text, today)]
                actions[len(rows)] = _reply_action(
                    who, customer_id, mail, today, f"reply/{mailbox_tag}/{validity}/{uid}"
                )
                row.update(kind="reply", status="new", suggestions=found)
                counts["replies"] += 1
                counts["suggestions"] += len(found)
        rows.append(row)
    _write_actions(conn, rows, actions, who)
    if rows:
        conn.execute(insert(InboundMail.__table__), rows)
    if counts["replies"] or counts["bounces"]:
        bump_data_version(conn, parties=False)
    return counts


def _report_row(
    conn: Connection,
    report: DeliveryReport,
    mail: ParsedMail,
    look: _Lookups,
    counts: dict[str, int],
) -> dict:
    """The columns of a delivery report's row; marks its message bounced when it failed."""
    if not report.failed:
        counts["skipped"] += 1
        return {"kind": "dsn"}
    mid = look.by_smtp_id.get(report.original_id) if report.original_id else None
    how = "thread" if mid is not None else ""
    if mid is None:
        mid = _by_token(report.original_tokens + mail.addresses, look)
        how = "token" if mid is not None else ""
    row = look.messages.get(mid) if mid is not None else None
    if row is None:
        counts["unmatched"] += 1
        return {"kind": "bounce"}
    if _bounce(conn, row, report.failed):
        counts["bounces"] += 1
    text = "; ".join(f"{who}: {note}" for who, note in report.failed)
    return {
        "kind": "bounce",
        "message_id": row.id,
        "customer_id": row.customer_id,
        "matched_by": how,
        "body_text": text[:BODY_LIMIT],
    }
