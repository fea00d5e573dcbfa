"""The customer's space: its personal links, its throttle, what was done in it, its attachments.

A link's token is never stored: only its SHA-256 (`token_hash`), so a copy of the store gives
nobody a way in. See `src_dash.services.customer_space`.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from src_dash.clock import utcnow
from src_dash.store.types import UTCDateTime


class SpaceLink(SQLModel, table=True):
    """A personal link to the space of one customer of one company, until it expires or is
    revoked."""

    __tablename__ = "space_link"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)  # SHA-256 of the token, hex
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by: int | None = Field(default=None, foreign_key="app_user.id")
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    uses: int = 0


class SpaceThrottle(SQLModel, table=True):
    """How often a token or a client address was used in the current window, and failed."""

    __tablename__ = "space_throttle"

    key: str = Field(primary_key=True, max_length=200)  # "tok:<hash>" | "addr:<address>"
    window_start: datetime = Field(sa_type=UTCDateTime)
    hits: int = 0
    failures: int = 0


class SpaceEvent(SQLModel, table=True):
    """One thing a customer did in their space (a visit, a promise, a report...), for the card,
    the worklist and the dashboard."""

    __tablename__ = "space_event"

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="space_link.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=20)  # visit | statement | promise | dispute | paid | message
    ref_id: int | None = None  # the promise, dispute or comment it made
    address: str = Field(default="", max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class SpaceAttachment(SQLModel, table=True):
    """A file a customer sent with a report, kept under the data dir with a random name."""

    __tablename__ = "space_attachment"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    dispute_id: int | None = Field(default=None, foreign_key="dispute.id")
    stored_name: str = Field(max_length=80, unique=True)
    original_name: str = Field(default="", max_length=120)
    content_type: str = Field(max_length=40)
    size: int = 0
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
