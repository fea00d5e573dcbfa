"""The worklist ("Actions à mener"): a user's actions due today and late, grouped by kind; the
call sheet of a customer; marking an action done or skipped with its outcome.

An action is open while proposed or approved. It is due today when its day is today, late when
its day is past. A promise follow-up whose promise was kept or cancelled is no longer work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

import polars as pl
from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import get_ledger, open_residuals
from src_dash.analytics.scoring import grade, score_frame
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.money import ZERO
from src_dash.services.access import (
    WORK,
    AccessDenied,
    Viewer,
    audit,
    check_customers,
    owned_row,
    scope_clause,
)
from src_dash.services.access import require as require_role
from src_dash.services.auth import ROLES
from src_dash.services.followup import CALL_OUTCOMES
from src_dash.services.inputs import InvalidInput, text_field
from src_dash.services.open_items import OpenItemFilters, OpenItemRow, open_items
from src_dash.store import (
    Action,
    ActionItem,
    Comment,
    Company,
    Contact,
    ContactService,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    Message,
    Promise,
    SalesRep,
    User,
)
from src_dash.sync import bump_data_version

OPEN_STATUSES = ("proposed", "approved")
# The order of the groups in the worklist; "reply" is a customer's answer to handle (inbox).
KINDS = ("reply", "call", "promise_followup", "step", "other")
# What a call planned in the worklist may be closed with here; a promise, a dispute or a call
# back are recorded by followup.log_call (with the call's action id), which creates them.
SIMPLE_CALL_OUTCOMES = ("reached", "no_answer")


@dataclass(frozen=True)
class WorkItem:
    """One open action of the worklist.

    Attributes:
        days_late: today - due day (0 when due today).
        items: how many items the action is about; amount: what is still open on them.
        promise_status: for a promise follow-up, its promise's status (pending or broken).
    """

    action_id: int
    kind: str
    status: str
    origin: str
    due_on: date
    days_late: int
    level: int
    customer_id: int
    customer_number: str
    customer_name: str
    company_code: str
    assigned_to: int | None
    assigned_name: str
    note: str
    items: int
    amount: Decimal
    promise_id: int | None
    promise_status: str
    promise_amount: Decimal | None
    promised_on: date | None


@dataclass(frozen=True)
class WorkGroup:
    """The open actions of one kind: due today, and late (oldest first)."""

    kind: str
    due_today: tuple[WorkItem, ...]
    late: tuple[WorkItem, ...]


@dataclass(frozen=True)
class Worklist:
    """A user's worklist on a day."""

    as_of: date
    user_id: int
    groups: tuple[WorkGroup, ...]
    due_today: int
    late: int


@dataclass(frozen=True)
class ActionDone:
    """An action after it was marked done or skipped."""

    action_id: int
    customer_id: int
    kind: str
    status: str
    outcome: str
    note: str
    done_at: datetime


@dataclass(frozen=True)
class CallContact:
    """A contact to call, with the role dunning gives it (to, cc, never)."""

    name: str
    function: str
    service: str
    phone: str
    mobile: str
    email: str
    role: str


@dataclass(frozen=True)
class MessageLine:
    """A message sent (or on its way) to the customer."""

    id: int
    at: datetime
    channel: str
    subject: str
    status: str
    level: int


@dataclass(frozen=True)
class PromiseLine:
    """A promise of the customer."""

    id: int
    amount: Decimal
    promised_on: date
    status: str
    note: str


@dataclass(frozen=True)
class DisputeLine:
    """An open dispute of the customer."""

    id: int
    reason: str
    pieces: tuple[str, ...]
    amount: Decimal
    note: str


@dataclass(frozen=True)
class CallSheet:
    """What a collector needs on screen to call a customer."""

    as_of: date
    customer_id: int
    number: str
    name: str
    company_code: str
    company_name: str
    currency: str
    phone: str
    email: str
    sales_rep: str
    outstanding: Decimal
    overdue: Decimal
    not_due: Decimal
    open_items: int
    overdue_items: int
    oldest_days_late: int
    score: int | None
    grade: str
    items: tuple[OpenItemRow, ...]
    contacts: tuple[CallContact, ...]
    messages: tuple[MessageLine, ...]
    promises: tuple[PromiseLine, ...]
    disputes: tuple[DisputeLine, ...]
    comments: tuple[str, ...]
    script: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# The worklist


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
    a, c, co, u = Action.__table__, Customer.__table__, Company.__table__, User.__table__
    p = Promise.__table__
    assigned = a.c.assigned_to == user_id
    if include_unassigned:
        assigned = or_(assigned, a.c.assigned_to.is_(None))
    query = (
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
            assigned,
            scope_clause(who.scope),
            or_(p.c.id.is_(None), p.c.status.in_(("pending", "broken"))),
        )
        .order_by(a.c.due_on, c.c.number, a.c.id)
    )
    ai, e = ActionItem.__table__, Entry.__table__
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        ids = [r.id for r in rows]
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
    # What is still open on the items, as the pages show it (the ledger's residual).
    open_now = open_residuals(engine, {entry_id for _, entry_id in links}, today)
    totals: dict[int, tuple[int, Decimal]] = {}
    for action_id, entry_id in links:
        count, amount = totals.get(action_id, (0, ZERO))
        totals[action_id] = (count + 1, amount + open_now.get(entry_id, ZERO))
    items = [
        WorkItem(
            action_id=r.id,
            kind=r.kind,
            status=r.status,
            origin=r.origin,
            due_on=r.due_on,
            days_late=(today - r.due_on).days,
            level=r.level,
            customer_id=r.customer_id,
            customer_number=r.number,
            customer_name=r.customer_name,
            company_code=r.company_code,
            assigned_to=r.assigned_to,
            assigned_name=r.assigned_name or "",
            note=r.note,
            items=totals.get(r.id, (0, ZERO))[0],
            amount=totals.get(r.id, (0, ZERO))[1],
            promise_id=r.promise_id,
            promise_status=r.promise_status or "",
            promise_amount=r.promise_amount,
            promised_on=r.promised_on,
        )
        for r in rows
    ]
    kinds = [k for k in KINDS if any(i.kind == k for i in items)]
    kinds += sorted({i.kind for i in items} - set(KINDS))
    groups = tuple(
        WorkGroup(
            kind=kind,
            due_today=tuple(i for i in items if i.kind == kind and i.days_late == 0),
            late=tuple(i for i in items if i.kind == kind and i.days_late > 0),
        )
        for kind in kinds
    )
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


# ---------------------------------------------------------------------------------------------
# The call sheet


def _money_text(amount: Decimal, currency: str, lang: str) -> str:
    locale = "en_GB" if lang == "en" else "fr_FR"
    return format_currency(amount, currency or "EUR", locale=locale)


def _day_text(value: date, lang: str) -> str:
    locale = "en_GB" if lang == "en" else "fr_FR"
    return format_date(value, "long" if lang == "en" else "d MMMM y", locale=locale)


def call_sheet(
    engine: Engine, who: Viewer, customer_id: int, today: date | None = None
) -> CallSheet:
    """The call sheet of a customer: figures, open items, contacts with phones, last messages,
    promises, open disputes, last comments and a short script in the viewer's language.

    Raises:
        AccessDenied: for a customer outside the viewer's scope.
    """
    require_role(who, ROLES)
    today = today or clock_today()
    c, co, sr = Customer.__table__, Company.__table__, SalesRep.__table__
    with engine.connect() as conn:
        check_customers(conn, who, [customer_id])
        customer = conn.execute(
            select(
                c,
                co.c.code.label("company_code"),
                co.c.name.label("company_name"),
                co.c.currency.label("book_currency"),
                sr.c.first_name,
                sr.c.last_name,
            )
            .select_from(
                c.join(co, co.c.id == c.c.company_id).outerjoin(sr, sr.c.id == c.c.sales_rep_id)
            )
            .where(c.c.id == customer_id)
        ).one()
        contacts = _contacts(conn, customer_id)
        messages = _messages(conn, customer_id)
        promises = _promises(conn, customer_id)
        disputes = _disputes(conn, customer_id)
        cm = Comment.__table__
        comments = tuple(
            conn.execute(
                select(cm.c.body)
                .where(cm.c.customer_id == customer_id)
                .order_by(cm.c.created_at.desc(), cm.c.id.desc())
                .limit(3)
            ).scalars()
        )
    page = open_items(
        engine,
        who,
        OpenItemFilters(customer_ids=(customer_id,)),
        sort="due_date",
        page_size=500,
        as_of=today,
    )
    items = page.rows
    positive = [i for i in items if i.residual > ZERO]
    overdue_items = [i for i in positive if i.days_late > 0]
    outstanding = sum((i.residual for i in items), ZERO)
    overdue = sum((i.residual for i in overdue_items), ZERO)
    not_due = sum((i.residual for i in positive if i.days_late <= 0), ZERO)
    scores = score_frame(get_ledger(engine), today).filter(pl.col("customer_id") == customer_id)
    score = scores["score"][0] if scores.height and scores["score"][0] is not None else None
    currency = customer.book_currency or "EUR"
    sheet = CallSheet(
        as_of=today,
        customer_id=customer_id,
        number=customer.number,
        name=customer.name,
        company_code=customer.company_code,
        company_name=customer.company_name,
        currency=currency,
        phone=customer.phone,
        email=customer.email,
        sales_rep=f"{customer.first_name or ''} {customer.last_name or ''}".strip(),
        outstanding=outstanding,
        overdue=overdue,
        not_due=not_due,
        open_items=len(items),
        overdue_items=len(overdue_items),
        oldest_days_late=max((i.days_late for i in overdue_items), default=0),
        score=score,
        grade=grade(score) if score is not None else "",
        items=items,
        contacts=contacts,
        messages=messages,
        promises=promises,
        disputes=disputes,
        comments=comments,
        script=(),
    )
    return _with_script(sheet, who)


def _contacts(conn, customer_id: int) -> tuple[CallContact, ...]:  # noqa: ANN001
    ct, s = Contact.__table__, ContactService.__table__
    rows = conn.execute(
        select(ct, s.c.name.label("service_name"), s.c.dunning_role.label("service_role"))
        .select_from(ct.outerjoin(s, s.c.id == ct.c.service_id))
        .where(ct.c.customer_id == customer_id)
    ).all()
    order = {"to": 0, "cc": 1, "": 2, "never": 3}
    contacts = [
        CallContact(
            name=" ".join(x for x in (r.civility, r.first_name, r.last_name) if x),
            function=r.function,
            service=r.service_name or "",
            phone=r.phone,
            mobile=r.mobile,
            email=r.email,
            role=r.dunning_role or r.service_role or "",
        )
        for r in rows
    ]
    # Those with a phone first, then by how dunning treats them.
    return tuple(
        sorted(contacts, key=lambda x: (not (x.phone or x.mobile), order.get(x.role, 2), x.name))
    )


def _messages(conn, customer_id: int) -> tuple[MessageLine, ...]:  # noqa: ANN001
    m = Message.__table__
    at = func.coalesce(m.c.sent_at, m.c.created_at)
    rows = conn.execute(
        select(
            m.c.id, m.c.sent_at, m.c.created_at, m.c.channel, m.c.subject, m.c.status, m.c.level
        )  # fmt: skip
        .where(m.c.customer_id == customer_id)
        .order_by(at.desc(), m.c.id.desc())
        .limit(5)
    ).all()
    return tuple(
        MessageLine(r.id, r.sent_at or r.created_at, r.channel, r.subject, r.status, r.level)
        for r in rows
    )


def _promises(conn, customer_id: int) -> tuple[PromiseLine, ...]:  # noqa: ANN001
    p = Promise.__table__
    rows = conn.execute(
        select(p)
        .where(p.c.customer_id == customer_id)
        .order_by((p.c.status == "pending").desc(), p.c.promised_on.desc(), p.c.id.desc())
        .limit(5)
    ).all()
    return tuple(PromiseLine(r.id, r.amount, r.promised_on, r.status, r.note) for r in rows)


def _disputes(conn, customer_id: int) -> tuple[DisputeLine, ...]:  # noqa: ANN001
    d, di, r = Dispute.__table__, DisputeItem.__table__, DisputeReason.__table__
    rows = conn.execute(
        select(d.c.id, d.c.note, r.c.label)
        .select_from(d.outerjoin(r, r.c.id == d.c.reason_id))
        .where(d.c.customer_id == customer_id, d.c.status == "open")
        .order_by(d.c.opened_at, d.c.id)
    ).all()
    out = []
    for row in rows:
        items = conn.execute(
            select(di.c.piece, di.c.amount).where(di.c.dispute_id == row.id).order_by(di.c.id)
        ).all()
        out.append(
            DisputeLine(
                row.id,
                row.label or "",
                tuple(i.piece for i in items),
                sum((i.amount for i in items), ZERO),
                row.note,
            )
        )
    return tuple(out)


def _with_script(sheet: CallSheet, who: Viewer) -> CallSheet:
    """The sheet with a short call script in the viewer's language."""
    en = who.language == "en"
    cur = sheet.currency

    def amount(value: Decimal) -> str:
        return _money_text(value, cur, who.language)

    def day(value: date) -> str:
        return _day_text(value, who.language)

    callee = next((x.name for x in sheet.contacts if x.phone or x.mobile), "")
    lines = []
    if en:
        lines.append(
            f"Hello{' ' + callee if callee else ''}, this is {who.name} from "
            f"{sheet.company_name}, accounts receivable."
        )
    else:
        lines.append(
            f"Bonjour{' ' + callee if callee else ' Madame, Monsieur'}, {who.name} de "
            f"{sheet.company_name}, service recouvrement."
        )
    overdue = [i for i in sheet.items if i.residual > ZERO and i.days_late > 0]
    if overdue:
        oldest = max(overdue, key=lambda i: (i.days_late, -i.entry_id))
        n = len(overdue)
        if en:
            lines.append(
                f"I am calling about account {sheet.number}: {n} overdue "
                f"{'invoice' if n == 1 else 'invoices'} for {amount(sheet.overdue)}, the oldest "
                f"({oldest.piece}) {oldest.days_late} days past due."
            )
        else:
            lines.append(
                f"Je vous appelle au sujet de votre compte {sheet.number} : {n} "
                f"{'facture échue' if n == 1 else 'factures échues'} pour "
                f"{amount(sheet.overdue)}, la plus ancienne ({oldest.piece}) en retard de "
                f"{oldest.days_late} jours."
            )
    elif en:
        lines.append(f"Your account {sheet.number} has nothing overdue today.")
    else:
        lines.append(f"Votre compte {sheet.number} ne présente aucun échu à ce jour.")
    pending = [p for p in sheet.promises if p.status == "pending"]
    broken = [p for p in sheet.promises if p.status == "broken"]
    for p in pending[:1]:
        lines.append(
            f"You promised a payment of {amount(p.amount)} by {day(p.promised_on)}: can you "
            "confirm it?"
            if en
            else f"Vous nous avez promis un règlement de {amount(p.amount)} pour le "
            f"{day(p.promised_on)} : pouvez-vous me le confirmer ?"
        )
    if not pending:
        for p in broken[:1]:
            lines.append(
                f"The payment of {amount(p.amount)} promised for {day(p.promised_on)} has not "
                "reached us."
                if en
                else f"Le règlement de {amount(p.amount)} promis pour le {day(p.promised_on)} "
                "ne nous est pas parvenu."
            )
    for d in sheet.disputes[:2]:
        pieces = ", ".join(d.pieces)
        lines.append(
            f"A dispute is open ({d.reason}) on {pieces}: where does it stand?"
            if en
            else f"Un litige est ouvert ({d.reason}) sur {pieces} : où en est-il ?"
        )
    if overdue:
        lines.append(
            "When and how much will your next payment be?"
            if en
            else "Pouvez-vous m'indiquer la date et le montant de votre prochain règlement ?"
        )
    lines.append(
        "I will confirm our call by email." if en else "Je vous confirme notre échange par email."
    )
    return replace(sheet, script=tuple(lines))
