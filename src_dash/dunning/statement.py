"""The statement of account attached to every dunning email: a customer's open items as of a day
with the totals of the customer card, as a PDF on the letters' letterhead."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import get_ledger
from src_dash.config import Settings, load_settings
from src_dash.dunning.letter_layout import (
    LOCALES,
    Letterhead,
    _Document,
    _letterhead,
    _money,
    _pdf_text,
    _safe,
    _save_pdf,
    _table_header,
    recipient_lines,
    sender_fields,
)
from src_dash.dunning.messaging import company_messaging, format_iban, payment_reference
from src_dash.money import from_cents
from src_dash.store import Company, Customer, Entry

STATEMENT_WORDS = {
    "fr": {
        "title": "Relevé de compte",
        "as_of": "Situation au {date}",
        "customer": "Client",
        "date": "Date",
        "piece": "Pièce",
        "reference": "Référence",
        "due": "Échéance",
        "late": "Retard (j)",
        "amount": "Montant",
        "residual": "Reste dû",
        "overdue": "Échu",
        "not_due": "À échoir",
        "credits": "Avoirs et règlements non affectés",
        "balance": "Solde dû",
        "none": "Aucune écriture ouverte.",
        "pay": "Règlement par virement : IBAN {iban}{bic}, référence {reference}.",
        "page": "Page {n}/{of}",
        "file": "releve-de-compte",
    },
    "en": {
        "title": "Statement of account",
        "as_of": "As of {date}",
        "customer": "Customer",
        "date": "Date",
        "piece": "Document",
        "reference": "Reference",
        "due": "Due date",
        "late": "Days late",
        "amount": "Amount",
        "residual": "Amount due",
        "overdue": "Overdue",
        "not_due": "Not yet due",
        "credits": "Credits and unapplied payments",
        "balance": "Balance due",
        "none": "No open item.",
        "pay": "Payment by bank transfer: IBAN {iban}{bic}, reference {reference}.",
        "page": "Page {n}/{of}",
        "file": "statement",
    },
}


@dataclass(frozen=True)
class StatementLine:
    """An open item on the statement (amounts in book currency)."""

    entry_id: int
    posting_date: date | None
    piece: str
    reference: str
    due: date | None
    days_overdue: int
    amount: Decimal
    residual: Decimal


@dataclass(frozen=True)
class Statement(Letterhead):
    """A customer's statement of account: its open items as of a day, as the app shows them.

    The totals are those of the customer card (`services.customer_card.Balance`): overdue and
    not-yet-due debits, credits, and the balance (their sum, the ledger's outstanding).
    """

    customer_id: int
    customer_name: str
    lines: tuple[StatementLine, ...]
    payment: str  # the payment sentence ("" without an IBAN)

    @property
    def overdue(self) -> Decimal:
        """Debits past due."""
        return sum(
            (x.residual for x in self.lines if x.residual > 0 and x.due and x.due < self.as_of),
            Decimal("0.00"),
        )

    @property
    def not_due(self) -> Decimal:
        """Debits not yet due."""
        return sum(
            (
                x.residual
                for x in self.lines
                if x.residual > 0 and not (x.due and x.due < self.as_of)
            ),
            Decimal("0.00"),
        )

    @property
    def credits(self) -> Decimal:
        """Credits (negative)."""
        return sum((x.residual for x in self.lines if x.residual < 0), Decimal("0.00"))

    @property
    def balance(self) -> Decimal:
        """What the customer owes: every open item's residual."""
        return sum((x.residual for x in self.lines), Decimal("0.00"))

    @property
    def file_name(self) -> str:
        """An ASCII file name: releve-de-compte-<customer>-<day>.pdf."""
        words = STATEMENT_WORDS.get(self.language, STATEMENT_WORDS["fr"])
        return f"{words['file']}-{_safe(self.customer_number)}-{self.as_of.isoformat()}.pdf"


def load_statement(
    engine: Engine, customer_id: int, as_of: date, language: str = "fr"
) -> Statement:
    """A customer's statement of account as of a day, from the ledger's open items.

    Raises:
        LookupError: when there is no such customer.
    """
    frame = (
        get_ledger(engine)
        .view(as_of)
        .open_items.filter(pl.col("customer_id") == customer_id)
        .sort("due", "posting_date", "id")
    )
    c, co, e = Customer.__table__, Company.__table__, Entry.__table__
    with engine.connect() as conn:
        customer = conn.execute(select(c).where(c.c.id == customer_id)).first()
        if customer is None:
            raise LookupError(f"no customer {customer_id}")
        company = conn.execute(select(co).where(co.c.id == customer.company_id)).one()
        messaging = company_messaging(conn, company.id)
        ids = frame["id"].to_list()
        texts: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            for r in conn.execute(
                select(e.c.id, e.c.piece, e.c.reference).where(e.c.id.in_(ids[start : start + 500]))
            ):
                texts[r.id] = (r.piece or "", r.reference or "")
    lines = tuple(
        StatementLine(
            entry_id=row["id"],
            posting_date=row["posting_date"],
            piece=texts.get(row["id"], ("", ""))[0],
            reference=texts.get(row["id"], ("", ""))[1],
            due=row["due"],
            days_overdue=int(row["days_overdue"] or 0),
            amount=from_cents(row["amount"]),
            residual=from_cents(row["residual"]),
        )
        for row in frame.iter_rows(named=True)
    )
    lang = language if language in STATEMENT_WORDS else "fr"
    payment = ""
    if messaging.iban:
        words = STATEMENT_WORDS[lang]
        debits = [x for x in lines if x.residual > 0]
        payment = words["pay"].format(
            iban=format_iban(messaging.iban),
            bic=f", BIC {messaging.bic.upper()}" if messaging.bic else "",
            reference=payment_reference(messaging.payment_reference, customer.number, debits),
        )
    return Statement(
        customer_id=customer_id,
        customer_number=customer.number,
        customer_name=customer.name,
        recipient_lines=recipient_lines(
            customer.name,
            customer.address,
            customer.address2,
            customer.postal_code,
            customer.city,
            customer.country,
        ),
        as_of=as_of,
        language=lang,
        currency=company.currency or "EUR",
        lines=lines,
        **sender_fields(
            company.name or "",
            company.name or company.code,
            company.address,
            company.postal_code,
            company.city,
            (messaging.phone, messaging.reply_mailbox),
            company.siret,
            company.logo_path,
        ),
        payment=payment,
    )


def render_statement(statement: Statement, path: Path | None = None) -> bytes:
    """The PDF of a statement of account (written to `path` too when given)."""
    words = STATEMENT_WORDS[statement.language]
    lang = statement.language
    pdf = _Document()
    pdf.letter = statement  # the footer reads the sender's line from it
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _letterhead(pdf, statement, recipient_y=40)
    pdf.set_xy(pdf.l_margin, 72)
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(width, 7, _pdf_text(words["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9.5)
    when = format_date(statement.as_of, "d MMMM yyyy", locale=LOCALES[lang])
    pdf.cell(
        width,
        5,
        _pdf_text(
            f"{words['as_of'].format(date=when)}    {words['customer']} : "
            f"{statement.customer_number} - {statement.customer_name}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    last_width = _statement_table(pdf, statement, words, width)
    _statement_totals(pdf, statement, words, width, last_width)
    if statement.payment:
        pdf.ln(5)
        pdf.set_font("helvetica", "", 9.5)
        pdf.multi_cell(width, 5, _pdf_text(statement.payment), new_x="LMARGIN", new_y="NEXT")
    _number_pages(pdf, words)
    return _save_pdf(pdf, path)


def _statement_table(pdf: _Document, statement: Statement, words: dict, width: float) -> float:
    """The table of the open items (its header again on each new page); returns the width of
    its last column (the amounts due)."""
    lang = statement.language
    cols = [
        (words["date"], 20, "C"),
        (words["piece"], 26, "L"),
        (words["reference"], 30, "L"),
        (words["due"], 20, "C"),
        (words["late"], 18, "R"),
        (words["amount"], 28, "R"),
        (words["residual"], width - 142, "R"),
    ]

    header = functools.partial(_table_header, pdf, cols)

    def day(value: date | None) -> str:
        return format_date(value, "dd/MM/yyyy", locale=LOCALES[lang]) if value else ""

    money = lambda amount: _money(amount, statement.currency, lang)  # noqa: E731
    if statement.lines:
        header()
    else:
        pdf.set_font("helvetica", "", 10)
        pdf.cell(width, 6, _pdf_text(words["none"]), new_x="LMARGIN", new_y="NEXT")
    for x in statement.lines:
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
            header()
        late = x.residual > 0 and x.due is not None and x.due < statement.as_of
        values = [
            day(x.posting_date),
            x.piece,
            x.reference if x.reference != x.piece else "",
            day(x.due),
            str(x.days_overdue) if late and x.days_overdue else "",
            money(x.amount),
            money(x.residual),
        ]
        for (_, w, align), value in zip(cols, values, strict=True):
            pdf.cell(w, 5.5, _pdf_text(value), border=1, align=align)
        pdf.ln()
    return cols[-1][1]


def _statement_totals(
    pdf: _Document, statement: Statement, words: dict, width: float, last_width: float
) -> None:
    """The totals under the table: overdue, not yet due, credits (when any), balance."""
    rows = [(words["overdue"], statement.overdue, ""), (words["not_due"], statement.not_due, "")]
    if statement.credits:
        rows.append((words["credits"], statement.credits, ""))
    rows.append((words["balance"], statement.balance, "B"))
    label_width = width - last_width
    for label, amount, style in rows:
        pdf.set_font("helvetica", style, 9)
        pdf.cell(label_width, 6, _pdf_text(label), border=1, align="R")
        pdf.cell(
            last_width,
            6,
            _pdf_text(_money(amount, statement.currency, statement.language)),
            border=1,
            align="R",
        )
        pdf.ln()


def _number_pages(pdf: _Document, words: dict) -> None:
    """ "Page n/of" at the bottom right of every page."""
    count = pdf.page_no()
    pdf.set_auto_page_break(False)
    for page in range(1, count + 1):
        pdf.page = page
        pdf.set_font("helvetica", "", 7)
        pdf.set_text_color(110)
        pdf.set_xy(pdf.w - pdf.r_margin - 30, pdf.h - 11)
        pdf.cell(30, 4, words["page"].format(n=page, of=count), align="R")
        pdf.set_text_color(0)
    pdf.page = count


def statements_dir(settings: Settings | None = None) -> Path:
    """Where the statements attached to emails are kept: <data dir>/statements."""
    return (settings or load_settings()).data_dir / "statements"


def write_statement(
    engine: Engine,
    message_id: int,
    customer_id: int,
    as_of: date,
    language: str,
    settings: Settings | None = None,
) -> Path:
    """Write the statement of account of a message's customer; return its file.

    The file is named for the customer (what the customer sees as the attachment's name), in a
    folder of the message: <data dir>/statements/<day>/<message id>/releve-de-compte-....pdf.
    """
    statement = load_statement(engine, customer_id, as_of, language)
    path = statements_dir(settings) / as_of.isoformat() / f"{message_id:08d}" / statement.file_name
    render_statement(statement, path)
    return path
