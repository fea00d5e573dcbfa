"""The call sheet of a customer: figures, open items, contacts with phones, last messages, promises,
open disputes, last comments and a short script in the viewer's language.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import polars as pl
from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from src_dash.access import (
    Viewer,
    check_customers,
)
from src_dash.access import require as require_role
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.scoring import grade, score_frame
from src_dash.clock import today as clock_today
from src_dash.money import ZERO
from src_dash.services.auth import ROLES
from src_dash.services.open_items import OpenItemFilters, open_items
from src_dash.services.rows import from_row
from src_dash.services.worklist.model import (
    CallContact,
    CallSheet,
    DisputeLine,
    MessageLine,
    PromiseLine,
)
from src_dash.store import (
    Comment,
    Company,
    Contact,
    ContactService,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Message,
    Promise,
    SalesRep,
)

# ---------------------------------------------------------------------------------------------
# The call sheet


def _money_text(amount: Decimal, currency: str, lang: str) -> str:
    locale = "en_GB" if lang == "en" else "fr_FR"
    return format_currency(amount, currency or "EUR", locale=locale)


def _day_text(value: date, lang: str) -> str:
    locale = "en_GB" if lang == "en" else "fr_FR"
    return format_date(value, "long" if lang == "en" else "d MMMM y", locale=locale)


def _sheet_customer(conn, customer_id: int):  # noqa: ANN001, ANN202
    """The customer with its company and sales rep."""
    c, co, sr = Customer.__table__, Company.__table__, SalesRep.__table__
    return conn.execute(
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


def _last_comments(conn, customer_id: int, limit: int = 3) -> tuple[str, ...]:  # noqa: ANN001
    """The last comments on the customer, newest first."""
    cm = Comment.__table__
    return tuple(
        conn.execute(
            select(cm.c.body)
            .where(cm.c.customer_id == customer_id)
            .order_by(cm.c.created_at.desc(), cm.c.id.desc())
            .limit(limit)
        ).scalars()
    )


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
    with engine.connect() as conn:
        check_customers(conn, who, [customer_id])
        customer = _sheet_customer(conn, customer_id)
        contacts = _contacts(conn, customer_id)
        messages = _messages(conn, customer_id)
        promises = _promises(conn, customer_id)
        disputes = _disputes(conn, customer_id)
        comments = _last_comments(conn, customer_id)
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
    sheet = from_row(
        CallSheet,
        customer,
        as_of=today,
        customer_id=customer_id,
        currency=currency,
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
