"""Plain records that every source returns and the sync writes; they know nothing of the store.

Keys: `key` is the source's stable identity of the row (cbMarq in Sage 100, a content key in a
FEC). Amounts are Decimal in book currency, signed: debit positive, credit negative.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from src_dash.money import to_cents


@dataclass(frozen=True, slots=True)
class FiscalYear:
    """One fiscal year of a company (P_DOSSIER D_DebutExoNN / D_FinExoNN)."""

    start: date
    end: date
    is_open: bool


@dataclass(frozen=True, slots=True)
class CompanyInfo:
    """The company a source describes (P_DOSSIER, or the FEC file's SIREN)."""

    name: str
    currency: str = "EUR"
    siret: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""
    fiscal_years: tuple[FiscalYear, ...] = ()


@dataclass(frozen=True, slots=True)
class SalesRepRecord:
    """A sales rep or collector (F_COLLABORATEUR); `key` is CO_No."""

    key: int
    last_name: str
    first_name: str = ""
    email: str = ""
    phone: str = ""
    is_sales_rep: bool = True
    is_collector: bool = False


@dataclass(frozen=True, slots=True)
class ContactServiceRecord:
    """A contact service (P_SERVICECPTA); `key` is cbIndice."""

    key: int
    name: str
    abbreviation: str = ""


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """A customer account (F_COMPTET with CT_Type = 0); `key` is CT_Num."""

    key: str
    name: str
    sort_name: str = ""
    siret: str = ""
    vat_number: str = ""
    address: str = ""
    address2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""
    sales_rep_key: int | None = None
    credit_limit: Decimal = Decimal("0.00")
    risk_code: int | None = None
    do_not_dun: bool = False
    no_penalties: bool = False
    dormant: bool = False
    currency: str = ""
    payer_number: str = ""
    created_on: date | None = None
    language: str = "fr"
    free_fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """A customer contact (F_CONTACTT); `key` is cbMarq."""

    key: int
    customer_key: str
    last_name: str
    first_name: str = ""
    civility: str = ""
    function: str = ""
    service_key: int | None = None
    phone: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ is 3x slower, per entry
class EntryRecord:
    """One accounting line on a customer account (F_ECRITUREC, or a 411 line of a FEC).

    `amount` and `settled_amount` are signed in book currency (debit +, credit -);
    `amount_currency` is signed in `currency` (empty currency means book currency).
    `lettered` means fully lettered; a partly settled line has `settled_amount` not zero.
    `free_fields` holds the line's free fields that have a value, as text (none in a FEC).
    `doubtful` marks a line on a doubtful-receivables account (416, clients douteux).
    """

    key: int
    customer_key: str
    journal: str
    posting_date: date
    document_date: date | None
    piece: str
    reference: str
    label: str
    account: str
    amount: Decimal
    due_date: date | None = None
    entry_no: int | None = None
    currency: str = ""
    amount_currency: Decimal | None = None
    exchange_rate: Decimal | None = None
    lettering_code: str = ""
    lettered: bool = False
    lettering_date: date | None = None
    settled_amount: Decimal = Decimal("0.00")
    settlement_status: int = 0
    settled_on: date | None = None
    payment_method: str = ""
    reminder_count: int = 0
    last_reminder_on: date | None = None
    carried_forward: bool = False
    free_fields: dict[str, str] = field(default_factory=dict)
    modified_at: datetime | None = None
    doubtful: bool = False


# The compact form of an entry that the sync hashes and writes as it is: one tuple per entry,
# fields in this order, money as integer cents, dates as ISO text (or None), the exchange rate as
# text. Sources that read millions of rows (Sage 100) build it straight from their rows; others
# build EntryRecords and turn them into rows with `entry_row`. The free fields come next to last, as
# the JSON text the store keeps ("{}" when there are none: see `free_fields_text`); the doubtful
# flag (a 416 line) comes last.
ENTRY_ROW_FIELDS = (
    "key",
    "customer_key",
    "entry_no",
    "journal",
    "posting_date",
    "document_date",
    "piece",
    "reference",
    "label",
    "account",
    "amount",
    "residual",
    "currency",
    "amount_currency",
    "exchange_rate",
    "due_date",
    "lettering_code",
    "lettered",
    "lettering_date",
    "settled_amount",
    "settlement_status",
    "settled_on",
    "payment_method",
    "reminder_count",
    "last_reminder_on",
    "carried_forward",
    "free_fields",
    "doubtful",
)
NO_FREE_FIELDS = "{}"
# Longest text the store keeps for these fields.
ENTRY_TEXT_LIMITS = {
    "journal": 10,
    "piece": 30,
    "reference": 30,
    "label": 120,
    "account": 20,
    "currency": 3,
    "lettering_code": 10,
    "payment_method": 40,
}


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def free_fields_text(values: dict[str, str]) -> str:
    """Free fields as the JSON text of the compact row and the store, in the source's order."""
    return json.dumps(values, ensure_ascii=False) if values else NO_FREE_FIELDS


def entry_row(r: EntryRecord) -> tuple:
    """An EntryRecord in the compact row form (ENTRY_ROW_FIELDS); residual 0 once lettered."""
    amount = to_cents(r.amount)
    settled = to_cents(r.settled_amount)
    return (
        r.key,
        r.customer_key,
        r.entry_no,
        r.journal[:10],
        r.posting_date.isoformat(),
        _iso(r.document_date),
        r.piece[:30],
        r.reference[:30],
        r.label[:120],
        r.account[:20],
        amount,
        0 if r.lettered else amount - settled,
        r.currency[:3],
        None if r.amount_currency is None else to_cents(r.amount_currency),
        None if r.exchange_rate is None else str(r.exchange_rate),
        _iso(r.due_date),
        r.lettering_code[:10],
        r.lettered,
        _iso(r.lettering_date),
        settled,
        r.settlement_status,
        _iso(r.settled_on),
        r.payment_method[:40],
        r.reminder_count,
        _iso(r.last_reminder_on),
        r.carried_forward,
        free_fields_text(r.free_fields),
        r.doubtful,
    )


def entry_record(row: tuple) -> EntryRecord:
    """A compact entry row back as an EntryRecord (to read it, not on the sync's hot path)."""
    values = dict(zip(ENTRY_ROW_FIELDS, row, strict=True))
    for name in ("amount", "settled_amount", "amount_currency"):
        if values[name] is not None:
            values[name] = (Decimal(values[name]) / 100).quantize(Decimal("0.01"))
    for name in ("posting_date", "document_date", "due_date", "lettering_date", "settled_on"):
        if values[name] is not None:
            values[name] = date.fromisoformat(values[name])
    if values["last_reminder_on"] is not None:
        values["last_reminder_on"] = date.fromisoformat(values["last_reminder_on"])
    if values["exchange_rate"] is not None:
        values["exchange_rate"] = Decimal(values["exchange_rate"])
    values["free_fields"] = json.loads(values["free_fields"])
    values["doubtful"] = bool(values["doubtful"])
    del values["residual"]
    return EntryRecord(**values)
