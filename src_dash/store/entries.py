"""Accounting entries on customer accounts, and the app's own state of each item."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, Numeric, false, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from src_dash.store.types import Money


class Entry(SQLModel, table=True):
    """One line on a customer account (F_ECRITUREC or a 411 FEC line), owned by the sync.

    `amount`, `settled_amount` and `residual` are signed in book currency (debit +). `residual`
    is what is still open: 0 when fully lettered, else amount - settled amount. `free_fields`
    holds the entry's free fields with a value (Sage's cbSysLibre for F_ECRITUREC), as text.
    """

    __table_args__ = (
        UniqueConstraint("company_id", "source_key"),
        Index("ix_entry_customer_open", "customer_id", "lettered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id")
    customer_id: int = Field(foreign_key="customer.id")
    source_key: int = Field(sa_column=Column(BigInteger, nullable=False))
    entry_no: int | None = None
    journal: str = Field(default="", max_length=10)
    posting_date: date
    document_date: date | None = None
    piece: str = Field(default="", max_length=30)
    reference: str = Field(default="", max_length=30)
    label: str = Field(default="", max_length=120)
    account: str = Field(default="", max_length=20)
    amount: Decimal = Field(sa_type=Money)
    residual: Decimal = Field(sa_type=Money)
    currency: str = Field(default="", max_length=3)
    amount_currency: Decimal | None = Field(default=None, sa_type=Money)
    exchange_rate: Decimal | None = Field(default=None, sa_type=Numeric(18, 8, asdecimal=True))
    due_date: date | None = None
    lettering_code: str = Field(default="", max_length=10)
    lettered: bool = False
    lettering_date: date | None = None
    settled_amount: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    settlement_status: int = 0
    settled_on: date | None = None
    payment_method: str = Field(default="", max_length=40)
    reminder_count: int = 0
    last_reminder_on: date | None = None
    carried_forward: bool = False
    # A line on a doubtful-receivables account (416, clients douteux): counted, shown apart,
    # not dunned by default.
    doubtful: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, default=False, server_default=false()),
    )
    # The entry's free fields (informations libres of F_ECRITUREC), name -> text, non-empty
    # values only. The server default fills rows written without it (raw inserts, old rows).
    free_fields: dict = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default=text("'{}'")),
    )
    row_hash: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class ItemState(SQLModel, table=True):
    """What the app knows of an item beyond the books: its dunning level and any stop."""

    __tablename__ = "item_state"

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    level: int = 0
    next_level: int | None = None  # set by hand: the level of the next message
    last_dunned_on: date | None = None
    stop_reason: str = Field(default="", max_length=200)
    stop_until: date | None = None
