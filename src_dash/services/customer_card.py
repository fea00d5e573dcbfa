"""The customer card (fiche client): everything about one customer, for a viewer allowed to see it.

Identity and contacts come from the store; balances, aging, score and open items from the
cached ledger; the timeline from `analytics.timeline`; comments, promises, disputes, messages
and flags from their tables. A customer outside the viewer's portfolio is refused with the same
message as one that does not exist, so nothing leaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.aging import DEFAULT_BOUNDS, bucket_labels
from src_dash.analytics.balances import money
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.scoring import CustomerScore, score_frame, score_of
from src_dash.analytics.timeline import TimelineEvent, timeline
from src_dash.clock import today as clock_today
from src_dash.config import load_settings
from src_dash.services.access import AccessDenied, Viewer, check_customers, require
from src_dash.services.customers import READ
from src_dash.store import (
    Comment,
    Company,
    Contact,
    ContactService,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    Flag,
    ItemState,
    Message,
    Promise,
    PromiseItem,
    SalesRep,
    Scenario,
    User,
)

# The card keeps the newest events and the oldest open items when a customer has very many.
TIMELINE_LIMIT = 300
OPEN_ITEMS_LIMIT = 500
ROLES = ("to", "cc", "never")


@dataclass(frozen=True)
class ContactRow:
    """A contact and how dunning treats it.

    Attributes:
        role: the effective role: the contact's own, else its service's (to, cc, never; ""
            when neither says).
        own_role: the role set on the contact itself ("" = its service's).
        origin: sage (read from Sage, rewritten by the sync) or app (typed in the app).
    """

    contact_id: int
    name: str
    function: str
    email: str
    phone: str
    mobile: str
    role: str
    own_role: str
    origin: str


@dataclass(frozen=True)
class ServiceContacts:
    """The contacts of one service (department); service_id None: contacts without one."""

    service_id: int | None
    service: str
    service_role: str
    contacts: tuple[ContactRow, ...]


@dataclass(frozen=True)
class ServiceChoice:
    """A contact service of the customer's company, for the form that adds a contact."""

    service_id: int
    name: str
    role: str


@dataclass(frozen=True)
class ScenarioRef:
    """The scenario that applies to the customer.

    Attributes:
        by_hand: True when chosen by hand on the customer; False when it follows the profile.
    """

    scenario_id: int
    name: str
    profile: str
    by_hand: bool


@dataclass(frozen=True)
class Identity:
    """Who the customer is, as Sage and the app know it."""

    customer_id: int
    company_id: int
    company: str
    company_name: str
    currency: str
    number: str
    name: str
    siret: str
    vat_number: str
    address: tuple[str, ...]
    phone: str
    email: str
    language: str
    sales_rep: str
    sales_rep_email: str
    collector: str
    credit_limit: Decimal
    risk_code: int | None
    do_not_dun: bool
    dormant: bool
    removed_from_source: bool
    created_on: date | None
    free_fields: tuple[tuple[str, str], ...]
    profile: str
    profile_set_by_hand: bool
    stop_reason: str
    stop_until: date | None
    stopped: bool
    scenario: ScenarioRef | None


@dataclass(frozen=True)
class Balance:
    """What the customer owes as of the card's date (see analytics.balances).

    `doubtful` is the part of `outstanding` on doubtful receivables (416, clients douteux):
    counted in it, shown apart.
    """

    outstanding: Decimal
    overdue: Decimal
    not_due: Decimal
    credits: Decimal
    open_items: int
    oldest_days: int
    aging: tuple[tuple[str, Decimal], ...]
    doubtful: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class OpenItem:
    """An open item of the customer.

    Attributes:
        level: its dunning level (0 = never dunned).
        stop_reason: why dunning of this item is stopped ("" = not stopped).
        promised: under a pending promise.
        disputed: under an open dispute.
        doubtful: a doubtful receivable (416): not dunned by default.
    """

    entry_id: int
    kind: str
    journal: str
    piece: str
    reference: str
    label: str
    posting_date: date
    due_date: date | None
    amount: Decimal
    residual: Decimal
    days_overdue: int
    level: int
    stop_reason: str
    promised: bool
    disputed: bool
    doubtful: bool = False


@dataclass(frozen=True)
class CommentRow:
    """A comment, with its author and the piece it is about (if any)."""

    comment_id: int
    author: str
    body: str
    created_at: datetime
    piece: str


@dataclass(frozen=True)
class PromiseRow:
    """A promise to pay and the pieces it covers."""

    promise_id: int
    amount: Decimal
    promised_on: date
    status: str
    note: str
    author: str
    created_at: datetime
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class DisputeRow:
    """A dispute, its reason and the pieces it covers."""

    dispute_id: int
    reason: str
    status: str
    note: str
    author: str
    opened_at: datetime
    closed_at: datetime | None
    amount: Decimal
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class MessageRow:
    """A message sent (or queued) to the customer."""

    message_id: int
    channel: str
    subject: str
    status: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    created_at: datetime
    sent_at: datetime | None
    has_pdf: bool
    posted_on: date | None = None  # a letter: the day it was posted


@dataclass(frozen=True)
class MessageDetail:
    """A message as it was sent: what the customer read."""

    message_id: int
    customer_id: int
    channel: str
    subject: str
    body_html: str
    body_text: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    status: str
    sent_at: datetime | None
    has_pdf: bool


@dataclass(frozen=True)
class FlagRow:
    """A flag raised on the customer and not cleared."""

    flag_id: int
    kind: str
    label: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class CustomerCard:
    """Everything the card shows.

    Attributes:
        timeline: newest first, at most TIMELINE_LIMIT events (`timeline_total` says how many).
        open_items: oldest due first, at most OPEN_ITEMS_LIMIT (`balance.open_items` counts
            them all).
        can_work: the viewer may stop dunning, set the profile and scenario, add contacts.
        can_note: the viewer may comment and flag.
    """

    as_of: date
    identity: Identity
    contacts: tuple[ServiceContacts, ...]
    services: tuple[ServiceChoice, ...]
    balance: Balance
    score: CustomerScore | None
    open_items: tuple[OpenItem, ...]
    timeline: tuple[TimelineEvent, ...]
    timeline_total: int
    comments: tuple[CommentRow, ...]
    promises: tuple[PromiseRow, ...]
    disputes: tuple[DisputeRow, ...]
    messages: tuple[MessageRow, ...]
    flags: tuple[FlagRow, ...]
    scenarios: tuple[ScenarioRef, ...]
    can_work: bool
    can_note: bool


@dataclass(frozen=True)
class PdfFile:
    """The PDF of a message (a letter, or an email's attachment)."""

    filename: str
    data: bytes


def _person(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def _user_names(conn: Connection) -> dict[int, str]:
    u = User.__table__
    return {r.id: r.name or r.login for r in conn.execute(select(u.c.id, u.c.name, u.c.login))}


def has_scenario_column() -> bool:
    """Whether customers carry a scenario chosen by hand (`customer.scenario_id`)."""
    return "scenario_id" in Customer.__table__.c


def _scenario(conn: Connection, customer, by_profile: dict[str, tuple]) -> ScenarioRef | None:  # noqa: ANN001
    chosen = getattr(customer, "scenario_id", None) if has_scenario_column() else None
    if chosen is not None:
        s = Scenario.__table__
        row = conn.execute(select(s.c.id, s.c.name, s.c.profile).where(s.c.id == chosen)).first()
        if row is not None:
            return ScenarioRef(row.id, row.name, row.profile, True)
    found = by_profile.get(customer.profile or "")
    if found is None:
        return None
    return ScenarioRef(found[0], found[1], found[2], False)


def _identity(
    conn: Connection, customer_id: int, as_of: date, users: dict[int, str]
) -> tuple[Identity, tuple[ScenarioRef, ...]]:
    c, co = Customer.__table__, Company.__table__
    customer = conn.execute(select(c).where(c.c.id == customer_id)).one()
    company = conn.execute(select(co).where(co.c.id == customer.company_id)).one()
    rep = None
    if customer.sales_rep_id is not None:
        r = SalesRep.__table__
        rep = conn.execute(select(r).where(r.c.id == customer.sales_rep_id)).first()
    s = Scenario.__table__
    scenarios = tuple(
        ScenarioRef(row.id, row.name, row.profile, False)
        for row in conn.execute(
            select(s.c.id, s.c.name, s.c.profile).where(s.c.active).order_by(s.c.name)
        )
    )
    by_profile: dict[str, tuple] = {}
    for ref in scenarios:
        by_profile.setdefault(ref.profile, (ref.scenario_id, ref.name, ref.profile))
    stopped = bool(customer.stop_reason) and (
        customer.stop_until is None or customer.stop_until >= as_of
    )
    address = tuple(
        line
        for line in (
            customer.address,
            customer.address2,
            f"{customer.postal_code} {customer.city}".strip(),
            customer.country,
        )
        if line
    )
    free = customer.free_fields or {}
    identity = Identity(
        customer_id=customer.id,
        company_id=customer.company_id,
        company=company.code,
        company_name=company.name,
        currency=company.currency or "EUR",
        number=customer.number,
        name=customer.name,
        siret=customer.siret,
        vat_number=customer.vat_number,
        address=address,
        phone=customer.phone,
        email=customer.email,
        language=customer.language,
        sales_rep=_person(rep.first_name, rep.last_name) if rep else "",
        sales_rep_email=rep.email if rep else "",
        collector=users.get(customer.collector_id, "") if customer.collector_id else "",
        credit_limit=customer.credit_limit,
        risk_code=customer.risk_code,
        do_not_dun=customer.do_not_dun,
        dormant=customer.dormant,
        removed_from_source=customer.removed_from_source,
        created_on=customer.created_on,
        free_fields=tuple((str(k), str(v)) for k, v in free.items() if str(v).strip()),
        profile=customer.profile,
        profile_set_by_hand=customer.profile_set_by_hand,
        stop_reason=customer.stop_reason,
        stop_until=customer.stop_until,
        stopped=stopped or customer.do_not_dun,
        scenario=_scenario(conn, customer, by_profile),
    )
    return identity, scenarios


def _contacts(
    conn: Connection, customer_id: int, company_id: int
) -> tuple[tuple[ServiceContacts, ...], tuple[ServiceChoice, ...]]:
    s, ct = ContactService.__table__, Contact.__table__
    services = {
        row.id: row
        for row in conn.execute(select(s).where(s.c.company_id == company_id).order_by(s.c.code))
    }
    groups: dict[int | None, list[ContactRow]] = {}
    rows = conn.execute(
        select(ct).where(ct.c.customer_id == customer_id).order_by(ct.c.last_name, ct.c.id)
    )
    for row in rows:
        service = services.get(row.service_id)
        service_role = service.dunning_role if service else ""
        groups.setdefault(row.service_id if service else None, []).append(
            ContactRow(
                contact_id=row.id,
                name=" ".join(p for p in (row.civility, row.first_name, row.last_name) if p),
                function=row.function,
                email=row.email,
                phone=row.phone,
                mobile=row.mobile,
                role=row.dunning_role or service_role,
                own_role=row.dunning_role,
                origin=row.origin,
            )
        )
    order = {"to": 0, "cc": 1, "never": 2}
    out = []
    for service_id, contacts in groups.items():
        service = services.get(service_id)
        out.append(
            ServiceContacts(
                service_id=service_id,
                service=service.name if service else "",
                service_role=service.dunning_role if service else "",
                contacts=tuple(contacts),
            )
        )
    out.sort(key=lambda g: (order.get(g.service_role, 3), g.service_id is None, g.service))
    choices = tuple(ServiceChoice(v.id, v.name, v.dunning_role) for v in services.values())
    return tuple(out), choices


def _balance_and_items(
    engine: Engine, conn: Connection, customer_id: int, as_of: date
) -> tuple[Balance, tuple[OpenItem, ...], CustomerScore | None]:
    ledger = get_ledger(engine)
    items = (
        ledger.view(as_of)
        .open_items.filter(pl.col("customer_id") == customer_id)
        .sort("due", "posting_date", "id")
    )
    positive = pl.col("residual").clip(lower_bound=0)
    days = pl.col("days_overdue")
    labels = bucket_labels(DEFAULT_BOUNDS)
    exprs = [positive.filter(days == 0).sum().alias(f"b:{labels[0]}")]
    low = 1
    for label, high in zip(labels[1:-1], DEFAULT_BOUNDS, strict=True):
        exprs.append(positive.filter(days.is_between(low, high)).sum().alias(f"b:{label}"))
        low = high + 1
    exprs.append(positive.filter(days > DEFAULT_BOUNDS[-1]).sum().alias(f"b:{labels[-1]}"))
    sums = items.select(
        pl.col("residual").sum().alias("outstanding"),
        positive.filter(pl.col("due") < as_of).sum().alias("overdue"),
        positive.filter(pl.col("due") >= as_of).sum().alias("not_due"),
        pl.col("residual").clip(upper_bound=0).sum().alias("credits"),
        days.filter(pl.col("residual") > 0).max().alias("oldest"),
        pl.col("residual").filter(pl.col("doubtful")).sum().alias("doubtful"),
        *exprs,
    ).row(0, named=True)
    balance = Balance(
        outstanding=money(sums["outstanding"]),
        overdue=money(sums["overdue"]),
        not_due=money(sums["not_due"]),
        credits=money(sums["credits"]),
        open_items=items.height,
        oldest_days=int(sums["oldest"] or 0),
        aging=tuple((label, money(sums[f"b:{label}"])) for label in labels),
        doubtful=money(sums["doubtful"]),
    )
    shown = items.head(OPEN_ITEMS_LIMIT)
    ids = shown["id"].to_list()
    texts: dict[int, tuple[str, str, str]] = {}
    states: dict[int, tuple[int, str]] = {}
    e, st = Entry.__table__, ItemState.__table__
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(
            select(e.c.id, e.c.piece, e.c.reference, e.c.label).where(e.c.id.in_(chunk))
        ):
            texts[row.id] = (row.piece, row.reference, row.label)
        for row in conn.execute(
            select(st.c.entry_id, st.c.level, st.c.stop_reason, st.c.stop_until).where(
                st.c.entry_id.in_(chunk)
            )
        ):
            active = row.stop_reason and (row.stop_until is None or row.stop_until >= as_of)
            states[row.entry_id] = (row.level, row.stop_reason if active else "")
    promised = set(
        ledger.promise_items.join(
            ledger.promises.filter(
                (pl.col("customer_id") == customer_id) & (pl.col("status") == "pending")
            ),
            on="promise_id",
        )["entry_id"].to_list()
    )
    disputed = set(
        ledger.dispute_items.join(
            ledger.disputes.filter(
                (pl.col("customer_id") == customer_id) & (pl.col("status") == "open")
            ),
            on="dispute_id",
        )["entry_id"].to_list()
    )
    open_items = tuple(
        OpenItem(
            entry_id=r["id"],
            kind=str(r["kind"]),
            journal=r["journal"],
            piece=texts.get(r["id"], ("", "", ""))[0],
            reference=texts.get(r["id"], ("", "", ""))[1],
            label=texts.get(r["id"], ("", "", ""))[2],
            posting_date=r["posting_date"],
            due_date=r["due_date"],
            amount=money(r["amount"]),
            residual=money(r["residual"]),
            days_overdue=int(r["days_overdue"]),
            level=states.get(r["id"], (0, ""))[0],
            stop_reason=states.get(r["id"], (0, ""))[1],
            promised=r["id"] in promised,
            disputed=r["id"] in disputed,
            doubtful=bool(r["doubtful"]),
        )
        for r in shown.iter_rows(named=True)
    )
    scored = score_frame(ledger, as_of).filter(pl.col("customer_id") == customer_id)
    score = score_of(scored.row(0, named=True)) if scored.height else None
    return balance, open_items, score


def _pieces_of(conn: Connection, table, key: str, ids: list[int]) -> dict[int, list[str]]:  # noqa: ANN001
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    column = table.c[key]
    for row in conn.execute(
        select(column, table.c.piece).where(column.in_(ids)).order_by(table.c.id)
    ):
        out.setdefault(row[0], []).append(row.piece)
    return out


def _followup(
    conn: Connection, customer_id: int, users: dict[int, str]
) -> tuple[
    tuple[CommentRow, ...],
    tuple[PromiseRow, ...],
    tuple[DisputeRow, ...],
    tuple[MessageRow, ...],
    tuple[FlagRow, ...],
]:
    cm, e = Comment.__table__, Entry.__table__
    comments = tuple(
        CommentRow(
            comment_id=r.id,
            author=users.get(r.author_id, "") if r.author_id else "",
            body=r.body,
            created_at=r.created_at,
            piece=r.piece or "",
        )
        for r in conn.execute(
            select(cm, e.c.piece)
            .select_from(cm.outerjoin(e, e.c.id == cm.c.entry_id))
            .where(cm.c.customer_id == customer_id)
            .order_by(cm.c.created_at.desc(), cm.c.id.desc())
        )
    )
    p = Promise.__table__
    promise_rows = list(
        conn.execute(
            select(p)
            .where(p.c.customer_id == customer_id)
            .order_by(p.c.created_at.desc(), p.c.id.desc())
        )
    )
    promise_pieces = _pieces_of(
        conn, PromiseItem.__table__, "promise_id", [r.id for r in promise_rows]
    )
    promises = tuple(
        PromiseRow(
            promise_id=r.id,
            amount=r.amount,
            promised_on=r.promised_on,
            status=r.status,
            note=r.note,
            author=users.get(r.created_by, "") if r.created_by else "",
            created_at=r.created_at,
            pieces=tuple(x for x in promise_pieces.get(r.id, []) if x),
        )
        for r in promise_rows
    )
    d, dr, di = Dispute.__table__, DisputeReason.__table__, DisputeItem.__table__
    dispute_rows = list(
        conn.execute(
            select(d, dr.c.label)
            .select_from(d.outerjoin(dr, dr.c.id == d.c.reason_id))
            .where(d.c.customer_id == customer_id)
            .order_by(d.c.opened_at.desc(), d.c.id.desc())
        )
    )
    ids = [r.id for r in dispute_rows]
    dispute_pieces = _pieces_of(conn, di, "dispute_id", ids)
    amounts: dict[int, Decimal] = {}
    if ids:
        for row in conn.execute(
            select(di.c.dispute_id, di.c.amount).where(di.c.dispute_id.in_(ids))
        ):
            amounts[row.dispute_id] = amounts.get(row.dispute_id, Decimal("0.00")) + row.amount
    disputes = tuple(
        DisputeRow(
            dispute_id=r.id,
            reason=r.label or "",
            status=r.status,
            note=r.note,
            author=users.get(r.opened_by, "") if r.opened_by else "",
            opened_at=r.opened_at,
            closed_at=r.closed_at,
            amount=amounts.get(r.id, Decimal("0.00")),
            pieces=tuple(x for x in dispute_pieces.get(r.id, []) if x),
        )
        for r in dispute_rows
    )
    m = Message.__table__
    messages = tuple(
        MessageRow(
            message_id=r.id,
            channel=r.channel,
            subject=r.subject,
            status=r.status,
            to=tuple(_addresses(r.recipients_to)),
            cc=tuple(_addresses(r.recipients_cc)),
            created_at=r.created_at,
            sent_at=r.sent_at,
            has_pdf=bool(r.pdf_path),
            posted_on=r.posted_on,
        )
        for r in conn.execute(
            select(
                m.c.id,
                m.c.channel,
                m.c.subject,
                m.c.status,
                m.c.recipients_to,
                m.c.recipients_cc,
                m.c.created_at,
                m.c.sent_at,
                m.c.pdf_path,
                m.c.posted_on,
            )
            .where(m.c.customer_id == customer_id)
            .order_by(m.c.created_at.desc(), m.c.id.desc())
        )
    )
    f = Flag.__table__
    flags = tuple(
        FlagRow(
            flag_id=r.id,
            kind=r.kind,
            label=r.label,
            author=users.get(r.created_by, "") if r.created_by else "",
            created_at=r.created_at,
        )
        for r in conn.execute(
            select(f)
            .where(f.c.customer_id == customer_id, f.c.cleared_at.is_(None))
            .order_by(f.c.created_at.desc(), f.c.id.desc())
        )
    )
    return comments, promises, disputes, messages, flags


def _addresses(value: object) -> list[str]:
    """Recipients as stored (strings, or {"email": ..., "name": ...} objects) as plain text."""
    out = []
    for item in value or []:
        if isinstance(item, dict):
            email = str(item.get("email", ""))
            name = str(item.get("name", ""))
            out.append(f"{name} <{email}>" if name and email else email or name)
        else:
            out.append(str(item))
    return out


def customer_card(
    engine: Engine, who: Viewer, customer_id: int, as_of: date | None = None
) -> CustomerCard:
    """Everything about one customer the viewer may see.

    Args:
        engine: the store.
        who: the viewer.
        customer_id: the customer (`customer.id`).
        as_of: the date of the figures (default today).

    Raises:
        AccessDenied: when nobody is signed in, or the customer does not exist or is outside
            the viewer's portfolio (one message for both).
    """
    require(who, READ)
    as_of = as_of or clock_today()
    with engine.connect() as conn:
        check_customers(conn, who, [customer_id])
        users = _user_names(conn)
        identity, scenarios = _identity(conn, customer_id, as_of, users)
        contacts, services = _contacts(conn, customer_id, identity.company_id)
        balance, open_items, score = _balance_and_items(engine, conn, customer_id, as_of)
        comments, promises, disputes, messages, flags = _followup(conn, customer_id, users)
    events = timeline(engine, customer_id, who.scope, as_of=as_of)
    newest = tuple(reversed(events[-TIMELINE_LIMIT:]))
    return CustomerCard(
        as_of=as_of,
        identity=identity,
        contacts=contacts,
        services=services,
        balance=balance,
        score=score,
        open_items=open_items,
        timeline=newest,
        timeline_total=len(events),
        comments=comments,
        promises=promises,
        disputes=disputes,
        messages=messages,
        flags=flags,
        scenarios=scenarios,
        can_work=who.can_work,
        can_note=who.can_note,
    )


def _message(conn: Connection, who: Viewer, message_id: int):  # noqa: ANN202
    m = Message.__table__
    row = conn.execute(select(m).where(m.c.id == message_id)).first()
    if row is None:
        raise AccessDenied("message not found")
    try:
        check_customers(conn, who, [row.customer_id])
    except AccessDenied:
        raise AccessDenied("message not found") from None
    return row


def message_detail(engine: Engine, who: Viewer, message_id: int) -> MessageDetail:
    """A message of a customer the viewer may see, as it was sent.

    Raises:
        AccessDenied: when nobody is signed in, or the message does not exist or belongs to a
            customer outside the viewer's portfolio.
    """
    require(who, READ)
    with engine.connect() as conn:
        row = _message(conn, who, message_id)
    return MessageDetail(
        message_id=row.id,
        customer_id=row.customer_id,
        channel=row.channel,
        subject=row.subject,
        body_html=row.body_html,
        body_text=row.body_text,
        to=tuple(_addresses(row.recipients_to)),
        cc=tuple(_addresses(row.recipients_cc)),
        status=row.status,
        sent_at=row.sent_at,
        has_pdf=bool(row.pdf_path),
    )


def pdf_location(stored: str) -> Path:
    """Where a message's PDF is: its stored path, relative paths under the data folder."""
    path = Path(stored)
    return path if path.is_absolute() else load_settings().data_dir / path


def message_pdf(engine: Engine, who: Viewer, message_id: int) -> PdfFile:
    """The PDF of a message of a customer the viewer may see.

    Raises:
        AccessDenied: as for `message_detail`.
        FileNotFoundError: when the message has no PDF or its file is missing (the message
            names the message, not the path).
    """
    require(who, READ)
    with engine.connect() as conn:
        row = _message(conn, who, message_id)
    if not row.pdf_path:
        raise FileNotFoundError(f"message {message_id} has no PDF")
    path = pdf_location(row.pdf_path)
    if not path.is_file():
        raise FileNotFoundError(f"the PDF of message {message_id} is missing")
    return PdfFile(filename=path.name, data=path.read_bytes())
