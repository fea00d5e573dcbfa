"""The records that cross the dunning layer: what the planner proposes, what it leaves out and why,
and what a template renders to. Plain frozen dataclasses, shared by the planner, the renderer,
the outbox, the CLI and the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Phases of a step.
PREVENANCE = "prevenance"  # before the due date (level 0)
RELANCE = "relance"  # R1..R5 after it (levels 1..5)
REMERCIEMENT = "remerciement"  # thank-you after payment of an item that had been dunned

# Channels of a step.
EMAIL, LETTER, PHONE, OTHER = "email", "letter", "phone", "other"

# Why the planner leaves a customer or an item out (codes; the UI translates them).
EXCLUSION_REASONS = (
    "do_not_dun",  # customer marked "not to be dunned" in Sage (CT_NotRappel)
    "dormant",  # customer dormant (CT_Sommeil)
    "in_credit",  # customer balance <= 0
    "customer_stopped",  # dunning stopped on the customer (reason, until a date)
    "item_stopped",  # dunning stopped on the item
    "disputed",  # item under an open dispute
    "promised",  # item under a pending promise not yet due
    "doubtful",  # a doubtful receivable (416, clients douteux): not dunned unless named
    "below_item_threshold",
    "below_customer_threshold",
    "journal_excluded",
    "document_kind_excluded",
    "too_soon",  # minimum gap since the last message to this customer not reached
    "no_step",  # the scenario has no step due for the item yet
    "no_scenario",  # no active scenario for the customer's profile
    "no_recipient",  # an email step with nobody to write to (an alert is raised)
    "not_due",  # an overdue level asked for an item not yet due (the prévenance only)
)


@dataclass(frozen=True)
class Recipient:
    """One address a message goes to, and why (the contact's service, or a fallback)."""

    email: str
    name: str = ""
    source: str = ""  # contact | customer | sales_rep
    service: str = ""  # the contact's service name, when it comes from a contact


@dataclass(frozen=True)
class PlannedItem:
    """An open item in a proposal, with the level this message sends it at."""

    entry_id: int
    piece: str
    reference: str
    journal: str
    posting_date: date
    due_date: date | None
    days_late: int  # negative before the due date
    amount: Decimal
    residual: Decimal  # in book currency
    currency: str  # the item's currency (book currency when empty)
    residual_currency: Decimal | None  # in that currency, when it differs from the book's
    level: int  # the level this message sends (0 prévenance, 1..5, 6 thank-you)
    previous_level: int  # the level reached before
    kind: str = "invoice"  # invoice | credit_note | payment | other_debit | fee (ledger kinds)
    # False for an item listed only to show the account situation (already dunned, no step due
    # yet): it keeps its level, and its ItemState must not change (neither level nor date).
    advances: bool = True


@dataclass(frozen=True)
class Proposal:
    """One message (or call) the planner proposes for one customer on a day."""

    key: str  # stable over reruns of the same day: the base of the outbox idempotency key
    as_of: date
    company_id: int
    customer_id: int
    customer_number: str
    customer_name: str
    scenario_id: int
    scenario_name: str
    step_id: int
    phase: str
    level: int  # the highest level among the items: its step's template is used
    channel: str
    template_code: str
    language: str
    items: tuple[PlannedItem, ...]
    total: Decimal  # sum of the items' residuals, book currency
    book_currency: str = "EUR"
    to: tuple[Recipient, ...] = ()
    cc: tuple[Recipient, ...] = ()
    needs_approval: bool = False
    assigned_to: int | None = None  # the collector whose worklist gets it
    # Open credits (unapplied payments, credit notes) deducted from what is asked, level 0;
    # listed in the account-situation message (or the highest level's one). Never advanced.
    credits: tuple[PlannedItem, ...] = ()
    step_name: str = ""
    profile: str = ""
    penalties: bool = False  # show the late-payment penalties (scenario on, customer not exempt)


@dataclass(frozen=True)
class Exclusion:
    """A customer or an item the planner left out, and why."""

    customer_id: int
    customer_number: str
    customer_name: str
    reason: str  # one of EXCLUSION_REASONS
    entry_id: int | None = None  # None when the whole customer is left out
    piece: str = ""
    detail: str = ""  # in English, for the CLI and the logs: e.g. the stop reason and its end
    residual: Decimal = Decimal("0.00")
    # What the detail says, for the UI to say it in the user's language (None / "" when the
    # detail does not name it): an amount in book currency (the balance of a customer in
    # credit, the scenario's minimum per customer), a day (the last message, the end of a
    # stop), free text kept as typed (a stop's reason, the name of a step) and a level (the
    # level with no step, or the step nobody can receive).
    amount: Decimal | None = None
    on: date | None = None
    note: str = ""
    level: int | None = None


@dataclass(frozen=True)
class Plan:
    """What the planner proposes as of a day, and what it leaves out."""

    as_of: date
    proposals: tuple[Proposal, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # per channel, per level, per reason


@dataclass(frozen=True)
class Rendered:
    """A template rendered for one proposal: what the email or the letter says."""

    subject: str
    html: str
    text: str
    language: str
