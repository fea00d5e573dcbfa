"""A template's context: the company, customer, contact, sales rep and items of a proposal as the
templates see them (see `src_dash.dunning.templates` for the variables)."""

from __future__ import annotations

import base64
import html
import mimetypes
from datetime import date
from decimal import Decimal
from pathlib import Path

from src_dash.dunning.courtesy import courtesy
from src_dash.dunning.messaging import (
    payment_variables,
    sender_variables,
)
from src_dash.dunning.model import PlannedItem
from src_dash.dunning.penalties import ecb_rate, item_penalty, legal_rate
from src_dash.dunning.template_sandbox import ITEM_KEYS, MAX_LOGO_BYTES, VARIABLES
from src_dash.money import ZERO
from src_dash.store.space_links import example_url

# The line that gives the customer's space when a template does not place `space_url` itself.
SPACE_LINE = {
    "fr": "Consultez votre compte et répondez en ligne :",
    "en": "View your account and reply online:",
}


def _logo_url(path: str) -> str:
    """The logo as a data: URL (what both an email and a PDF can show), "" when unreadable."""
    if not path:
        return ""
    file = Path(path)
    try:
        if not file.is_file() or file.stat().st_size > MAX_LOGO_BYTES:
            return ""
        data = file.read_bytes()
    except OSError:
        return ""
    kind = mimetypes.guess_type(file.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _values(row: object, names: tuple[str, ...], **given: object) -> dict:
    """`names` (in their order) with the values `given`, the others the row's attributes."""
    return {name: given[name] if name in given else getattr(row, name) for name in names}


def _company(row: object | None) -> dict:
    if row is None:
        return dict.fromkeys(VARIABLES["company"], "") | {"currency": "EUR"}
    return _values(
        row,
        VARIABLES["company"],
        currency=row.currency or "EUR",
        logo_url=_logo_url(row.logo_path),
    )


def _customer(row: object, profile: str) -> dict:
    return _values(
        row,
        VARIABLES["customer"],
        language=row.language or "fr",
        profile=profile or row.profile,
        free_fields=dict(row.free_fields or {}),
    )


def _contact(row: object | None, fallback_name: str = "", fallback_email: str = "") -> dict:
    if row is None:
        return {
            "civility": "",
            "first_name": "",
            "last_name": "",
            "name": fallback_name,
            "function": "",
            "email": fallback_email,
        }
    name = " ".join(p for p in (row.first_name, row.last_name) if p)
    return {
        "civility": row.civility,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "name": name,
        "function": row.function,
        "email": row.email,
    }


def _sales_rep(row: object | None) -> dict:
    if row is None:
        return {"name": "", "email": "", "phone": ""}
    name = " ".join(p for p in (row.first_name, row.last_name) if p)
    return {"name": name, "email": row.email, "phone": row.phone}


def is_overdue(item: PlannedItem, as_of: date) -> bool:
    """Whether an item is owed and past its due date on the send date (`as_of`)."""
    due = item.due_date or item.posting_date
    return item.residual > 0 and due is not None and due < as_of


def _item(item: PlannedItem, as_of: date, book: str, ecb: Decimal, penalties_on: bool) -> dict:
    currency = item.currency or book
    owed = item.residual_currency if item.residual_currency is not None else item.residual
    overdue = is_overdue(item, as_of)
    if penalties_on and overdue:
        part = item_penalty(
            item.residual, item.due_date, as_of, is_invoice=item.kind == "invoice", ecb=ecb
        )
        interest, indemnity = part.interest, part.indemnity
    else:
        interest = indemnity = ZERO
    return _values(
        item,
        ITEM_KEYS,
        currency=currency,
        owed=owed,
        interest=interest,
        indemnity=indemnity,
        overdue=overdue,
    )


def build_context(
    *,
    as_of: date,
    language: str,
    phase: str,
    level: int,
    channel: str,
    step_name: str,
    scenario: str,
    company: dict,
    customer: dict,
    contact: dict,
    sales_rep: dict,
    items: tuple[PlannedItem, ...],
    credits: tuple[PlannedItem, ...],
    penalties_on: bool,
    ecb: Decimal | None = None,
    sender: dict | None = None,
    payment: dict | None = None,
    space_url: str | None = None,
) -> dict:
    """The template variables from their parts (documented in the module docstring).

    `space_url` is the example link (`store.space_links.example_url`) unless given: the real
    link is issued only when the message is sent or printed, and replaces it then.
    """
    ecb = ecb_rate() if ecb is None else ecb
    book = company.get("currency") or "EUR"
    item_rows = [_item(i, as_of, book, ecb, penalties_on) for i in items]
    credit_rows = [_item(i, as_of, book, ecb, False) for i in credits]
    residual = sum((i["residual"] for i in item_rows), ZERO)
    credit_total = sum((i["residual"] for i in credit_rows), ZERO)
    owed: dict[str, Decimal] = {}
    for row in item_rows + credit_rows:
        owed[row["currency"]] = owed.get(row["currency"], ZERO) + row["owed"]
    interest = sum((i["interest"] for i in item_rows), ZERO)
    indemnity = sum((i["indemnity"] for i in item_rows), ZERO)
    overdue = any(i["overdue"] for i in item_rows)
    return {
        "as_of": as_of,
        "overdue": overdue,
        "language": language,
        "phase": phase,
        "level": level,
        "channel": channel,
        "step_name": step_name,
        "scenario": scenario,
        "company": company,
        "customer": customer,
        "contact": contact
        | courtesy(contact.get("civility", ""), contact.get("last_name", ""), language),
        "sender": sender or sender_variables(None, language),
        "payment": payment or payment_variables(None, customer.get("number", ""), items),
        "sales_rep": sales_rep,
        "space_url": example_url() if space_url is None else space_url,
        "items": item_rows,
        "credits": credit_rows,
        "totals": {
            "count": len(item_rows),
            "residual": residual,
            "credits": credit_total,
            "net": residual + credit_total,
            "currency": book,
            "owed": [{"currency": c, "amount": a} for c, a in sorted(owed.items())],
        },
        "free_fields": customer.get("free_fields", {}),
        "penalties": {
            "enabled": penalties_on,
            "applies": penalties_on and overdue,
            "ecb_rate": ecb,
            "rate": legal_rate(ecb),
            "indemnity_per_invoice": Decimal("40.00"),
            "interest": interest,
            "indemnity": indemnity,
            "total": interest + indemnity,
            "invoices": sum(1 for i in item_rows if i["indemnity"]),
        },
    }


def uses_space_url(*sources: str) -> bool:
    """Whether a template's sources place the customer's space link themselves."""
    return any("space_url" in (s or "") for s in sources)


def space_footer(body_html: str, body_text: str, language: str, url: str) -> tuple[str, str]:
    """An email's bodies with the line that gives the customer's space appended (for a
    company's own template that does not use `space_url`: every message carries the link)."""
    line = SPACE_LINE.get(language, SPACE_LINE["fr"])
    href = html.escape(url, quote=True)
    block = (
        '<p style="font-family:Arial,Helvetica,sans-serif;font-size:13px;color:#444">'
        f'{html.escape(line)} <a href="{href}">{href}</a></p>\n'
    )
    text = f"{body_text.rstrip()}\n\n{line} {url}\n" if body_text.strip() else body_text
    return f"{body_html.rstrip()}\n{block}" if body_html.strip() else body_html, text
