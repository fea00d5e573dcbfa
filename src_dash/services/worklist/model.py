"""What the worklist services give: the work items and their groups, an action done, the call
sheet and its lines; the statuses, kinds and call outcomes they know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from src_dash.services.open_items import OpenItemRow

OPEN_STATUSES = ("proposed", "approved")
# The order of the groups in the worklist; "reply" is a customer's answer to handle (inbox).
KINDS = ("reply", "call", "promise_followup", "step", "other")
# What a call planned in the worklist may be closed with here; a promise, a dispute or a call
# back are recorded by followup.log_call (with the call's action id), which creates them.
SIMPLE_CALL_OUTCOMES = ("reached", "no_answer")


@dataclass(frozen=True)
class WorkItem:
    """One open action of the worklist.

    Attributes:
        days_late: today - due day (0 when due today).
        items: how many items the action is about; amount: what is still open on them.
        promise_status: for a promise follow-up, its promise's status (pending or broken).
    """

    action_id: int
    kind: str
    status: str
    origin: str
    due_on: date
    days_late: int
    level: int
    customer_id: int
    customer_number: str
    customer_name: str
    company_code: str
    assigned_to: int | None
    assigned_name: str
    note: str
    items: int
    amount: Decimal
    promise_id: int | None
    promise_status: str
    promise_amount: Decimal | None
    promised_on: date | None
    comments: int = 0  # the customer's comments (a marker on the row)
    next_on: date | None = None  # the customer's next open action after today, if any


@dataclass(frozen=True)
class WorkGroup:
    """The open actions of one kind: due today, and late (oldest first)."""

    kind: str
    due_today: tuple[WorkItem, ...]
    late: tuple[WorkItem, ...]


@dataclass(frozen=True)
class Worklist:
    """A user's worklist on a day."""

    as_of: date
    user_id: int
    groups: tuple[WorkGroup, ...]
    due_today: int
    late: int


@dataclass(frozen=True)
class ActionDone:
    """An action after it was marked done or skipped."""

    action_id: int
    customer_id: int
    kind: str
    status: str
    outcome: str
    note: str
    done_at: datetime


@dataclass(frozen=True)
class CallContact:
    """A contact to call, with the role dunning gives it (to, cc, never)."""

    name: str
    function: str
    service: str
    phone: str
    mobile: str
    email: str
    role: str


@dataclass(frozen=True)
class MessageLine:
    """A message sent (or on its way) to the customer."""

    id: int
    at: datetime
    channel: str
    subject: str
    status: str
    level: int


@dataclass(frozen=True)
class PromiseLine:
    """A promise of the customer."""

    id: int
    amount: Decimal
    promised_on: date
    status: str
    note: str


@dataclass(frozen=True)
class DisputeLine:
    """An open dispute of the customer."""

    id: int
    reason: str
    pieces: tuple[str, ...]
    amount: Decimal
    note: str


@dataclass(frozen=True)
class CallSheet:
    """What a collector needs on screen to call a customer."""

    as_of: date
    customer_id: int
    number: str
    name: str
    company_code: str
    company_name: str
    currency: str
    phone: str
    email: str
    sales_rep: str
    outstanding: Decimal
    overdue: Decimal
    not_due: Decimal
    open_items: int
    overdue_items: int
    oldest_days_late: int
    score: int | None
    grade: str
    items: tuple[OpenItemRow, ...]
    contacts: tuple[CallContact, ...]
    messages: tuple[MessageLine, ...]
    promises: tuple[PromiseLine, ...]
    disputes: tuple[DisputeLine, ...]
    comments: tuple[str, ...]
    script: tuple[str, ...]


@dataclass(frozen=True)
class DoneLine:
    """One thing the user did today (from the audit log, or a message they sent).

    Attributes:
        what: the audit action ("call.log", "promise.record", ...) or "message.sent".
        outcome: a call's outcome, a flag's kind, a message's channel...; amount and on: a
            promise's amount and day, a call back's day.
    """

    at: datetime
    what: str
    customer_id: int
    customer_number: str
    customer_name: str
    outcome: str = ""
    amount: Decimal | None = None
    on: date | None = None


@dataclass(frozen=True)
class ClientLine:
    """Something a customer did in their space that no collector has handled yet.

    Attributes:
        kind: the space event's kind (promise, dispute, paid, message, or a request's kind).
        text: what they wrote or chose (the dispute's reason and note, the message...).
        amount, on: a promise's amount and day.
    """

    event_id: int
    kind: str
    at: datetime
    customer_id: int
    customer_number: str
    customer_name: str
    company_code: str
    text: str = ""
    amount: Decimal | None = None
    on: date | None = None


@dataclass(frozen=True)
class DaySections:
    """A user's day: what is due today, late, coming in the next days, done today, and what
    customers did in their space (côté client)."""

    as_of: date
    user_id: int
    today: tuple[WorkItem, ...]
    late: tuple[WorkItem, ...]
    upcoming: tuple[WorkItem, ...]
    done: tuple[DoneLine, ...]
    client: tuple[ClientLine, ...]
