"""Letters: a PDF per letter from the same rendered template as the email, and one grouped PDF
of the letters to print, one letter per set of pages.

A letter has the sender with its logo at the top, the recipient placed for the window of a
French DL envelope (window 45 mm from the top, 100 mm from the left edge), place and date, the
subject, the template's text, the table of its items (each with its level) with the credits and
the totals, the signature, and the customer's personal link to their space as a QR code with
its short address (issued when the letter is loaded to be written or printed). The template's
text is the rendered HTML body, read as paragraphs; where the template had a table (its list of
items) the letter's own table goes, so the letter says what the email says without the email's
layout.

PDFs are written with fpdf2 and the PDF core fonts (Windows-1252: French, the euro sign), fast
enough for hundreds of letters a second. Each letter's PDF is kept under
``<data dir>/letters/<day>/`` and its path in `Message.pdf_path`; the grouped file of a print
batch under ``<data dir>/letters/print/``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.clock import utcnow
from src_dash.config import Settings, load_settings
from src_dash.dunning.letter_layout import (
    LOCALES,
    WORDS,
    Letter,
    LetterItem,
    _Document,
    _draw_letter,
    _safe,
    _save_pdf,
    body_blocks,
    recipient_lines,
    sender_fields,
)
from src_dash.dunning.space_link import put_link
from src_dash.dunning.statement import (
    STATEMENT_WORDS,
    Statement,
    StatementLine,
    load_statement,
    render_statement,
    statements_dir,
    write_statement,
)
from src_dash.store import Action, Company, Customer, Message, MessageItem, User
from src_dash.store.space_links import example_url

__all__ = [
    "LOCALES",
    "STATEMENT_WORDS",
    "WORDS",
    "Letter",
    "LetterItem",
    "Statement",
    "StatementLine",
    "body_blocks",
    "letters_dir",
    "load_letters",
    "load_statement",
    "render_letters",
    "render_statement",
    "statements_dir",
    "time_grouped",
    "write_letter_files",
    "write_statement",
]


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
    return _save_pdf(pdf, path)


def load_letters(engine: Engine, message_ids: Sequence[int], *, links: bool = True) -> list[Letter]:
    """The letters of some messages (an email can be printed too), in the order given.

    Each letter loaded is to be printed: it gets the customer's personal link to their space,
    issued now (`space_link.put_link`, a new token renewing the customer's live links), printed
    with its QR code and put in place of the example link in its text. With `links=False` (a
    preview), the example link stays and is printed.
    """
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
    letters = [out[i] for i in ids if i in out]
    if not links:
        return [replace(x, space_url=example_url()) for x in letters]
    now = utcnow()
    with engine.begin() as conn:
        for n, x in enumerate(letters):
            url, (html, text) = put_link(
                conn, x.customer_id, x.message_id, now, x.body_html, x.body_text
            )
            letters[n] = replace(x, space_url=url, body_html=html, body_text=text)
    return letters


def _letter(r, items: tuple[LetterItem, ...]) -> Letter:  # noqa: ANN001
    return Letter(
        message_id=r.id,
        language=r.language if r.language in WORDS else "fr",
        as_of=r.dunned_on or r.created_at.date(),
        subject=r.subject,
        body_html=r.body_html,
        body_text=r.body_text,
        currency=r.currency or "EUR",
        items=items,
        **sender_fields(
            r.co_name or "",
            r.co_name or "",
            r.co_address,
            r.co_postal_code,
            r.co_city,
            (r.co_phone, r.co_email),
            r.co_siret,
            r.co_logo,
        ),
        place=r.co_city or "",
        recipient_lines=recipient_lines(
            r.c_name, r.c_address, r.c_address2, r.c_postal_code, r.c_city, r.c_country
        ),
        customer_number=r.c_number,
        signer=r.signer or "",
        customer_id=r.customer_id,
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


def time_grouped(letters: Sequence[Letter], path: Path) -> float:
    """Seconds to write the grouped PDF of `letters` (the benchmark's measure)."""
    started = time.perf_counter()
    render_letters(letters, path)
    return time.perf_counter() - started
