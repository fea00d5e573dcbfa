"""Dunning: templates, scenarios and steps, actions, the messages they send, alerts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from src_dash.clock import utcnow
from src_dash.store.followup import CoveredItem
from src_dash.store.types import Money, UTCDateTime


class Template(SQLModel, table=True):
    """A message template (Jinja2) in one language: subject, HTML body, plain-text body.

    One row per (code, language); steps point at the French one, and the renderer picks the
    row of the message's language by code.
    """

    __table_args__ = (Index("ux_template_code_language", "code", "language", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True)
    language: str = Field(default="fr", max_length=5)
    name: str = Field(default="", max_length=120)
    subject: str = Field(default="", max_length=300)
    body_html: str = ""
    body_text: str = ""
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Scenario(SQLModel, table=True):
    """A dunning scenario for one customer profile, with its settings."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    profile: str = Field(default="", max_length=40, index=True)
    account_situation: bool = True
    min_item_amount: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    min_customer_amount: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    min_gap_days: int = 5
    journals: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    document_kinds: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    include_unexpired_credit_notes: bool = False
    active: bool = True
    description: str = Field(default="", max_length=300)
    language: str = Field(default="", max_length=5)  # empty: the customer's language
    penalties: bool = True  # show the late-payment penalties (French B2B law) in messages


class Step(SQLModel, table=True):
    """One step of a scenario: phase, level, day offset, channel, template, recipients."""

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True, ondelete="CASCADE")
    position: int
    phase: str = Field(max_length=14)  # prevenance | relance | remerciement
    level: int = 0  # 0 prévenance, 1..5 R1..R5
    day_offset: int = 0
    offset_from: str = Field(default="due_date", max_length=14)  # due_date | previous_step
    channel: str = Field(default="email", max_length=8)  # email | letter | phone | other
    template_id: int | None = Field(default=None, foreign_key="template.id")
    to_services: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cc_services: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cc_sales_rep: bool = False
    needs_approval: bool = False
    name: str = Field(default="", max_length=80)
    archived: bool = False  # removed from its scenario but kept: actions point at it


class Action(SQLModel, table=True):
    """One thing to do for a customer on a day, proposed by the planner or made by hand."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(default="step", max_length=20)  # step | call | promise_followup | other
    step_id: int | None = Field(default=None, foreign_key="step.id")
    level: int = 0
    due_on: date
    assigned_to: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    status: str = Field(default="proposed", max_length=10)  # proposed|approved|done|skipped|failed
    origin: str = Field(default="planner", max_length=10)  # planner | manual
    outcome: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by: int | None = Field(default=None, foreign_key="app_user.id")
    promise_id: int | None = Field(default=None, foreign_key="promise.id")  # promise_followup
    # The proposal's key for planner actions (a rerun of the same day finds it); None by hand.
    key: str | None = Field(default=None, max_length=80, unique=True, index=True)
    run: str = Field(default="", max_length=40, index=True)  # the run that created it
    phase: str = Field(default="", max_length=14)  # the step's phase (prevenance, relance, ...)
    parent_id: int | None = Field(default=None, foreign_key="action.id")  # call back: the call


class ActionItem(SQLModel, table=True):
    """An item an action is about, with the level it is at in that action."""

    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True, ondelete="CASCADE")
    entry_id: int | None = Field(
        default=None, foreign_key="entry.id", ondelete="SET NULL", index=True
    )
    level: int = 0
    previous_level: int = 0


class Message(SQLModel, table=True):
    """What an action sent, kept forever; written to the outbox (queued) before it is sent."""

    id: int | None = Field(default=None, primary_key=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    channel: str = Field(default="email", max_length=8)
    language: str = Field(default="fr", max_length=5)
    subject: str = Field(default="", max_length=300)
    body_html: str = ""
    body_text: str = ""
    recipients_to: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recipients_cc: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    pdf_path: str = Field(default="", max_length=300)
    # held (waits for approval) | queued | sending (claimed by a dispatcher) | handover (the end
    # of data may be on its way to the server) | sent | uncertain (a dispatcher died in the
    # handover) | failed | bounced | cancelled. See src_dash/dunning/outbox.py. Letters: queued
    # (to print) | printed | sent (posted).
    status: str = Field(default="queued", max_length=10, index=True)
    idempotency_key: str = Field(max_length=80, unique=True)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    server_answer: str = Field(default="", max_length=1000)
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    sent_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    run: str = Field(default="", max_length=40, index=True)  # the run that created it
    dunned_on: date | None = None  # the day of the run (as of)
    level: int = 0  # the highest level among its items (its template's level)
    template_code: str = Field(default="", max_length=40)
    total: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    currency: str = Field(default="EUR", max_length=3)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim: str = Field(default="", max_length=40)  # the dispatcher holding it while sending
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    smtp_message_id: str = Field(default="", max_length=200)  # the Message-ID header sent
    # Until when the dispatcher's claim holds (a claim past it belongs to nobody).
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Letters: the grouped PDF it was put in to print, then printed (confirmed by a user), then
    # posted on a day (only then is it sent; see src_dash/dunning/letter_post.py).
    print_file: str = Field(default="", max_length=300)
    printed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    printed_by: int | None = Field(default=None, foreign_key="app_user.id")
    posted_on: date | None = None
    posted_by: int | None = Field(default=None, foreign_key="app_user.id")


class MessageItem(CoveredItem, table=True):
    """An item listed in a message, with its level, days late and residual at sending time."""

    __tablename__ = "message_item"

    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    level: int = 0
    days_late: int = 0
    residual: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    reference: str = Field(default="", max_length=30)
    due_date: date | None = None
    amount: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    previous_level: int = 0


class Alert(SQLModel, table=True):
    """Something a user must look at: a bounced email, an overdue action, no contact, ..."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    message_id: int | None = Field(default=None, foreign_key="message.id")
    text: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What the alert is about, e.g. "no_contact:c12": one open alert per key (see alerts.py).
    key: str = Field(default="", max_length=120, index=True)
    action_id: int | None = Field(default=None, foreign_key="action.id")
    resolved_by: int | None = Field(default=None, foreign_key="app_user.id")
