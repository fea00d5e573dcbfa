"""Operations: sync runs and cursors, the audit log, the store's data version."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from src_dash.clock import utcnow
from src_dash.store.types import Money, UTCDateTime


class SyncRun(SQLModel, table=True):
    """One run of the sync or of a FEC import, with its counts, duration and error."""

    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    source_kind: str = Field(default="sage100", max_length=16)
    mode: str = Field(default="incremental", max_length=12)  # full | incremental | fec
    status: str = Field(default="running", max_length=12)  # running | ok | failed | interrupted
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    duration_ms: int = 0
    added: int = 0
    changed: int = 0
    deleted: int = 0
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = ""


class SourceBalance(SQLModel, table=True):
    """The receivable balance of one customer computed from the source itself at the last run.

    Sage 100: debit - credit of the customer's F_ECRITUREC lines of the open years, summed by
    the server (carried-forward lines on their first date only, as the analytics count them);
    FEC: the file's customer lines. Replaced whole by every successful run of the company, and
    compared with the app's outstanding by the reconciliation.
    """

    __tablename__ = "source_balance"

    company_id: int = Field(foreign_key="company.id", primary_key=True)
    customer_number: str = Field(max_length=40, primary_key=True)
    balance: Decimal = Field(sa_type=Money)
    lines: int = 0


class SyncCursor(SQLModel, table=True):
    """Where the last successful sync of a source table stopped (highest cbMarq, newest change)."""

    __tablename__ = "sync_cursor"

    company_id: int = Field(foreign_key="company.id", primary_key=True)
    table_name: str = Field(max_length=40, primary_key=True)
    last_marq: int = 0
    # Newest cbModification seen, on the source's clock (naive, ISO text: not a UTC timestamp).
    last_modified: str = Field(default="", max_length=26)
    scope: str = Field(default="", max_length=200)  # what the rows were filtered on (fiscal years)
    # Rows of the source table up to last_marq when the run ended; fewer later means deletions.
    source_count: int = 0


class AuditLog(SQLModel, table=True):
    """Who did what, when: every change made through a service."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    action: str = Field(max_length=60)
    entity: str = Field(default="", max_length=40)
    entity_id: int | None = None
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class StoreMeta(SQLModel, table=True):
    """Key-value facts about the store, such as `data_version`, bumped on every data change."""

    __tablename__ = "store_meta"

    key: str = Field(max_length=40, primary_key=True)
    value: str = Field(default="", max_length=200)
