"""What the customer list takes and gives: its columns (the fixed ones and Sage's free fields), the
query, a row, a page with its totals per currency, the filter options and an export file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

READ = frozenset({"admin", "collector", "sales_rep", "read_only"})

# Column kinds, so that the UI formats and aligns each column without knowing it.
TEXT, MONEY, INTEGER, GRADE, FLAG = "text", "money", "integer", "grade", "flag"

FREE_PREFIX = "free:"


@dataclass(frozen=True)
class Column:
    """A column the table can show.

    Attributes:
        key: the column's key (free fields: "free:<name>").
        kind: text, money, integer, grade or flag (a yes/no shown as a mark).
        label: the free field's name for free-field columns; "" for the built-in ones, whose
            words are in the UI's catalog ("customers.col.<key>").
    """

    key: str
    kind: str
    label: str = ""

    @property
    def is_free_field(self) -> bool:
        """Whether the column is a free field (informations libres) of Sage."""
        return self.key.startswith(FREE_PREFIX)


COLUMNS: tuple[Column, ...] = (
    Column("number", TEXT),
    Column("name", TEXT),
    Column("company", TEXT),
    Column("sales_rep", TEXT),
    Column("collector", TEXT),
    Column("profile", TEXT),
    Column("city", TEXT),
    Column("email", TEXT),
    Column("phone", TEXT),
    Column("outstanding", MONEY),
    Column("overdue", MONEY),
    Column("not_due", MONEY),
    Column("credits", MONEY),
    Column("credit_limit", MONEY),
    Column("open_items", INTEGER),
    Column("oldest_days", INTEGER),
    Column("score", INTEGER),
    Column("grade", GRADE),
    Column("stopped", FLAG),
    Column("flagged", FLAG),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
DEFAULT_COLUMNS = (
    "number",
    "name",
    "sales_rep",
    "outstanding",
    "overdue",
    "oldest_days",
    "grade",
)
# Amount filters may bear on these columns.
AMOUNT_COLUMNS = ("outstanding", "overdue", "not_due")
PAGE_SIZES = (10, 25, 50, 100)
EXPORT_FORMATS = ("csv", "xlsx")
MAX_PAGE_SIZE = 500


class QueryError(ValueError):
    """A query the table cannot run (unknown column, bad amount); the message says which."""


@dataclass(frozen=True)
class CustomerQuery:
    """What the table shows: filters, sort, page and columns.

    Attributes:
        search: words found in the number, name, city, email or phone (case ignored; every
            word must be found).
        company_ids: only these companies (empty: all).
        sales_rep_ids: only the customers of these sales reps (`sales_rep.id`; 0 means "no
            sales rep").
        profiles: only these profiles ("" means "no profile").
        grades: only these score grades (A..E).
        min_days_overdue: only customers whose oldest overdue item is at least this late.
        amount_on: the amount `min_amount` and `max_amount` bear on: outstanding, overdue or
            not_due.
        min_amount: at least this amount (book currency).
        max_amount: at most this amount.
        free: (free field name, words) pairs: the field's value must contain the words.
        with_balance: only customers with open items (the default: who owes what); False
            lists every customer of the portfolio.
        flagged_only: only flagged customers.
        stopped_only: only customers whose dunning is stopped.
        sort: the column to sort on.
        descending: sort order.
        page: 0-based page number (past the last page: the last page).
        page_size: rows per page (1..500).
        columns: the columns to show and export, in order.
    """

    search: str = ""
    company_ids: tuple[int, ...] = ()
    sales_rep_ids: tuple[int, ...] = ()
    profiles: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    min_days_overdue: int | None = None
    amount_on: str = "outstanding"
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    free: tuple[tuple[str, str], ...] = ()
    with_balance: bool = True
    flagged_only: bool = False
    stopped_only: bool = False
    sort: str = "overdue"
    descending: bool = True
    page: int = 0
    page_size: int = 25
    columns: tuple[str, ...] = DEFAULT_COLUMNS


@dataclass(frozen=True)
class CustomerRow:
    """One customer of the table, with every column (the UI shows the chosen ones).

    Amounts are in the customer's book currency (`currency`).
    """

    customer_id: int
    company: str
    number: str
    name: str
    currency: str
    sales_rep: str
    collector: str
    profile: str
    city: str
    email: str
    phone: str
    outstanding: Decimal
    overdue: Decimal
    not_due: Decimal
    credits: Decimal
    credit_limit: Decimal
    open_items: int
    oldest_days: int
    score: int | None
    grade: str
    stopped: bool
    flagged: bool
    free_fields: tuple[tuple[str, str], ...] = ()

    def value(self, key: str) -> object:
        """The raw value of a column by key (free fields: "free:<name>", "" when unset)."""
        if key.startswith(FREE_PREFIX):
            return dict(self.free_fields).get(key.removeprefix(FREE_PREFIX), "")
        if key not in COLUMN_KEYS:
            raise QueryError(f"unknown column {key!r}")
        return getattr(self, key)


@dataclass(frozen=True)
class CurrencyTotal:
    """The sum of the filtered customers' amounts in one book currency."""

    currency: str
    customers: int
    outstanding: Decimal
    overdue: Decimal


@dataclass(frozen=True)
class CustomerPage:
    """One page of the table.

    Attributes:
        rows: the customers of the page.
        total: how many customers match the filters (every page).
        page: the page shown (0-based; the last one when the query asked past it).
        page_size: rows per page.
        pages: the number of pages (at least 1).
        totals: the matching customers' sums, per book currency.
        columns: the columns asked for, resolved (free-field labels included).
        as_of: the date of the figures.
    """

    rows: tuple[CustomerRow, ...]
    total: int
    page: int
    page_size: int
    pages: int
    totals: tuple[CurrencyTotal, ...]
    columns: tuple[Column, ...]
    as_of: date


@dataclass(frozen=True)
class Choice:
    """An option of a filter: its value and what users read."""

    value: str
    label: str


@dataclass(frozen=True)
class FilterOptions:
    """What the filters of the table offer to this viewer (only what their portfolio holds)."""

    companies: tuple[Choice, ...]
    sales_reps: tuple[Choice, ...]
    profiles: tuple[Choice, ...]
    grades: tuple[str, ...]
    free_fields: tuple[str, ...]
    columns: tuple[Column, ...] = field(default=COLUMNS)


@dataclass(frozen=True)
class ExportFile:
    """A file to hand to the browser."""

    filename: str
    mime_type: str
    data: bytes
    rows: int
