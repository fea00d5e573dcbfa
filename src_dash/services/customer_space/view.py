"""What a customer sees in their space: their open items and totals (the customer card's, to the
cent), how to pay, the messages sent to them, the dispute reasons, and their statement as PDF.

Everything here takes a `SpaceAccess` (from `links.resolve`), never a customer id from the
page: the space cannot read another customer's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from src_dash.clock import today as clock_today
from src_dash.dunning.messaging import company_messaging, format_iban, payment_reference
from src_dash.dunning.statement import load_statement, render_statement
from src_dash.services.customer_card.balance import _balance_and_items
from src_dash.services.customer_space.links import SpaceAccess
from src_dash.store import Company, Customer, DisputeReason, Message
from src_dash.store.space_links import with_link

# The dispute reason a customer's "déjà payé" opens (the planner never duns a disputed item).
ALREADY_PAID_REASON = "Déjà payé (à vérifier)"
SHOWN_STATUSES = ("sent",)
ANSWER_TEMPLATE = "space_answer"  # see `staff_mail.answer_message`
ANSWER_STATUSES = ("queued", "sending", "handover", "sent")


@dataclass(frozen=True)
class SpaceItem:
    """An open item as the customer sees it."""

    entry_id: int
    piece: str
    reference: str
    posting_date: date
    due_date: date | None
    amount: Decimal
    received: Decimal
    remaining: Decimal
    days_overdue: int
    promised: bool
    disputed: bool


@dataclass(frozen=True)
class SpaceMessage:
    """A letter or an email sent to the customer."""

    message_id: int
    sent_at: datetime | None
    channel: str
    subject: str
    body_text: str
    # The company's answer to a message the customer wrote in the space (shown as such).
    answer: bool = False


@dataclass(frozen=True)
class Payment:
    """How to pay the company ("" fields when it has not set them)."""

    iban: str
    bic: str
    bank_name: str
    reference: str


@dataclass(frozen=True)
class SpaceView:
    """The customer's space as of a day."""

    as_of: date
    customer_number: str
    customer_name: str
    company_name: str
    language: str
    currency: str
    items: tuple[SpaceItem, ...]
    outstanding: Decimal
    overdue: Decimal
    payment: Payment
    messages: tuple[SpaceMessage, ...]
    reasons: tuple[tuple[int, str], ...]


def _items(engine: Engine, conn, customer_id: int, as_of: date):  # noqa: ANN001, ANN202
    balance, items, _score = _balance_and_items(engine, conn, customer_id, as_of)
    shown = tuple(
        SpaceItem(
            entry_id=i.entry_id,
            piece=i.piece,
            reference=i.reference,
            posting_date=i.posting_date,
            due_date=i.due_date,
            amount=i.amount,
            received=i.amount - i.residual,
            remaining=i.residual,
            days_overdue=i.days_overdue,
            promised=i.promised,
            disputed=i.disputed,
        )
        for i in items
    )
    return balance, shown


# A sent message keeps the example link in its stored text (the real token is never stored):
# read in the space itself, it says where the customer already is.
_HERE = {"fr": "(cet espace)", "en": "(this page)"}


def _messages(conn, customer_id: int, language: str) -> tuple[SpaceMessage, ...]:  # noqa: ANN001
    m = Message.__table__
    # The company's answers show at once (the email may still be on its way).
    answer = (m.c.template_code == ANSWER_TEMPLATE) & m.c.status.in_(ANSWER_STATUSES)
    shown = or_(m.c.status.in_(SHOWN_STATUSES), answer)
    when = func.coalesce(m.c.sent_at, m.c.created_at)
    rows = conn.execute(
        select(m.c.id, when.label("at"), m.c.channel, m.c.subject, m.c.body_text, m.c.template_code)
        .where(m.c.customer_id == customer_id, shown)
        .order_by(when.desc(), m.c.id.desc())
        .limit(100)
    ).all()
    return tuple(
        SpaceMessage(
            r.id,
            r.at,
            r.channel,
            r.subject,
            with_link(r.body_text, _HERE["en" if language.startswith("en") else "fr"]),
            r.template_code == ANSWER_TEMPLATE,
        )
        for r in rows
    )


def customer_reasons(conn) -> tuple[tuple[int, str], ...]:  # noqa: ANN001
    """The active dispute reasons a customer may report (not the "déjà payé" one)."""
    r = DisputeReason.__table__
    rows = conn.execute(
        select(r.c.id, r.c.label)
        .where(r.c.active.is_(True), r.c.label != ALREADY_PAID_REASON)
        .order_by(r.c.id)
    ).all()
    return tuple((row.id, row.label) for row in rows)


def space_view(engine: Engine, access: SpaceAccess, as_of: date | None = None) -> SpaceView:
    """The customer's space: items, totals, payment, messages and reasons."""
    as_of = as_of or clock_today()
    c, co = Customer.__table__, Company.__table__
    with engine.connect() as conn:
        customer = conn.execute(select(c).where(c.c.id == access.customer_id)).one()
        company = conn.execute(select(co).where(co.c.id == access.company_id)).one()
        messaging = company_messaging(conn, company.id)
        balance, items = _items(engine, conn, customer.id, as_of)
        messages = _messages(conn, customer.id, access.language or "fr")
        reasons = customer_reasons(conn)
    debits = [i for i in items if i.remaining > 0]
    payment = Payment(
        iban=format_iban(messaging.iban),
        bic=messaging.bic.upper(),
        bank_name=messaging.bank_name,
        reference=payment_reference(messaging.payment_reference, customer.number, debits),
    )
    return SpaceView(
        as_of=as_of,
        customer_number=customer.number,
        customer_name=customer.name,
        company_name=company.name or company.code,
        language=access.language if access.language in ("fr", "en") else "fr",
        currency=company.currency or "EUR",
        items=items,
        outstanding=balance.outstanding,
        overdue=balance.overdue,
        payment=payment,
        messages=messages,
        reasons=reasons,
    )


def statement_pdf(
    engine: Engine, access: SpaceAccess, as_of: date | None = None
) -> tuple[str, bytes]:
    """The customer's statement of account as PDF: its file name and bytes."""
    as_of = as_of or clock_today()
    language = access.language if access.language in ("fr", "en") else "fr"
    statement = load_statement(engine, access.customer_id, as_of, language)
    return statement.file_name, render_statement(statement)
