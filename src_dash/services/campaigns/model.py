"""What the campaign services take and give: criteria, preview lines and counts, draft runs, send
outcomes, a run's status page and summary; the levels and grades a campaign may pick.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from src_dash.dunning import outbox
from src_dash.dunning.scenarios import THANK_YOU_LEVEL
from src_dash.money import ZERO

IN_FLIGHT = (outbox.QUEUED, outbox.SENDING, outbox.HANDOVER)
GRADES = ("A", "B", "C", "D", "E")
LEVELS = tuple(range(0, THANK_YOU_LEVEL + 1))  # 0 prévenance, 1..5 R1..R5, 6 thank-you
MAX_ITEMS = 5000  # items named in one campaign (from the open items page)


class CampaignError(ValueError):
    """A campaign cannot be planned or run as asked; the message says why (safe to show)."""


@dataclass(frozen=True)
class CampaignCriteria:
    """What a campaign covers; None or empty means no filter.

    Attributes:
        scenario_id: only the customers whose scenario is this one.
        company_id: only this company's customers.
        sales_rep_id: only this sales rep's customers.
        grades: only customers with these score grades (A..E).
        min_amount: only customers owing at least this much (their outstanding).
        min_days_late: only items at least this many days past their due date.
        level: only messages of this level (0 prévenance, 1..5, 6 thank-you); with `entry_ids`,
            the named items are sent at this level now (0..5), whatever their delays.
        entry_ids: only these items (chosen on the open items page).
    """

    scenario_id: int | None = None
    company_id: int | None = None
    sales_rep_id: int | None = None
    grades: tuple[str, ...] = ()
    min_amount: Decimal | None = None
    min_days_late: int | None = None
    level: int | None = None
    entry_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProposalLine:
    """One message (or call) a campaign would make."""

    key: str
    customer_id: int
    customer_number: str
    customer_name: str
    scenario_name: str
    step_name: str
    phase: str
    level: int
    channel: str
    items: int
    total: Decimal
    currency: str
    to: tuple[str, ...]
    cc: tuple[str, ...]


@dataclass(frozen=True)
class ExclusionLine:
    """A customer or an item left out, and why (`reason` is a planner code)."""

    customer_id: int
    customer_number: str
    customer_name: str
    reason: str
    entry_id: int | None
    piece: str
    detail: str  # the planner's, in English
    residual: Decimal
    currency: str
    # The detail's parameters (see `dunning.model.Exclusion`), for the UI's words.
    amount: Decimal | None = None
    on: date | None = None
    note: str = ""
    level: int | None = None


@dataclass(frozen=True)
class ReasonCount:
    """How many customers or items are left out for one reason, and what they owe."""

    reason: str
    customers: int
    items: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class UnitReason:
    """How many of one unit (customers or items) are left out for one reason."""

    reason: str
    count: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class UnitCount:
    """Customers or items of a campaign: in_scope = proposed + excluded, and the reasons' counts
    add up to excluded."""

    unit: str  # customer | item
    proposed: int = 0
    excluded: int = 0
    reasons: tuple[UnitReason, ...] = ()

    @property
    def in_scope(self) -> int:
        """Proposed plus left out."""
        return self.proposed + self.excluded


@dataclass(frozen=True)
class Total:
    """What the proposals ask for in one currency."""

    currency: str
    proposals: int
    amount: Decimal


@dataclass(frozen=True)
class CampaignPreview:
    """What a campaign would do as of a day, and what it leaves out."""

    as_of: date
    proposals: tuple[ProposalLine, ...]
    exclusions: tuple[ExclusionLine, ...]
    reasons: tuple[ReasonCount, ...]
    totals: tuple[Total, ...]
    by_channel: dict[str, int]
    by_level: dict[int, int]
    customers: int
    items: int
    customer_counts: UnitCount = UnitCount("customer")
    item_counts: UnitCount = UnitCount("item")


@dataclass(frozen=True)
class MessagePreview:
    """A proposal's message rendered before anything is written."""

    key: str
    channel: str
    subject: str
    html: str
    text: str
    to: tuple[str, ...]
    cc: tuple[str, ...]


@dataclass(frozen=True)
class DraftRun:
    """A run written from a campaign: its messages wait for approval.

    Attributes:
        run: the run's id ("" when nothing new was written and no earlier run was found).
        existing: proposals already run today (nothing new written for them).
        errors: proposals left out because their template fails ("customer: message").
    """

    run: str
    messages: int
    emails: int
    letters: int
    calls: int
    existing: int
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class SendOutcome:
    """What sending a run did (one pass of the dispatcher)."""

    busy: bool
    sent: int
    retried: int
    failed: int
    bounced: int
    letters_printed: int
    server_error: str
    store_error: str
    data_at: datetime | None = None  # the oldest company data the run was checked against
    synced: tuple[str, ...] = ()  # companies synced first (their data was too old)
    sync_failed: tuple[str, ...] = ()  # companies whose sync failed ("CODE: error")


@dataclass(frozen=True)
class RunMessage:
    """A message (or a call) of a run, with where it is."""

    message_id: int | None  # None for a call
    action_id: int | None
    customer_id: int
    customer_number: str
    customer_name: str
    channel: str
    level: int
    subject: str
    status: str
    total: Decimal
    currency: str
    to: tuple[str, ...]
    sent_at: datetime | None
    server_answer: str
    attempts: int
    has_pdf: bool
    leaves: str = ""  # a queued email its send window holds: "partira lundi 08:30"


@dataclass(frozen=True)
class RunStatus:
    """A run's messages (one page) and how many are in each status."""

    run: str
    as_of: date | None
    created_at: datetime | None
    counts: dict[str, int]
    messages: int  # in the viewer's portfolio
    calls: int
    letters: int
    in_flight: int  # queued, sending or in the handover
    held: int
    page: tuple[RunMessage, ...]
    page_number: int = 0
    pages: int = 1
    totals: tuple[Total, ...] = ()
    scenarios: tuple[str, ...] = ()  # the run's name: its scenarios, levels and day
    levels: tuple[int, ...] = ()
    data_at: datetime | None = None  # the oldest data of the run's companies (last good sync)
    stale: bool = False  # some company's data is older than the sync interval


@dataclass(frozen=True)
class RunSummary:
    """A recent run, for the list of runs."""

    run: str
    as_of: date | None
    created_at: datetime | None
    messages: int
    counts: dict[str, int] = field(default_factory=dict)
    scenarios: tuple[str, ...] = ()  # its name: "<scenario> · <level> · <day>"
    levels: tuple[int, ...] = ()


@dataclass(frozen=True)
class LettersFile:
    """The grouped PDF of a run's letters."""

    filename: str
    path: Path
    data: bytes
    letters: int


def parse_entry_ids(value: str | Iterable[object] | None) -> tuple[int, ...]:
    """Entry ids from "1,2,3" (the `items` URL parameter) or a list; junk is dropped, order kept.

    Raises:
        CampaignError: when more than `MAX_ITEMS` are named.
    """
    if value is None:
        return ()
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    out: dict[int, None] = {}
    for part in parts:
        text = str(part).strip()
        if text.isdigit() and int(text) > 0:
            out[int(text)] = None
    if len(out) > MAX_ITEMS:
        raise CampaignError(f"at most {MAX_ITEMS} items in one campaign, not {len(out)}")
    return tuple(out)


def _addresses(recipients: Iterable) -> tuple[str, ...]:  # noqa: ANN001
    out = []
    for r in recipients:
        email = r.get("email", "") if isinstance(r, dict) else getattr(r, "email", "")
        if email:
            out.append(email)
    return tuple(out)


def _totals(pairs: Iterable[tuple[str, Decimal]]) -> tuple[Total, ...]:
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: Counter[str] = Counter()
    for currency, amount in pairs:
        amounts[currency] += amount
        counts[currency] += 1
    return tuple(Total(cur, counts[cur], amounts[cur]) for cur in sorted(amounts))


@dataclass(frozen=True)
class DataFreshness:
    """How old the data of some companies is (their last successful sync or import).

    Attributes:
        data_at: the oldest of their last successful runs (None: one was never synced).
        stale: some company's data is older than the sync interval.
        synced: the companies synced just now (their data was too old).
        failed: the companies whose sync failed ("CODE: error").
    """

    data_at: datetime | None
    stale: bool
    synced: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
