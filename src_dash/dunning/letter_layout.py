"""The layout of a letter's PDF: the letter as drawn (`Letter`, `LetterItem`), the template's
body read as blocks, the letterhead (sender and the recipient in the window of a DL envelope),
the text and the table of items; shared with the statement of account."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import segno
from babel.dates import format_date
from babel.numbers import format_currency
from fpdf import FPDF

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
        "space": "Votre espace client",
        "space_line": "Consultez votre compte et répondez en ligne :",
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
        "space": "Your customer space",
        "space_line": "View your account and reply online:",
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
class Letterhead:
    """What heads a letter or a statement: who sends it, to whom, when, in which language."""

    as_of: date
    language: str
    currency: str
    customer_number: str
    recipient_lines: tuple[str, ...]
    sender_name: str
    sender_lines: tuple[str, ...]
    sender_footer: str
    logo_path: str


@dataclass(frozen=True)
class Letter(Letterhead):
    """Everything a letter shows."""

    message_id: int
    subject: str
    body_html: str
    body_text: str
    items: tuple[LetterItem, ...]
    place: str
    signer: str
    customer_id: int = 0
    space_url: str = ""  # the customer's personal link, printed with its QR code ("" : none)


def recipient_lines(
    name: str | None,
    address: str | None,
    address2: str | None,
    postal_code: str | None,
    city: str | None,
    country: str | None,
) -> tuple[str, ...]:
    """The recipient's address as printed: blank lines left out, and the country unless France."""
    city_line = " ".join(p for p in (postal_code, city) if p)
    country = country if country and country.strip().lower() != "france" else ""
    return tuple(p for p in (name, address, address2, city_line, country) if p and p.strip())


def sender_fields(
    name: str,
    shown_name: str,
    address: str | None,
    postal_code: str | None,
    city: str | None,
    contacts: tuple[str | None, ...],
    siret: str | None,
    logo_path: str | None,
) -> dict[str, object]:
    """A `Letterhead`'s sender fields: `shown_name`, the address and contact lines, the footer
    (`name` and SIRET) and the logo."""
    city_line = " ".join(p for p in (postal_code, city) if p)
    contact = "  ".join(c for c in contacts if c)
    return {
        "sender_name": shown_name,
        "sender_lines": tuple(p for p in (address, city_line, contact) if p),
        "sender_footer": name + (f" - SIRET {siret}" if siret else ""),
        "logo_path": logo_path or "",
    }


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
        self.letter: Letterhead | None = None
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


def _letterhead(pdf: _Document, letter: Letterhead, recipient_y: float) -> None:
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
    for i, line in enumerate(letter.recipient_lines):
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
    if letter.space_url:
        _draw_space(pdf, letter.space_url, words, width)

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


QR_SIZE = 26.0  # mm: a phone reads it from a page held at arm's length


def qr_png(url: str) -> bytes:
    """The QR code of a link as a PNG (error correction M, a quiet zone of two modules)."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def _draw_space(pdf: _Document, url: str, words: dict, width: float) -> None:
    """The customer's space: its QR code, and beside it what it is and its short address."""
    if pdf.get_y() > pdf.h - 22 - QR_SIZE - 8:
        pdf.add_page()
    pdf.ln(6)
    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(url)), x=pdf.l_margin, y=top, w=QR_SIZE, h=QR_SIZE)
    x = pdf.l_margin + QR_SIZE + 4
    pdf.set_xy(x, top + 4)
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(width - QR_SIZE - 4, 5, _pdf_text(words["space"]), new_x="LEFT", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    pdf.cell(width - QR_SIZE - 4, 5, _pdf_text(words["space_line"]), new_x="LEFT", new_y="NEXT")
    pdf.set_font("courier", "", 8)  # a typed address: 0 and O, 1 and l apart; 80 to a line
    pdf.multi_cell(width - QR_SIZE - 4, 4.5, _pdf_text(url), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE))


def _table_header(pdf: _Document, cols: Sequence[tuple[str, float, str]]) -> None:
    """A table's header row (bold titles on grey), then the font of its rows."""
    pdf.set_font("helvetica", "B", 8.5)
    pdf.set_fill_color(235)
    for title, w, align in cols:
        pdf.cell(w, 6, _pdf_text(title), border=1, align=align, fill=True)
    pdf.ln()
    pdf.set_font("helvetica", "", 8.5)


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

    header = functools.partial(_table_header, pdf, cols)

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


def _save_pdf(pdf: _Document, path: Path | None) -> bytes:
    """The document's bytes, written to `path` too when given (atomically: a .tmp file
    renamed; folders are made)."""
    data = bytes(pdf.output())
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return data


def _safe(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", value)[:30] or "x"
