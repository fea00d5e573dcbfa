"""Alerts: what a user must look at (an email in error or bounced, an action overdue, no contact
details, a customer not to be dunned, a promise broken, the mail server unreachable).

Every alert has a key naming what it is about (``no_contact:c12``, ``email_failed:m40``). There is
at most one open alert per key, so raising the same alert again changes nothing: `raise_alerts`
can scan as often as wanted, and the dispatcher and the runs raise theirs without checking first.
An alert is resolved by a user, or by the scan when its cause is gone.

One alert per cause and customer: "nobody to write to" is one cause whether the scan finds a
customer without any address (``no_contact``) or a run finds an email step nobody can receive
(``no_recipient``): a run raises none while the customer has either open, and the scan's
``no_contact`` replaces a run's ``no_recipient`` of the same customer. A customer's bounced
emails make one open alert, not one per message. Each alert says how to fix its cause
(`FIXES`: add a contact, correct an email, lift the stop), which the page links to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import WORK, AccessDenied, Viewer, audit, require, scope_clause
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.store import (
    Action,
    Alert,
    Company,
    Contact,
    ContactService,
    Customer,
    Entry,
    Message,
    Promise,
)
from src_dash.store.rows import from_row

# Kinds of alerts (codes; the UI translates them).
EMAIL_FAILED = "email_failed"  # refused for good, or too many attempts
EMAIL_BOUNCED = "email_bounced"  # every recipient refused (or some: the text says which)
EMAIL_UNCERTAIN = "email_uncertain"  # a dispatcher died while the server took the message
SMTP_UNREACHABLE = "smtp_unreachable"  # the mail server could not be reached (one open at most)
ACTION_OVERDUE = "action_overdue"  # an action still to do past its day
NO_CONTACT = "no_contact"  # a customer with a balance due and nobody to write to
DO_NOT_DUN = "do_not_dun"  # a customer marked "not to be dunned" with items overdue
PROMISE_BROKEN = "promise_broken"
NO_RECIPIENT = "no_recipient"  # a run met an email step with nobody to write to
# The app's outstanding of a company differs from the balance of its source (services.reconcile).
RECONCILIATION_GAP = "reconciliation_gap"
ALERT_KINDS = (
    EMAIL_FAILED,
    EMAIL_BOUNCED,
    EMAIL_UNCERTAIN,
    SMTP_UNREACHABLE,
    ACTION_OVERDUE,
    NO_CONTACT,
    DO_NOT_DUN,
    PROMISE_BROKEN,
    NO_RECIPIENT,
    RECONCILIATION_GAP,
)
# The kinds the scan decides (raised while their cause lasts, resolved when it is gone).
SCANNED_KINDS = (ACTION_OVERDUE, NO_CONTACT, DO_NOT_DUN, PROMISE_BROKEN)
# Kinds of one same cause for a customer: at most one of them open per customer.
NOBODY_TO_WRITE = (NO_CONTACT, NO_RECIPIENT)
# What fixes the cause of each kind (the UI links it to the customer card): add a contact,
# correct an email address, lift the stop ("do not dun").
ADD_CONTACT, CORRECT_EMAIL, LIFT_STOP = "add_contact", "correct_email", "lift_stop"
FIXES = {
    NO_CONTACT: ADD_CONTACT,
    NO_RECIPIENT: ADD_CONTACT,
    EMAIL_BOUNCED: CORRECT_EMAIL,
    EMAIL_FAILED: CORRECT_EMAIL,
    DO_NOT_DUN: LIFT_STOP,
}


@dataclass(frozen=True)
class AlertFacts:
    """What an alert's English text says, read back from it so the UI can say it in the user's
    language (the alert table keeps only the text: no column for its parameters).

    Attributes:
        form: which sentence it is, e.g. "do_not_dun", "email_refused", "email_attempts".
        count: a number of items or attempts.
        on: a day (an action's, a promise's).
        amount: an amount in book currency (a promise's).
        code: a code the UI translates (an action's kind).
        note: text kept as it came (a mail server's answer, a step's name).
    """

    form: str
    count: int | None = None
    on: date | None = None
    amount: Decimal | None = None
    code: str = ""
    note: str = ""


_DAY = r"(\d{4}-\d{2}-\d{2})"
# Per kind, the sentences `_wanted`, the runs and the dispatcher write, each with the name of
# its form and how its groups are read; the customer's "number name: " before them is left out
# (the page shows the customer). Anchored at the end, so a colon in a name does no harm.
_FORMS: dict[str, tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]] = {
    DO_NOT_DUN: (
        ("do_not_dun", re.compile(r": not to be dunned, (\d+) item\(s\) overdue\Z"), ("count",)),
    ),
    NO_CONTACT: (
        (
            "no_contact",
            re.compile(r": no email address to dun (\d+) overdue item\(s\)\Z"),
            ("count",),
        ),
    ),
    ACTION_OVERDUE: (
        (
            "action_overdue",
            re.compile(rf": (\w+) action due on {_DAY} not done\Z"),
            ("code", "on"),
        ),
    ),
    PROMISE_BROKEN: (
        (
            "promise_broken",
            re.compile(rf": promise of (-?\d+(?:\.\d+)?) for {_DAY} not kept\Z"),
            ("amount", "on"),
        ),
    ),
    EMAIL_FAILED: (
        ("email_refused", re.compile(r"\Aemail refused: (.*)\Z", re.S), ("note",)),
        (
            "email_attempts",
            re.compile(r"\Aemail not sent after (\d+) attempts: (.*)\Z", re.S),
            ("count", "note"),
        ),
    ),
    EMAIL_BOUNCED: (
        ("email_bounced", re.compile(r"\Aemail bounced: (.*)\Z", re.S), ("note",)),
        ("some_refused", re.compile(r"\Asome recipients refused: (.*)\Z", re.S), ("note",)),
    ),
    EMAIL_UNCERTAIN: (
        (
            "email_uncertain",
            re.compile(
                r"\Athe mail server may or may not have this email \((.*)\); check its log, "
                r"and send it again by hand if it is missing\Z",
                re.S,
            ),
            ("note",),
        ),
    ),
    SMTP_UNREACHABLE: (
        (
            "smtp_unreachable",
            re.compile(r"\Athe mail server cannot be reached: (.*)\Z", re.S),
            ("note",),
        ),
    ),
    RECONCILIATION_GAP: (
        (
            "reconciliation_gap",
            re.compile(
                r"\Acompany (\S+): the outstanding differs from the books by (-?\d+(?:\.\d+)?) "
                r"on (\d+) customer\(s\)\Z"
            ),
            ("note", "amount", "count"),
        ),
    ),
    NO_RECIPIENT: (
        (
            "no_recipient",
            re.compile(r": an email step is due but nobody can receive it(?: \((.*)\))?\Z", re.S),
            ("note",),
        ),
    ),
}


_NO_CONTACT = re.compile(r" \(\w+\): no contact to write to\Z")


def alert_facts(kind: str, text: str) -> AlertFacts | None:
    """What an alert's text says (see `AlertFacts`), or None for a text of another shape (an
    old or a cut one): the UI then shows the text as it is."""
    for form, pattern, names in _FORMS.get(kind, ()):
        found = pattern.search(text)
        if found is None:
            continue
        values: dict[str, object] = {}
        try:
            for name, value in zip(names, found.groups(), strict=True):
                if value is None:
                    continue
                if name == "count":
                    values[name] = int(value)
                elif name == "on":
                    values[name] = date.fromisoformat(value)
                elif name == "amount":
                    values[name] = Decimal(value)
                else:
                    values[name] = value
        except (ValueError, InvalidOperation):
            return None
        if form == "no_recipient" and values.get("note"):
            # The planner's detail: "<step> (email): no contact to write to" -> the step.
            values["note"] = _NO_CONTACT.sub("", str(values["note"]))
        return AlertFacts(form, **values)  # type: ignore[arg-type]
    return None


@dataclass(frozen=True)
class AlertRow:
    """An alert as the UI lists it."""

    id: int
    kind: str
    key: str
    text: str
    customer_id: int | None
    customer_number: str
    customer_name: str
    message_id: int | None
    action_id: int | None
    created_at: datetime
    resolved_at: datetime | None
    # What the text says, for the UI's words (None: show the text as it is).
    facts: AlertFacts | None = None
    currency: str = "EUR"  # the book currency of the customer's company (of `facts.amount`)
    fix: str = ""  # what fixes its cause (`FIXES`), "" when nothing in the app does


@dataclass(frozen=True)
class ScanResult:
    """What a scan raised and resolved, per kind."""

    raised: dict[str, int]
    resolved: dict[str, int]
    open: int


def raise_alert(
    conn: Connection,
    kind: str,
    key: str,
    text: str,
    *,
    customer_id: int | None = None,
    message_id: int | None = None,
    action_id: int | None = None,
) -> int | None:
    """Open an alert unless one with the same key is open; in the caller's transaction.

    Returns:
        The new alert's id, or None when an open alert already had this key, or the same cause
        for the same customer (nobody to write to; a bounced email).
    """
    a = Alert.__table__
    found = conn.execute(
        select(a.c.id).where(a.c.key == key, a.c.resolved_at.is_(None)).limit(1)
    ).scalar()
    if found is not None:
        return None
    same_cause = NOBODY_TO_WRITE if kind in NOBODY_TO_WRITE else (EMAIL_BOUNCED,)
    if customer_id is not None and kind in (*NOBODY_TO_WRITE, EMAIL_BOUNCED):
        found = conn.execute(
            select(a.c.id)
            .where(
                a.c.customer_id == customer_id,
                a.c.kind.in_(same_cause),
                a.c.resolved_at.is_(None),
            )
            .limit(1)
        ).scalar()
        if found is not None:
            return None
    return conn.execute(
        insert(a)
        .values(
            kind=kind,
            key=key,
            text=text[:1000],
            customer_id=customer_id,
            message_id=message_id,
            action_id=action_id,
            created_at=utcnow(),
        )
        .returning(a.c.id)
    ).scalar_one()


def resolve_key(conn: Connection, key: str, user_id: int | None = None) -> int:
    """Resolve the open alert with this key, if any; return how many were resolved."""
    a = Alert.__table__
    return conn.execute(
        update(a)
        .where(a.c.key == key, a.c.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by=user_id)
    ).rowcount


def resolve_alert(engine: Engine, viewer: Viewer, alert_id: int) -> None:
    """Mark an alert as looked at (resolved) by a user who may work its customer.

    Raises:
        AccessDenied: when the viewer may not work, or the alert is out of their scope.
        LookupError: when the alert is unknown or already resolved.
    """
    require(viewer, WORK)
    a, c = Alert.__table__, Customer.__table__
    with engine.begin() as conn:
        row = conn.execute(select(a).where(a.c.id == alert_id)).first()
        if row is None or row.resolved_at is not None:
            raise LookupError(f"no open alert {alert_id}")
        if row.customer_id is not None:
            visible = conn.execute(
                select(c.c.id).where(c.c.id == row.customer_id, scope_clause(viewer.scope))
            ).first()
            if visible is None:
                raise AccessDenied("alert not found")
        conn.execute(
            update(a)
            .where(a.c.id == alert_id)
            .values(resolved_at=utcnow(), resolved_by=viewer.user_id)
        )
        audit(conn, viewer, "alert.resolve", "alert", alert_id, kind=row.kind)


def list_alerts(
    engine: Engine,
    viewer: Viewer,
    *,
    open_only: bool = True,
    kinds: tuple[str, ...] | None = None,
    limit: int = 200,
) -> list[AlertRow]:
    """The alerts the viewer may see (their customers', and those on no customer), newest first."""
    a, c, k = Alert.__table__, Customer.__table__, Company.__table__
    query = (
        select(a, c.c.number, c.c.name, k.c.currency.label("book_currency"))
        .select_from(
            a.outerjoin(c, c.c.id == a.c.customer_id).outerjoin(k, k.c.id == c.c.company_id)
        )
        .where(or_(a.c.customer_id.is_(None), scope_clause(viewer.scope)))
        .order_by(a.c.created_at.desc(), a.c.id.desc())
        .limit(limit)
    )
    if open_only:
        query = query.where(a.c.resolved_at.is_(None))
    if kinds:
        query = query.where(a.c.kind.in_(kinds))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        from_row(
            AlertRow,
            r,
            customer_number=r.number or "",
            customer_name=r.name or "",
            facts=alert_facts(r.kind, r.text or ""),
            currency=r.book_currency or "EUR",
            fix=FIXES.get(r.kind, "") if r.customer_id is not None else "",
        )
        for r in rows
    ]


def _overdue_customers(conn: Connection, as_of: date) -> dict[int, tuple[str, str, int]]:
    """Customers with a positive item past due: id -> (number, name, count of such items)."""
    e, c = Entry.__table__, Customer.__table__
    rows = conn.execute(
        select(c.c.id, c.c.number, c.c.name, func.count(e.c.id))
        .select_from(e.join(c, c.c.id == e.c.customer_id))
        .where(
            e.c.residual > 0,
            e.c.due_date.is_not(None),
            e.c.due_date < as_of,
            c.c.removed_from_source.is_(False),
        )
        .group_by(c.c.id, c.c.number, c.c.name)
    ).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _wanted(conn: Connection, as_of: date) -> dict[str, tuple[str, str, dict[str, int | None]]]:
    """Every alert the scan wants open: key -> (kind, text, links)."""
    wanted: dict[str, tuple[str, str, dict[str, int | None]]] = {}
    overdue = _overdue_customers(conn, as_of)
    c, ct, cs = Customer.__table__, Contact.__table__, ContactService.__table__

    # Not to be dunned (Sage's CT_NotRappel) while items are overdue.
    for cid, number, name in conn.execute(
        select(c.c.id, c.c.number, c.c.name).where(c.c.do_not_dun.is_(True), c.c.dormant.is_(False))
    ):
        if cid in overdue:
            wanted[f"{DO_NOT_DUN}:c{cid}"] = (
                DO_NOT_DUN,
                f"{number} {name}: not to be dunned, {overdue[cid][2]} item(s) overdue",
                {"customer_id": cid},
            )

    # No email anywhere (customer, or a contact whose service is not "never") while overdue.
    has_contact = exists().where(
        ct.c.customer_id == c.c.id,
        ct.c.email != "",
        ct.c.dunning_role != "never",
        or_(
            ct.c.service_id.is_(None),
            ~exists().where(cs.c.id == ct.c.service_id, cs.c.dunning_role == "never"),
            ct.c.dunning_role.in_(("to", "cc")),
        ),
    )
    for cid, number, name in conn.execute(
        select(c.c.id, c.c.number, c.c.name).where(
            c.c.email == "", ~has_contact, c.c.do_not_dun.is_(False), c.c.dormant.is_(False)
        )
    ):
        if cid in overdue:
            wanted[f"{NO_CONTACT}:c{cid}"] = (
                NO_CONTACT,
                f"{number} {name}: no email address to dun {overdue[cid][2]} overdue item(s)",
                {"customer_id": cid},
            )

    # Actions still to do past their day.
    a = Action.__table__
    for aid, cid, kind, due_on, number, name in conn.execute(
        select(a.c.id, a.c.customer_id, a.c.kind, a.c.due_on, c.c.number, c.c.name)
        .select_from(a.join(c, c.c.id == a.c.customer_id))
        .where(a.c.status.in_(("proposed", "approved")), a.c.due_on < as_of)
    ):
        wanted[f"{ACTION_OVERDUE}:a{aid}"] = (
            ACTION_OVERDUE,
            f"{number} {name}: {kind} action due on {due_on.isoformat()} not done",
            {"customer_id": cid, "action_id": aid},
        )

    # Promises broken (decided by the sync), or pending past their date.
    p = Promise.__table__
    for pid, cid, amount, promised_on, _status, number, name in conn.execute(
        select(
            p.c.id, p.c.customer_id, p.c.amount, p.c.promised_on, p.c.status, c.c.number, c.c.name
        )
        .select_from(p.join(c, c.c.id == p.c.customer_id))
        .where(
            or_(
                p.c.status == "broken",
                and_(p.c.status == "pending", p.c.promised_on < as_of),
            )
        )
    ):
        wanted[f"{PROMISE_BROKEN}:p{pid}"] = (
            PROMISE_BROKEN,
            f"{number} {name}: promise of {amount} for {promised_on.isoformat()} not kept",
            {"customer_id": cid},
        )
    return wanted


def raise_alerts(engine: Engine, as_of: date | None = None) -> ScanResult:
    """Scan the store and open the alerts whose cause is there, resolve those whose cause is gone.

    Idempotent: a second scan on the same data raises and resolves nothing. Only the kinds in
    `SCANNED_KINDS` are decided here; the alerts of the dispatch and of runs stay until a user
    resolves them.

    Args:
        engine: the store.
        as_of: the day of the scan (default today).
    """
    as_of = as_of or clock_today()
    a = Alert.__table__
    raised: dict[str, int] = {}
    resolved: dict[str, int] = {}
    with engine.begin() as conn:
        wanted = _wanted(conn, as_of)
        open_rows = conn.execute(
            select(a.c.id, a.c.key, a.c.kind).where(
                a.c.resolved_at.is_(None), a.c.kind.in_(SCANNED_KINDS)
            )
        ).all()
        open_keys = {r.key for r in open_rows}
        gone = [r for r in open_rows if r.key not in wanted]
        # The scan's "no contact" stands for a run's "no recipient" of the same customer.
        nobody = sorted(
            links["customer_id"]
            for kind, _, links in wanted.values()
            if kind == NO_CONTACT and links.get("customer_id") is not None
        )
        for start in range(0, len(nobody), 1000):
            replaced = conn.execute(
                update(a)
                .where(
                    a.c.kind == NO_RECIPIENT,
                    a.c.resolved_at.is_(None),
                    a.c.customer_id.in_(nobody[start : start + 1000]),
                )
                .values(resolved_at=utcnow())
            ).rowcount
            if replaced:
                resolved[NO_RECIPIENT] = resolved.get(NO_RECIPIENT, 0) + replaced
        if gone:
            conn.execute(
                update(a).where(a.c.id.in_([r.id for r in gone])).values(resolved_at=utcnow())
            )
            for r in gone:
                resolved[r.kind] = resolved.get(r.kind, 0) + 1
        new = [
            {
                "kind": kind,
                "key": key,
                "text": text[:1000],
                "customer_id": links.get("customer_id"),
                "action_id": links.get("action_id"),
                "message_id": None,
                "created_at": utcnow(),
            }
            for key, (kind, text, links) in wanted.items()
            if key not in open_keys
        ]
        if new:
            conn.execute(insert(a), new)
            for row in new:
                raised[row["kind"]] = raised.get(row["kind"], 0) + 1
        count = conn.execute(select(func.count()).where(a.c.resolved_at.is_(None))).scalar_one()
    return ScanResult(raised=raised, resolved=resolved, open=count)


def message_alert(conn: Connection, kind: str, message_id: int, text: str) -> int | None:
    """Raise an alert about a message (failed, bounced, uncertain), linked to its customer."""
    m = Message.__table__
    row = conn.execute(select(m.c.customer_id, m.c.action_id).where(m.c.id == message_id)).first()
    return raise_alert(
        conn,
        kind,
        f"{kind}:m{message_id}",
        text,
        customer_id=row.customer_id if row else None,
        message_id=message_id,
        action_id=row.action_id if row else None,
    )


def alerts_job(settings=None) -> ScanResult:  # noqa: ANN001
    """The scheduler's job: scan the configured store for alerts."""
    from src_dash.config import load_settings
    from src_dash.store.engine import get_engine

    settings = settings or load_settings()
    return raise_alerts(get_engine(settings.database_url))
