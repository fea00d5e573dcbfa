"""What collectors record on customers and items: promises, disputes, comments, flags."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from src_dash.clock import utcnow
from src_dash.store.types import Money, UTCDateTime


class Promise(SQLModel, table=True):
    """A promise to pay: pending until its date, then kept or broken (decided by the sync)."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    amount: Decimal = Field(sa_type=Money)
    promised_on: date
    status: str = Field(default="pending", max_length=10)  # pending | kept | broken | cancelled
    note: str = Field(default="", max_length=500)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CoveredItem(SQLModel):
    """An entry a promise, a dispute or a message covers; its piece is kept in case the entry
    leaves the books."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int | None = Field(default=None, foreign_key="entry.id", ondelete="SET NULL")
    piece: str = Field(default="", max_length=30)


class PromiseItem(CoveredItem, table=True):
    """An item covered by a promise."""

    __tablename__ = "promise_item"

    promise_id: int = Field(foreign_key="promise.id", index=True, ondelete="CASCADE")
    amount: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    # What was open on the item when the promise was made; a payment is what it went down by.
    open_before: Decimal | None = Field(default=None, sa_type=Money)


class DisputeReason(SQLModel, table=True):
    """A reason of dispute from the configurable list."""

    __tablename__ = "dispute_reason"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=80, unique=True)
    active: bool = True


class Dispute(SQLModel, table=True):
    """A dispute (litige) on some items: they stay in the balance but are never dunned."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    reason_id: int | None = Field(default=None, foreign_key="dispute_reason.id")
    status: str = Field(default="open", max_length=10)  # open | closed
    note: str = Field(default="", max_length=1000)
    opened_by: int | None = Field(default=None, foreign_key="app_user.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DisputeItem(CoveredItem, table=True):
    """An item covered by a dispute."""

    __tablename__ = "dispute_item"

    dispute_id: int = Field(foreign_key="dispute.id", index=True, ondelete="CASCADE")
    amount: Decimal = Field(default=Decimal("0.00"), sa_type=Money)


class Comment(SQLModel, table=True):
    """A comment on a customer, or on one of its items."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    entry_id: int | None = Field(default=None, foreign_key="entry.id", ondelete="SET NULL")
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    body: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Flag(SQLModel, table=True):
    """A flag raised on a customer (shown in the timeline), until cleared."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=30)
    label: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    cleared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
