"""What the open items services take and give: the filters, a row, a page, the filter choices; the
grades, states and sorts they know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

MAX_PAGE_SIZE = 500
GRADES = ("A", "B", "C", "D", "E")
# Item states shown in the "promise or dispute" column, and filterable.
STATES = ("disputed", "promised", "stopped", "none")
# Sort keys the table offers -> the column sorted on.
SORTS = {
    "due_date": "due",
    "days_late": "days_late",
    "posting_date": "posting_date",
    "residual": "residual",
    "amount": "amount",
    "level": "level",
    "customer": "number",
    "customer_name": "name",
    "company": "company_code",
    "piece": "piece",
    "reference": "reference",
    "journal": "journal",
    "last_action": "last_action_on",
    "promised_on": "promised_on",
    "grade": "grade",
}


@dataclass(frozen=True)
class OpenItemFilters:
    """What the open items table is filtered on; empty or None means no filter.

    Attributes:
        company_ids: only these companies.
        sales_rep_ids: only customers of these sales reps (`sales_rep.id`).
        customer_ids: only these customers (the customer card).
        profiles: only customers of these profiles.
        grades: only customers of these grades (A..E).
        min_days_late, max_days_late: overdue age (days since the due date; negative before).
        min_residual, max_residual: the residual, in book currency.
        levels: only items at these dunning levels (0 = never dunned).
        journals: only these journals.
        kinds: only these kinds (invoice, credit_note, payment, other_debit).
        due_from, due_to: due date range (an item with no due date is due on its posting date).
        states: disputed, promised, stopped, none.
        free_fields: (name, text) pairs: the customer's free field contains the text (any case;
            an empty text keeps the customers that have a value in the field).
        entry_free_fields: (name, text) pairs, the same on the entry's own free fields (the
            informations libres of F_ECRITUREC).
        search: text found in the piece, the reference, the customer's number or name.
        doubtful: True keeps only the doubtful receivables (416, clients douteux), False leaves
            them out, None keeps every item.
    """

    company_ids: tuple[int, ...] = ()
    sales_rep_ids: tuple[int, ...] = ()
    customer_ids: tuple[int, ...] = ()
    profiles: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    min_days_late: int | None = None
    max_days_late: int | None = None
    min_residual: Decimal | None = None
    max_residual: Decimal | None = None
    levels: tuple[int, ...] = ()
    journals: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    due_from: date | None = None
    due_to: date | None = None
    states: tuple[str, ...] = ()
    free_fields: tuple[tuple[str, str], ...] = ()
    entry_free_fields: tuple[tuple[str, str], ...] = ()
    search: str = ""
    doubtful: bool | None = None


@dataclass(frozen=True)
class ItemFollowUp:
    """The app's state of an open item: its level, stop, last action, promise and dispute.

    Attributes:
        level: the dunning level reached (0 = never dunned); next_level: set by hand.
        stopped: dunning of the item (or of its customer) is stopped on as_of.
        last_action_on, last_action: the newest done action on the item (kind, and the call's
            outcome), or its last dunning.
        state: disputed, promised, stopped or none.
    """

    level: int
    next_level: int | None
    stopped: bool
    stop_reason: str
    stop_until: date | None
    last_action_on: date | None
    last_action: str
    promise_id: int | None
    promised_on: date | None
    promise_amount: Decimal | None
    dispute_id: int | None
    dispute_reason: str
    state: str


@dataclass(frozen=True)
class OpenItemRow(ItemFollowUp):
    """One row of the table: the item, its customer, and its state (`ItemFollowUp`).

    Attributes:
        days_late: as_of - due date (negative before the due date).
        doubtful: a doubtful receivable (416, clients douteux): counted, not dunned by default.
    """

    entry_id: int
    company_id: int
    company_code: str
    customer_id: int
    customer_number: str
    customer_name: str
    sales_rep_id: int | None
    profile: str
    grade: str
    journal: str
    kind: str
    piece: str
    reference: str
    label: str
    posting_date: date
    due_date: date | None
    days_late: int
    amount: Decimal
    residual: Decimal
    currency: str
    residual_currency: Decimal | None
    doubtful: bool = False


@dataclass(frozen=True)
class OpenItemsPage:
    """A page of the table and the totals of every row the filters keep."""

    as_of: date
    rows: tuple[OpenItemRow, ...]
    total: int
    page: int
    page_size: int
    pages: int
    total_residual: Decimal
    overdue_residual: Decimal
    sort: str
    descending: bool


@dataclass(frozen=True)
class FilterChoices:
    """What the filters can choose among, within the viewer's scope.

    `free_fields` and `entry_free_fields` map each free field (of the customers, of the
    entries) that has a value on an open item to its first 100 values, sorted.
    """

    companies: tuple[tuple[int, str, str], ...]  # id, code, name
    sales_reps: tuple[tuple[int, str], ...]  # id, name
    profiles: tuple[str, ...]
    grades: tuple[str, ...]
    journals: tuple[str, ...]
    levels: tuple[int, ...]
    kinds: tuple[str, ...]
    states: tuple[str, ...]
    free_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entry_free_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
