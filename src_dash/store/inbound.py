"""Mail read back from the collection mailbox: replies to dunning messages and bounces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel, UniqueConstraint

from src_dash.clock import utcnow
from src_dash.store.types import UTCDateTime


class MailboxCursor(SQLModel, table=True):
    """How far the IMAP pass read a mailbox folder: its UIDVALIDITY and the last UID seen."""

    __tablename__ = "mailbox_cursor"

    mailbox: str = Field(max_length=200, primary_key=True)  # user@host:port/folder
    uid_validity: int = Field(default=0, sa_type=BigInteger)
    last_uid: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InboundMail(SQLModel, table=True):
    """One mail read from the collection mailbox, once (its mailbox, UIDVALIDITY and UID).

    `kind`: ``reply`` (a customer's answer, with suggestions), ``auto_reply`` (an out-of-office
    answer: on the timeline, no work), ``bounce`` (a delivery status notification that failed
    the message), ``dsn`` (a notification of a delay or a delivery: kept, nothing done) or
    ``unmatched`` (nothing in the store it could be tied to). `status`: ``new`` until a collector
    accepts a suggestion (``handled``) or sets it aside (``dismissed``); ``none`` for mails that
    need no work.
    """

    __tablename__ = "inbound_mail"
    __table_args__ = (
        UniqueConstraint("mailbox", "uid_validity", "uid", name="ux_inbound_mail_uid"),
        Index("ix_inbound_mail_customer_status", "customer_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(max_length=200)
    uid_validity: int = Field(default=0, sa_type=BigInteger)
    uid: int = Field(default=0, sa_type=BigInteger)
    header_id: str = Field(default="", max_length=250)  # its own Message-ID
    kind: str = Field(default="reply", max_length=12)
    matched_by: str = Field(default="", max_length=12)  # token | thread | sender | ""
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    action_id: int | None = Field(default=None, foreign_key="action.id")
    from_address: str = Field(default="", max_length=200)
    from_name: str = Field(default="", max_length=200)
    subject: str = Field(default="", max_length=300)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # its Date header
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    body_text: str = ""  # what the sender wrote (quoted history cut), at most 20,000 characters
    # What the rules found: [{"kind", "quote", "on", "amount", "reference", "reason"}, ...]
    suggestions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="new", max_length=10)  # new | handled | dismissed | none
    handled_by: int | None = Field(default=None, foreign_key="app_user.id")
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str = Field(default="", max_length=60)  # e.g. "promise:12", "dispute:3"
