"""Who owes what ("Qui vous doit quoi"): the customers table, paged, sorted, searched, filtered
and exported, always within the viewer's portfolio.

Everything is computed on the cached Polars ledger: one frame of every customer with its
balances, aging, score and the app's own columns (profile, stop, flag, free fields) is built once
per data version and date, then each request only filters, sorts and slices it, and turns the
rows of one page into dataclasses. A page change on a store of a million entries costs a few
milliseconds.
"""

from __future__ import annotations

from src_dash.services.customers.export import (
    export_customers,
)
from src_dash.services.customers.frame import (
    customers_frame,
)
from src_dash.services.customers.listing import (
    filter_options,
    list_customers,
    resolve_columns,
)
from src_dash.services.customers.model import (
    AMOUNT_COLUMNS,
    COLUMN_KEYS,
    COLUMNS,
    DEFAULT_COLUMNS,
    EXPORT_FORMATS,
    FLAG,
    FREE_PREFIX,
    GRADE,
    INTEGER,
    MAX_PAGE_SIZE,
    MONEY,
    PAGE_SIZES,
    READ,
    TEXT,
    Choice,
    Column,
    CurrencyTotal,
    CustomerPage,
    CustomerQuery,
    CustomerRow,
    ExportFile,
    FilterOptions,
    QueryError,
)

__all__ = [
    "FLAG",
    "GRADE",
    "INTEGER",
    "MONEY",
    "TEXT",
    "AMOUNT_COLUMNS",
    "COLUMNS",
    "COLUMN_KEYS",
    "Choice",
    "Column",
    "CurrencyTotal",
    "CustomerPage",
    "CustomerQuery",
    "CustomerRow",
    "DEFAULT_COLUMNS",
    "EXPORT_FORMATS",
    "ExportFile",
    "FREE_PREFIX",
    "FilterOptions",
    "MAX_PAGE_SIZE",
    "PAGE_SIZES",
    "QueryError",
    "READ",
    "customers_frame",
    "export_customers",
    "filter_options",
    "list_customers",
    "resolve_columns",
]
