"""Companies (one Sage base or FEC each), their sales reps and their contact services."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from src_dash.clock import utcnow
from src_dash.store.types import UTCDateTime


class Company(SQLModel, table=True):
    """A company (société): one Sage 100 base or one series of FEC files."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(default="", max_length=120)
    currency: str = Field(default="EUR", max_length=3)
    source_kind: str = Field(default="sage100", max_length=16)  # sage100 | fec
    source_dsn: str = Field(default="", max_length=1000)  # ODBC connection string, or FEC path
    source_encoding: str = Field(default="", max_length=20)  # text encoding; empty = dialect's
    siret: str = Field(default="", max_length=20)
    address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=80)
    country: str = Field(default="", max_length=80)
    email: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=40)
    logo_path: str = Field(default="", max_length=300)
    open_from: date | None = None  # first day of the oldest open fiscal year
    open_to: date | None = None  # last day of the newest open fiscal year
    active: bool = True
    # Account keys the admin said are no customers (cash-receipt buckets): left out of the
    # company's next FEC imports.
    not_customers: list = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default=text("'[]'"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class _CompanyCoded(SQLModel):
    """A row the company's source numbers (`code`, unique in the company), with the hash of
    what the sync last read of it."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    code: int
    row_hash: int = Field(default=0, sa_type=BigInteger)


class SalesRep(_CompanyCoded, table=True):
    """A sales rep or collector of a company (F_COLLABORATEUR); `code` is CO_No."""

    __tablename__ = "sales_rep"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    last_name: str = Field(default="", max_length=80)
    first_name: str = Field(default="", max_length=80)
    email: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=40)
    is_sales_rep: bool = True
    is_collector: bool = False


class ContactService(_CompanyCoded, table=True):
    """A contact service (P_SERVICECPTA) and how dunning treats it: To, Cc or never."""

    __tablename__ = "contact_service"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    name: str = Field(default="", max_length=80)
    abbreviation: str = Field(default="", max_length=10)
    dunning_role: str = Field(default="cc", max_length=8)  # to | cc | never
