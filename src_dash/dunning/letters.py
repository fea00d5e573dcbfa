"""Letters: a PDF per letter from the same rendered template as the email, and one grouped PDF
of the letters to print, one letter per set of pages.

A letter has the sender with its logo at the top, the recipient placed for the window of a
French DL envelope (window 45 mm from the top, 100 mm from the left edge), place and date, the
subject, the template's text, the table of its items (each with its level) with the credits and
the totals, and the signature. The template's text is the rendered HTML body, read as paragraphs;
where the template had a table (its list of items) the letter's own table goes, so the letter
says what the email says without the email's layout.

PDFs are written with fpdf2 and the PDF core fonts (Windows-1252: French, the euro sign), fast
enough for hundreds of letters a second. Each letter's PDF is kept under
``<data dir>/letters/<day>/`` and its path in `Message.pdf_path`; the grouped file of a print
batch under ``<data dir>/letters/print/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
from babel.dates import format_date
from babel.numbers import format_currency
from fpdf import FPDF
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import get_ledger
from src_dash.config import Settings, load_settings
from src_dash.dunning.messaging import company_messaging, format_iban, payment_reference
from src_dash.money import from_cents
from src_dash.store import Action, Company, Customer, Entry, Message, MessageItem, User

LOCALES = {"fr": "fr_FR", "en": "en_US"}
WORDS = {
    "fr": {
        "account": "Compte client",
        "ref": "Notre référence",
        "subject": "Objet",
        "piece": "Pièce",
        "reference": "Référence",
        "due": "Échéance",
        "late": "Retard (j)",
        "level": "Niveau",
        "residual": "Reste dû",
        "items_total": "Total des échéances",
        "credits_total": "Avoirs et règlements non affectés",
        "net": "Solde à régler",
        "page": "Page {n}/{of}",
        "place_date": "{city}, le {date}",
        "signature": "Le service recouvrement",
        "credit": "avoir",
    },
    "en": {
        "account": "Customer account",
        "ref": "Our reference",
        "subject": "Subject",
        "piece": "Document",
        "reference": "Reference",
        "due": "Due date",
        "late": "Days late",
        "level": "Level",
        "residual": "Amount due",
        "items_total": "Total of the items",
        "credits_total": "Unapplied credits and payments",
        "net": "Balance due",
        "page": "Page {n}/{of}",
        "place_date": "{city}, {date}",
        "signature": "Credit control department",
        "credit": "credit",
    },
}
# Characters the core fonts lack, and what stands for them.
_TRANSLATE = str.maketrans(
    {
        "\u202f": " ",  # narrow no-break space (Babel's French group separator)
        "\u00a0": " ",
        "\u2009": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
    }
)


def _pdf_text(value: object) -> str:
    text = str(value or "").translate(_TRANSLATE)
    return text.encode("cp1252", errors="replace").decode("cp1252")


@dataclass(frozen=True)
class LetterItem:
    """A line of a letter's table."""

    piece: str
    reference: str
    due_date: date | None
    days_late: int
    level: int
    residual: Decimal


@dataclass(frozen=True)
class Letter:
    """Everything a letter shows."""

    message_id: int
    language: str
    as_of: date
    subject: str
    body_html: str
    body_text: str
    currency: str
    items: tuple[LetterItem, ...]
    sender_name: str
    sender_lines: tuple[str, ...]
    sender_footer: str
    logo_path: str
    place: str
    recipient_lines: tuple[str, ...]
    customer_number: str
    signer: str


class _Blocks(HTMLParser):
    """The paragraphs of an HTML body; a table becomes one marker (the letter draws its own)."""

    BLOCK = {
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "ul",
        "ol",
        "section",
    }
    SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.bold = 0
        self.heading = False
        self.skip = 0
        self.table = 0
        self.table_seen = False

    def _flush(self) -> None:
        text = " ".join("".join(self.text).split())
        if text:
            self.blocks.append(("h" if self.heading else "p", text))
        self.text = []
        self.heading = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: D102
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "table":
            self._flush()
            if not self.table and not self.table_seen:
                self.blocks.append(("table", ""))
                self.table_seen = True
            self.table += 1
        elif tag in self.BLOCK:
            self._flush()
            if tag.startswith("h") and len(tag) == 2:
                self.heading = True
            if tag == "li":
                self.text.append("- ")

    def handle_endtag(self, tag: str) -> None:  # noqa: D102
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "table":
            self.table = max(0, self.table - 1)
            self.text = []
        elif tag in self.BLOCK and not self.table:
            self._flush()

    def handle_data(self, data: str) -> None:  # noqa: D102
        if not self.skip and not self.table:
            self.text.append(data)

    def close(self) -> None:  # noqa: D102
        super().close()
        self._flush()


def body_blocks(body_html: str, body_text: str) -> list[tuple[str, str]]:
    """The letter's text as (kind, text) blocks: ``p``, ``h`` or the ``table`` marker."""
    if body_html.strip():
        parser = _Blocks()
        parser.feed(body_html)
        parser.close()
        if any(kind != "table" for kind, _ in parser.blocks):
            return parser.blocks
    return [("p", " ".join(p.split())) for p in re.split(r"\n\s*\n", body_text) if p.strip()]


def _money(amount: Decimal, currency: str, language: str) -> str:
    return format_currency(amount, currency or "EUR", locale=LOCALES.get(language, "fr_FR"))


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(True, margin=22)
        self.letter: Letter | None = None
        self.set_creator("src_dash")

    def footer(self) -> None:  # noqa: D102
        letter = self.letter
        if letter is None:
            return
        self.set_y(-15)
        self.set_font("helvetica", "", 7)
        self.set_text_color(110)
        self.cell(0, 4, _pdf_text(letter.sender_footer), align="C")
        self.set_text_color(0)


def _letterhead(
    pdf: _Document,
    letter: Letter,
    recipient_y: float,
    recipient_lines: Sequence[str] | None = None,
) -> None:
    """The sender (name and lines, after the logo when there is one) at the top of the page and
    the recipient (first line bold) at `recipient_y`, in the window of a DL envelope."""
    top = 15.0
    x_text = pdf.l_margin
    if letter.logo_path and Path(letter.logo_path).is_file():
        try:
            info = pdf.image(letter.logo_path, x=pdf.l_margin, y=top, h=16)
            x_text = pdf.l_margin + float(getattr(info, "rendered_width", 0) or 30) + 4
        except Exception:  # a broken logo must not stop the letters: print without it
            x_text = pdf.l_margin
    pdf.set_xy(x_text, top)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(90, 6, _pdf_text(letter.sender_name), new_x="LEFT", new_y="NEXT")
    pdf.set_font("helvetica", "", 8.5)
    for line in letter.sender_lines:
        pdf.cell(90, 4, _pdf_text(line), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(110, recipient_y)
    pdf.set_font("helvetica", "B", 10.5)
    lines = letter.recipient_lines if recipient_lines is None else recipient_lines
    for i, line in enumerate(lines):
        if i == 1:
            pdf.set_font("helvetica", "", 10.5)
        pdf.set_x(110)
        pdf.cell(85, 5, _pdf_text(line), new_x="LEFT", new_y="NEXT")


def _draw_letter(pdf: _Document, letter: Letter, duplex: bool = False) -> None:
    """Draw one letter from a new page; its pages are numbered on their own."""
    words = WORDS.get(letter.language, WORDS["fr"])
    pdf.letter = letter
    pdf.add_page()
    first = pdf.page_no()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # Sender with the logo; the recipient in the window of a DL envelope.
    _letterhead(pdf, letter, recipient_y=50)

    # Place and date, references, subject.
    pdf.set_xy(110, 85)
    pdf.set_font("helvetica", "", 10)
    when = format_date(letter.as_of, "d MMMM yyyy", locale=LOCALES.get(letter.language, "fr_FR"))
    pdf.cell(85, 5, _pdf_text(words["place_date"].format(city=letter.place, date=when)))
    pdf.set_xy(pdf.l_margin, 98)
    pdf.set_font("helvetica", "", 8.5)
    pdf.cell(
        width,
        4,
        _pdf_text(
            f"{words['account']} : {letter.customer_number}    {words['ref']} : {letter.message_id}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font("helvetica", "B", 10.5)
    pdf.multi_cell(width, 5.5, _pdf_text(f"{words['subject']} : {letter.subject}"))
    pdf.ln(4)

    # The template's text, with the table where the template had its own.
    blocks = body_blocks(letter.body_html, letter.body_text)
    if not any(kind == "table" for kind, _ in blocks):
        split = max(1, min(len(blocks), 2))
        blocks = [*blocks[:split], ("table", ""), *blocks[split:]]
    for kind, text in blocks:
        if kind == "table":
            _draw_table(pdf, letter, words, width)
            continue
        pdf.set_font("helvetica", "B" if kind == "h" else "", 10)
        pdf.multi_cell(width, 5, _pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    # Signature.
    if pdf.get_y() > pdf.h - 55:
        pdf.add_page()
    pdf.ln(6)
    pdf.set_x(120)
    pdf.set_font("helvetica", "", 10)
    pdf.multi_cell(70, 5, _pdf_text(words["signature"]), new_x="LEFT", new_y="NEXT")
    if letter.signer:
        pdf.set_font("helvetica", "B", 10)
        pdf.multi_cell(70, 5, _pdf_text(letter.signer), new_x="LEFT", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.multi_cell(70, 5, _pdf_text(letter.sender_name), new_x="LMARGIN", new_y="NEXT")

    last = pdf.page_no()
    if duplex and (last - first + 1) % 2:
        pdf.letter = None
        pdf.add_page()
        last = pdf.page_no()
    # Number the letter's pages on their own ("page 1/2" of this letter).
    count = last - first + 1
    keep = pdf.page
    pdf.set_auto_page_break(False)  # the numbers go in the bottom margin
    for page in range(first, last + 1):
        pdf.page = page
        pdf.set_font("helvetica", "", 7)
        pdf.set_text_color(110)
        pdf.set_xy(pdf.w - pdf.r_margin - 30, pdf.h - 11)
        pdf.cell(30, 4, words["page"].format(n=page - first + 1, of=count), align="R")
        pdf.set_text_color(0)
    pdf.page = keep
    pdf.set_auto_page_break(True, margin=22)


def _draw_table(pdf: _Document, letter: Letter, words: dict, width: float) -> None:
    cols = [
        (words["piece"], 26, "L"),
        (words["reference"], 34, "L"),
        (words["due"], 24, "C"),
        (words["late"], 20, "R"),
        (words["level"], 16, "C"),
        (words["residual"], width - 120, "R"),
    ]
    lang = letter.language

    def header() -> None:
        pdf.set_font("helvetica", "B", 8.5)
        pdf.set_fill_color(235)
        for title, w, align in cols:
            pdf.cell(w, 6, _pdf_text(title), border=1, align=align, fill=True)
        pdf.ln()
        pdf.set_font("helvetica", "", 8.5)

    header()
    debits = [i for i in letter.items if i.residual > 0]
    credits = [i for i in letter.items if i.residual <= 0]
    for item in (*debits, *credits):
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
            header()
        due = (
            format_date(item.due_date, "dd/MM/yyyy", locale=LOCALES.get(lang, "fr_FR"))
            if item.due_date
            else ""
        )
        is_credit = item.residual <= 0
        values = [
            item.piece,
            item.reference,
            due,
            str(item.days_late) if item.days_late > 0 and not is_credit else "",
            words["credit"] if is_credit else (f"R{item.level}" if item.level else "-"),
            _money(item.residual, letter.currency, lang),
        ]
        for (_, w, align), value in zip(cols, values, strict=True):
            pdf.cell(w, 5.5, _pdf_text(value), border=1, align=align)
        pdf.ln()
    items_total = sum((i.residual for i in debits), Decimal("0.00"))
    credits_total = sum((i.residual for i in credits), Decimal("0.00"))
    label_width = width - cols[-1][1]
    rows = [(words["items_total"], items_total, "")]
    if credits:
        rows.append((words["credits_total"], credits_total, ""))
    rows.append((words["net"], items_total + credits_total, "B"))
    for label, amount, style in rows:
        pdf.set_font("helvetica", style, 9)
        pdf.cell(label_width, 6, _pdf_text(label), border=1, align="R")
        pdf.cell(
            cols[-1][1], 6, _pdf_text(_money(amount, letter.currency, lang)), border=1, align="R"
        )
        pdf.ln()
    pdf.ln(4)


def render_letters(
    letters: Sequence[Letter], path: Path | None = None, *, duplex: bool = False
) -> bytes:
    """The PDF of letters, each from a new page (one file for a print batch).

    Args:
        letters: the letters, in print order.
        path: where to write it too (folders are made).
        duplex: pad each letter to an even number of pages (for two-sided printing).
    """
    pdf = _Document()
    for letter in letters:
        _draw_letter(pdf, letter, duplex)
    if not letters:
        pdf.add_page()
    data = bytes(pdf.output())
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return data


def load_letters(engine: Engine, message_ids: Sequence[int]) -> list[Letter]:
    """The letters of some messages (an email can be printed too), in the order given."""
    m, mi, c, co = Message.__table__, MessageItem.__table__, Customer.__table__, Company.__table__
    a, u = Action.__table__, User.__table__
    ids = list(dict.fromkeys(message_ids))
    out: dict[int, Letter] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            items: dict[int, list[LetterItem]] = {}
            for r in conn.execute(
                select(mi)
                .where(mi.c.message_id.in_(chunk))
                .order_by(mi.c.message_id, mi.c.due_date, mi.c.id)
            ):
                items.setdefault(r.message_id, []).append(
                    LetterItem(
                        r.piece or "",
                        r.reference or "",
                        r.due_date,
                        r.days_late,
                        r.level,
                        r.residual,
                    )
                )
            query = (
                select(
                    m,
                    c.c.number.label("c_number"),
                    c.c.name.label("c_name"),
                    c.c.address.label("c_address"),
                    c.c.address2.label("c_address2"),
                    c.c.postal_code.label("c_postal_code"),
                    c.c.city.label("c_city"),
                    c.c.country.label("c_country"),
                    co.c.name.label("co_name"),
                    co.c.address.label("co_address"),
                    co.c.postal_code.label("co_postal_code"),
                    co.c.city.label("co_city"),
                    co.c.country.label("co_country"),
                    co.c.phone.label("co_phone"),
                    co.c.email.label("co_email"),
                    co.c.siret.label("co_siret"),
                    co.c.logo_path.label("co_logo"),
                    u.c.name.label("signer"),
                )
                .select_from(
                    m.join(c, c.c.id == m.c.customer_id)
                    .join(co, co.c.id == c.c.company_id)
                    .outerjoin(a, a.c.id == m.c.action_id)
                    .outerjoin(u, u.c.id == a.c.assigned_to)
                )
                .where(m.c.id.in_(chunk))
            )
            for r in conn.execute(query):
                out[r.id] = _letter(r, tuple(items.get(r.id, ())))
    return [out[i] for i in ids if i in out]


def _letter(r, items: tuple[LetterItem, ...]) -> Letter:  # noqa: ANN001
    city_line = " ".join(p for p in (r.co_postal_code, r.co_city) if p)
    contact = "  ".join(p for p in (r.co_phone, r.co_email) if p)
    sender_lines = tuple(p for p in (r.co_address, city_line, contact) if p)
    footer = r.co_name + (f" - SIRET {r.co_siret}" if r.co_siret else "")
    recipient_city = " ".join(p for p in (r.c_postal_code, r.c_city) if p)
    country = r.c_country if r.c_country and r.c_country.strip().lower() != "france" else ""
    recipient = tuple(
        p for p in (r.c_name, r.c_address, r.c_address2, recipient_city, country) if p and p.strip()
    )
    return Letter(
        message_id=r.id,
        language=r.language if r.language in WORDS else "fr",
        as_of=r.dunned_on or r.created_at.date(),
        subject=r.subject,
        body_html=r.body_html,
        body_text=r.body_text,
        currency=r.currency or "EUR",
        items=items,
        sender_name=r.co_name or "",
        sender_lines=sender_lines,
        sender_footer=footer,
        logo_path=r.co_logo or "",
        place=r.co_city or "",
        recipient_lines=recipient,
        customer_number=r.c_number,
        signer=r.signer or "",
    )


def letters_dir(settings: Settings | None = None) -> Path:
    """Where letters are kept: <data dir>/letters."""
    return (settings or load_settings()).data_dir / "letters"


def write_letter_files(
    engine: Engine, message_ids: Sequence[int], *, settings: Settings | None = None
) -> list[Path]:
    """Write the PDF of each letter message among `message_ids` and keep its path.

    Returns:
        The files written.
    """
    m = Message.__table__
    with engine.connect() as conn:
        ids = [
            r[0]
            for start in range(0, len(message_ids), 1000)
            for r in conn.execute(
                select(m.c.id).where(
                    m.c.id.in_(list(message_ids[start : start + 1000])), m.c.channel == "letter"
                )
            )
        ]
    if not ids:
        return []
    root = letters_dir(settings)
    written: dict[int, Path] = {}
    for letter in load_letters(engine, ids):
        path = (
            root
            / letter.as_of.isoformat()
            / f"{letter.message_id:08d}-{_safe(letter.customer_number)}.pdf"
        )
        render_letters([letter], path)
        written[letter.message_id] = path
    with engine.begin() as conn:
        for message_id, path in written.items():
            conn.execute(update(m).where(m.c.id == message_id).values(pdf_path=str(path)[:300]))
    return list(written.values())


def _safe(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", value)[:30] or "x"


def time_grouped(letters: Sequence[Letter], path: Path) -> float:
    """Seconds to write the grouped PDF of `letters` (the benchmark's measure)."""
    started = time.perf_counter()
    render_letters(letters, path)
    return time.perf_counter() - started


# ---- the statement of account attached to every dunning email

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
class Statement:
    """A customer's statement of account: its open items as of a day, as the app shows them.

    The totals are those of the customer card (`services.customer_card.Balance`): overdue and
    not-yet-due debits, credits, and the balance (their sum, the ledger's outstanding).
    """

    customer_id: int
    customer_number: str
    customer_name: str
    recipient_lines: tuple[str, ...]
    as_of: date
    language: str
    currency: str
    lines: tuple[StatementLine, ...]
    sender_name: str
    sender_lines: tuple[str, ...]
    sender_footer: str
    logo_path: str
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
    city_line = " ".join(p for p in (company.postal_code, company.city) if p)
    contact = "  ".join(p for p in (messaging.phone, messaging.reply_mailbox) if p)
    recipient_city = " ".join(p for p in (customer.postal_code, customer.city) if p)
    country = (
        customer.country
        if customer.country and customer.country.strip().lower() != "france"
        else ""
    )
    return Statement(
        customer_id=customer_id,
        customer_number=customer.number,
        customer_name=customer.name,
        recipient_lines=tuple(
            p
            for p in (customer.name, customer.address, customer.address2, recipient_city, country)
            if p and p.strip()
        ),
        as_of=as_of,
        language=lang,
        currency=company.currency or "EUR",
        lines=lines,
        sender_name=company.name or company.code,
        sender_lines=tuple(p for p in (company.address, city_line, contact) if p),
        sender_footer=(company.name or "") + (f" - SIRET {company.siret}" if company.siret else ""),
        logo_path=company.logo_path or "",
        payment=payment,
    )


def render_statement(statement: Statement, path: Path | None = None) -> bytes:
    """The PDF of a statement of account (written to `path` too when given)."""
    words = STATEMENT_WORDS[statement.language]
    lang = statement.language
    pdf = _Document()
    pdf.letter = Letter(  # the footer reads the sender's line from it
        message_id=0, language=lang, as_of=statement.as_of, subject="", body_html="",
        body_text="", currency=statement.currency, items=(), sender_name=statement.sender_name,
        sender_lines=statement.sender_lines, sender_footer=statement.sender_footer,
        logo_path=statement.logo_path, place="", recipient_lines=(),
        customer_number=statement.customer_number, signer="",
    )  # fmt: skip
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _letterhead(pdf, pdf.letter, recipient_y=40, recipient_lines=statement.recipient_lines)
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
    cols = [
        (words["date"], 20, "C"),
        (words["piece"], 26, "L"),
        (words["reference"], 30, "L"),
        (words["due"], 20, "C"),
        (words["late"], 18, "R"),
        (words["amount"], 28, "R"),
        (words["residual"], width - 142, "R"),
    ]

    def header() -> None:
        pdf.set_font("helvetica", "B", 8.5)
        pdf.set_fill_color(235)
        for title, w, align in cols:
            pdf.cell(w, 6, _pdf_text(title), border=1, align=align, fill=True)
        pdf.ln()
        pdf.set_font("helvetica", "", 8.5)

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
    rows = [(words["overdue"], statement.overdue, ""), (words["not_due"], statement.not_due, "")]
    if statement.credits:
        rows.append((words["credits"], statement.credits, ""))
    rows.append((words["balance"], statement.balance, "B"))
    label_width = width - cols[-1][1]
    for label, amount, style in rows:
        pdf.set_font("helvetica", style, 9)
        pdf.cell(label_width, 6, _pdf_text(label), border=1, align="R")
        pdf.cell(cols[-1][1], 6, _pdf_text(money(amount)), border=1, align="R")
        pdf.ln()
    if statement.payment:
        pdf.ln(5)
        pdf.set_font("helvetica", "", 9.5)
        pdf.multi_cell(width, 5, _pdf_text(statement.payment), new_x="LMARGIN", new_y="NEXT")
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
    data = bytes(pdf.output())
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return data


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
