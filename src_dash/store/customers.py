"""Customers and their contacts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel, UniqueConstraint

from src_dash.clock import utcnow
from src_dash.store.types import Money, UTCDateTime


class Customer(SQLModel, table=True):
    """A customer account (F_COMPTET, CT_Type = 0); `number` is CT_Num.

    Columns up to `free_fields` come from the source and are rewritten by the sync; the ones after
    belong to the app and are never touched by the sync.
    """

    __table_args__ = (UniqueConstraint("company_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    number: str = Field(max_length=20)
    name: str = Field(default="", max_length=120)
    sort_name: str = Field(default="", max_length=40)
    siret: str = Field(default="", max_length=20)
    vat_number: str = Field(default="", max_length=30)
    address: str = Field(default="", max_length=120)
    address2: str = Field(default="", max_length=120)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=80)
    country: str = Field(default="", max_length=80)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=120)
    sales_rep_id: int | None = Field(default=None, foreign_key="sales_rep.id", index=True)
    credit_limit: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    risk_code: int | None = None
    do_not_dun: bool = False
    no_penalties: bool = False
    dormant: bool = False
    currency: str = Field(default="", max_length=3)
    payer_number: str = Field(default="", max_length=20)
    created_on: date | None = None
    language: str = Field(default="fr", max_length=5)
    free_fields: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    removed_from_source: bool = False
    row_hash: int = Field(default=0, sa_type=BigInteger)
    profile: str = Field(default="", max_length=40)
    profile_set_by_hand: bool = False
    collector_id: int | None = Field(default=None, foreign_key="app_user.id")
    stop_reason: str = Field(default="", max_length=200)
    stop_until: date | None = None
    # A scenario forced by hand (else the one of the profile). No foreign key: adding one to
    # an existing SQLite table means rebuilding it; deleting a scenario clears this column.
    scenario_id: int | None = None


class Contact(SQLModel, table=True):
    """A customer contact: from Sage (F_CONTACTT, `source_key` = cbMarq) or typed in the app."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    source_key: int | None = Field(default=None, index=True)
    origin: str = Field(default="sage", max_length=8)  # sage | app
    civility: str = Field(default="", max_length=20)
    last_name: str = Field(default="", max_length=80)
    first_name: str = Field(default="", max_length=80)
    function: str = Field(default="", max_length=80)
    service_id: int | None = Field(default=None, foreign_key="contact_service.id")
    phone: str = Field(default="", max_length=40)
    mobile: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=120)
    dunning_role: str = Field(default="", max_length=8)  # empty = the service's role
    language: str = Field(default="", max_length=5)  # empty: the customer's language
    row_hash: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Erased on the person's request (RGPD): a sync never writes the source's values back.
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
