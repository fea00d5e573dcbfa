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
    # visit | statement | promise | dispute | paid | message | copy | callback | contact
    kind: str = Field(max_length=20)
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


class SpaceRequest(SQLModel, table=True):
    """A customer's request from their space: a copy (of an invoice, or the statement) or a call
    back, queued as an action in the collector's worklist; or a change of the billing contact,
    pending until a collector accepts or refuses it."""

    __tablename__ = "space_request"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    link_id: int = Field(foreign_key="space_link.id")
    kind: str = Field(max_length=10)  # copy | callback | contact
    status: str = Field(max_length=10, index=True)  # queued | pending | accepted | refused
    entry_id: int | None = Field(default=None, foreign_key="entry.id")  # copy: None = statement
    phone: str = Field(default="", max_length=40)  # callback
    moment: str = Field(default="", max_length=100)  # callback: when to call
    contact_name: str = Field(default="", max_length=80)  # contact
    contact_email: str = Field(default="", max_length=120)
    contact_phone: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=500)
    action_id: int | None = Field(default=None, foreign_key="action.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")  # accepted: the contact
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SpaceBrand(SQLModel, table=True):
    """A company's look in its customers' spaces: an accent colour and a logo kept under the data
    dir (never served by the web server; the space hands it to a valid link only)."""

    __tablename__ = "space_brand"

    company_id: int = Field(foreign_key="company.id", primary_key=True)
    accent: str = Field(default="", max_length=7)  # "#rrggbb", "" = the app's
    logo_name: str = Field(default="", max_length=80)  # stored name, "" = none
    logo_type: str = Field(default="", max_length=40)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
