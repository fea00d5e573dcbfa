"""What the customer card gives: its identity, contacts, balance, open items, follow-up rows
(comments, promises, disputes, messages, flags), a message's detail and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from src_dash.analytics.scoring import CustomerScore
from src_dash.analytics.timeline import TimelineEvent

# The card keeps the newest events and the oldest open items when a customer has very many.
TIMELINE_LIMIT = 300
OPEN_ITEMS_LIMIT = 500
ROLES = ("to", "cc", "never")


@dataclass(frozen=True)
class ContactRow:
    """A contact and how dunning treats it.

    Attributes:
        role: the effective role: the contact's own, else its service's (to, cc, never; ""
            when neither says).
        own_role: the role set on the contact itself ("" = its service's).
        origin: sage (read from Sage, rewritten by the sync) or app (typed in the app).
    """

    contact_id: int
    name: str
    function: str
    email: str
    phone: str
    mobile: str
    role: str
    own_role: str
    origin: str


@dataclass(frozen=True)
class ServiceContacts:
    """The contacts of one service (department); service_id None: contacts without one."""

    service_id: int | None
    service: str
    service_role: str
    contacts: tuple[ContactRow, ...]


@dataclass(frozen=True)
class ServiceChoice:
    """A contact service of the customer's company, for the form that adds a contact."""

    service_id: int
    name: str
    role: str


@dataclass(frozen=True)
class ScenarioRef:
    """The scenario that applies to the customer.

    Attributes:
        by_hand: True when chosen by hand on the customer; False when it follows the profile.
    """

    scenario_id: int
    name: str
    profile: str
    by_hand: bool


@dataclass(frozen=True)
class Identity:
    """Who the customer is, as Sage and the app know it."""

    customer_id: int
    company_id: int
    company: str
    company_name: str
    currency: str
    number: str
    name: str
    siret: str
    vat_number: str
    address: tuple[str, ...]
    phone: str
    email: str
    language: str
    sales_rep: str
    sales_rep_email: str
    collector: str
    credit_limit: Decimal
    risk_code: int | None
    do_not_dun: bool
    dormant: bool
    removed_from_source: bool
    created_on: date | None
    free_fields: tuple[tuple[str, str], ...]
    profile: str
    profile_set_by_hand: bool
    stop_reason: str
    stop_until: date | None
    stopped: bool
    scenario: ScenarioRef | None


@dataclass(frozen=True)
class Balance:
    """What the customer owes as of the card's date (see analytics.balances).

    `doubtful` is the part of `outstanding` on doubtful receivables (416, clients douteux):
    counted in it, shown apart.
    """

    outstanding: Decimal
    overdue: Decimal
    not_due: Decimal
    credits: Decimal
    open_items: int
    oldest_days: int
    aging: tuple[tuple[str, Decimal], ...]
    doubtful: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class OpenItem:
    """An open item of the customer.

    Attributes:
        level: its dunning level (0 = never dunned).
        stop_reason: why dunning of this item is stopped ("" = not stopped).
        promised: under a pending promise.
        disputed: under an open dispute.
        doubtful: a doubtful receivable (416): not dunned by default.
    """

    entry_id: int
    kind: str
    journal: str
    piece: str
    reference: str
    label: str
    posting_date: date
    due_date: date | None
    amount: Decimal
    residual: Decimal
    days_overdue: int
    level: int
    stop_reason: str
    promised: bool
    disputed: bool
    doubtful: bool = False


@dataclass(frozen=True)
class CommentRow:
    """A comment, with its author and the piece it is about (if any)."""

    comment_id: int
    author: str
    body: str
    created_at: datetime
    piece: str


@dataclass(frozen=True)
class PromiseRow:
    """A promise to pay and the pieces it covers."""

    promise_id: int
    amount: Decimal
    promised_on: date
    status: str
    note: str
    author: str
    created_at: datetime
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class DisputeRow:
    """A dispute, its reason and the pieces it covers."""

    dispute_id: int
    reason: str
    status: str
    note: str
    author: str
    opened_at: datetime
    closed_at: datetime | None
    amount: Decimal
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class MessageRow:
    """A message sent (or queued) to the customer."""

    message_id: int
    channel: str
    subject: str
    status: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    created_at: datetime
    sent_at: datetime | None
    has_pdf: bool
    posted_on: date | None = None  # a letter: the day it was posted


@dataclass(frozen=True)
class MessageDetail:
    """A message as it was sent: what the customer read."""

    message_id: int
    customer_id: int
    channel: str
    subject: str
    body_html: str
    body_text: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    status: str
    sent_at: datetime | None
    has_pdf: bool


@dataclass(frozen=True)
class FlagRow:
    """A flag raised on the customer and not cleared."""

    flag_id: int
    kind: str
    label: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class CustomerCard:
    """Everything the card shows.

    Attributes:
        timeline: newest first, at most TIMELINE_LIMIT events (`timeline_total` says how many).
        open_items: oldest due first, at most OPEN_ITEMS_LIMIT (`balance.open_items` counts
            them all).
        can_work: the viewer may stop dunning, set the profile and scenario, add contacts.
        can_note: the viewer may comment and flag.
    """

    as_of: date
    identity: Identity
    contacts: tuple[ServiceContacts, ...]
    services: tuple[ServiceChoice, ...]
    balance: Balance
    score: CustomerScore | None
    open_items: tuple[OpenItem, ...]
    timeline: tuple[TimelineEvent, ...]
    timeline_total: int
    comments: tuple[CommentRow, ...]
    promises: tuple[PromiseRow, ...]
    disputes: tuple[DisputeRow, ...]
    messages: tuple[MessageRow, ...]
    flags: tuple[FlagRow, ...]
    scenarios: tuple[ScenarioRef, ...]
    can_work: bool
    can_note: bool


@dataclass(frozen=True)
class PdfFile:
    """The PDF of a message (a letter, or an email's attachment)."""

    filename: str
    data: bytes
