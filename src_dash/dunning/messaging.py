"""A company's messaging settings as the messages use them: sender, Reply-To, signature, payment.

The stored row (`CompanyMessaging`) may be missing or have empty fields: each then falls back on
the company record, so a company set up before these settings sends as before, with its name:

- sender name: the company's name; sender address: SMTP_FROM (the address the mail server is set
  up to send for);
- collection mailbox (Reply-To): the sender address;
- phone: the company's phone; signature: "Le service comptabilité clients" and the company's name;
- payment reference: the invoice numbers.

The template variables `sender` and `payment` come from here (`sender_variables`,
`payment_variables`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from src_dash.config import Settings, load_settings
from src_dash.dunning.reply_address import reply_to
from src_dash.dunning.send_window import SendWindow, window_of
from src_dash.store import Company, CompanyMessaging

PAYMENT_REFERENCES = ("invoice", "customer")
SIGNATURE_LINE = {"fr": "Le service comptabilité clients", "en": "Accounts receivable"}


@dataclass(frozen=True)
class Messaging:
    """A company's messaging settings, every field resolved (see the module's docstring)."""

    company_id: int
    company_name: str
    sender_name: str
    sender_email: str
    reply_mailbox: str
    signature: str  # as stored ("" : the default, in the message's language)
    phone: str
    iban: str
    bic: str
    bank_name: str
    payment_reference: str
    reply_secret: str
    window: SendWindow
    stored: bool  # a row exists

    @property
    def sender(self) -> str:
        """The From header's value, unencoded: "Name <address>" (quoted when it must be)."""
        if not self.sender_name:
            return self.sender_email
        try:
            return str(Address(display_name=self.sender_name, addr_spec=self.sender_email))
        except (ValueError, IndexError, TypeError):
            return self.sender_email

    def signature_in(self, language: str) -> str:
        """The signature block (the default one in `language` when none is set)."""
        if self.signature.strip():
            return self.signature.strip()
        return f"{SIGNATURE_LINE.get(language, SIGNATURE_LINE['fr'])}\n{self.company_name}"

    def reply_to(self, message_id: int) -> str:
        """The Reply-To address of a message ("" without a secret or a usable mailbox)."""
        if not self.reply_secret or "@" not in self.reply_mailbox:
            return ""
        return reply_to(self.reply_mailbox, message_id, self.reply_secret)


def _address(value: str) -> str:
    return parseaddr(value or "")[1].strip()


def resolve(company: object, row: object | None, settings: Settings | None = None) -> Messaging:
    """The settings of a company from its record and its (possibly missing) row."""
    smtp_from = _address((settings or load_settings()).smtp_from)
    get = (
        (lambda name, default="": getattr(row, name) or default)
        if row is not None
        else (lambda name, default="": default)
    )
    sender_email = _address(get("sender_email")) or smtp_from
    return Messaging(
        company_id=company.id,
        company_name=company.name or company.code,
        sender_name=get("sender_name").strip() or company.name or "",
        sender_email=sender_email,
        reply_mailbox=_address(get("reply_mailbox")) or sender_email,
        signature=get("signature"),
        phone=get("phone") or company.phone or "",
        iban=get("iban"),
        bic=get("bic"),
        bank_name=get("bank_name"),
        payment_reference=get("payment_reference", "invoice"),
        reply_secret=get("reply_secret"),
        window=window_of(row),
        stored=row is not None,
    )


def companies_messaging(
    conn: Connection, company_ids: Iterable[int], settings: Settings | None = None
) -> dict[int, Messaging]:
    """The resolved settings of some companies."""
    ids = sorted(set(company_ids))
    if not ids:
        return {}
    co, cm = Company.__table__, CompanyMessaging.__table__
    companies = {r.id: r for r in conn.execute(select(co).where(co.c.id.in_(ids)))}
    rows = {r.company_id: r for r in conn.execute(select(cm).where(cm.c.company_id.in_(ids)))}
    settings = settings or load_settings()
    return {
        cid: resolve(companies[cid], rows.get(cid), settings) for cid in ids if cid in companies
    }


def company_messaging(
    conn: Connection, company_id: int, settings: Settings | None = None
) -> Messaging:
    """The resolved settings of a company.

    Raises:
        KeyError: when there is no such company.
    """
    return companies_messaging(conn, [company_id], settings)[company_id]


def ensure_reply_secrets(conn: Connection, company_ids: Iterable[int]) -> None:
    """Give each company a reply secret (making its settings row when it has none).

    Run in a write transaction; a secret, once made, never changes (replies to old messages
    still name them).
    """
    cm = CompanyMessaging.__table__
    ids = sorted(set(company_ids))
    if not ids:
        return
    rows = {
        r.company_id: r.reply_secret
        for r in conn.execute(
            select(cm.c.company_id, cm.c.reply_secret).where(cm.c.company_id.in_(ids))
        )
    }
    for company_id in ids:
        if company_id not in rows:
            conn.execute(
                insert(cm).values(
                    company_id=company_id,
                    reply_secret=secrets.token_hex(16),
                    send_days=[0, 1, 2, 3, 4],
                )
            )
        elif not rows[company_id]:
            conn.execute(
                update(cm)
                .where(cm.c.company_id == company_id, cm.c.reply_secret == "")
                .values(reply_secret=secrets.token_hex(16))
            )


def sender_variables(messaging: Messaging | None, language: str) -> dict:
    """The template variable ``sender``: name, email, reply_to, phone, signature."""
    if messaging is None:
        return {"name": "", "email": "", "reply_to": "", "phone": "", "signature": ""}
    return {
        "name": messaging.sender_name,
        "email": messaging.sender_email,
        "reply_to": messaging.reply_mailbox,
        "phone": messaging.phone,
        "signature": messaging.signature_in(language),
    }


def payment_reference(rule: str, customer_number: str, items: Iterable[object]) -> str:
    """The reference a customer is asked to put on a transfer.

    Args:
        rule: ``invoice`` (the items' invoice numbers: reference, else piece) or ``customer``
            (the customer's account number).
        customer_number: the customer's number.
        items: the message's items (with `reference` and `piece`).
    """
    if rule == "customer":
        return customer_number
    numbers: list[str] = []
    for item in items:
        ref = getattr(item, "reference", "") or getattr(item, "piece", "")
        if ref and ref not in numbers:
            numbers.append(ref)
    return ", ".join(numbers) or customer_number


def payment_variables(
    messaging: Messaging | None, customer_number: str, items: Iterable[object]
) -> dict:
    """The template variable ``payment``: iban, bic, bank, reference, rule."""
    if messaging is None:
        return {"iban": "", "bic": "", "bank": "", "reference": customer_number, "rule": "invoice"}
    return {
        "iban": format_iban(messaging.iban),
        "bic": messaging.bic.upper(),
        "bank": messaging.bank_name,
        "reference": payment_reference(messaging.payment_reference, customer_number, items),
        "rule": messaging.payment_reference,
    }


def format_iban(iban: str) -> str:
    """An IBAN in groups of four, as printed ("FR76 3000 6000 ...")."""
    compact = "".join((iban or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def iban_is_valid(iban: str) -> bool:
    """Whether an IBAN passes the ISO 13616 check (mod 97)."""
    compact = "".join((iban or "").split()).upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum() or not compact[:2].isalpha():
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1
