"""The frames of one version of the store, and what is computed from them, memoised."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from src_dash.analytics.ledger.view import LedgerView, build_view
from src_dash.analytics.scope import Scope
from src_dash.clock import today as clock_today


class Shelf:
    """Memoised values shared by the ledgers of one version of what they are computed from."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def peek(self, key: tuple):  # noqa: ANN201
        """The value of `key` when it was computed already, else None (nothing computed)."""
        with self.lock:
            return self.values.get(key)

    def get(self, key: tuple, compute):  # noqa: ANN001, ANN201
        """The value of `key`, computed (outside the lock) when missing."""
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = compute()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value


@dataclass
class Ledger:
    """Every frame the analytics need, loaded from one version of the store."""

    version: int
    entries: pl.DataFrame
    companies: pl.DataFrame
    customers: pl.DataFrame
    contacts: pl.DataFrame
    sales_reps: pl.DataFrame
    users: pl.DataFrame
    portfolio: pl.DataFrame
    promises: pl.DataFrame
    promise_items: pl.DataFrame
    disputes: pl.DataFrame
    dispute_items: pl.DataFrame
    objectives: pl.DataFrame
    entries_version: int = 0
    parties_version: int = 0
    _views: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _scopes: dict = field(default_factory=dict, repr=False)
    _memo: Shelf = field(default_factory=lambda: Shelf(32), repr=False)
    _by_entries: Shelf = field(default_factory=lambda: Shelf(16), repr=False)
    _by_parties: Shelf = field(default_factory=lambda: Shelf(16), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    max_views = 8

    @property
    def first_day(self) -> date | None:
        """The earliest posting date in the ledger."""
        return self.entries["posting_date"].min()

    def view(self, as_of: date | None = None) -> LedgerView:
        """The ledger as of `as_of` (default today), cached per date."""
        as_of = as_of or clock_today()
        with self._lock:
            found = self._views.get(as_of)
            if found is not None:
                self._views.move_to_end(as_of)
                return found
        built = build_view(self.entries, as_of)
        with self._lock:
            self._views[as_of] = built
            while len(self._views) > self.max_views:
                self._views.popitem(last=False)
        return built

    def memo(self, key: tuple, compute, keep: str = "version"):  # noqa: ANN001, ANN201
        """Compute once per key and version of what the value is computed from.

        Args:
            key: what is computed (and its arguments).
            compute: called without arguments when the value is missing.
            keep: "version" (the default: anything, such as scores, which count promises and
                disputes), "entries" (read from the entries only: pieces, free fields) or
                "parties" (read from the parties' tables only: contacts, customers' details);
                the last two are shared with the next ledgers until that version changes.
        """
        return self._shelf(keep).get(key, compute)

    def memoised(self, key: tuple, keep: str = "version"):  # noqa: ANN201
        """What `memo(key, ..., keep)` computed already, or None: never computes."""
        return self._shelf(keep).peek(key)

    def _shelf(self, keep: str) -> Shelf:
        return {"version": self._memo, "entries": self._by_entries, "parties": self._by_parties}[
            keep
        ]

    def customer_ids(self, scope: Scope) -> pl.Series | None:
        """Ids of the customers in `scope`, or None when the scope filters nothing.

        A company switched off in the settings is out of every scope: one rule for the
        dashboard, the lists, the exports, the planner, the reports and the CLI.
        """
        inactive = self.companies.filter(~pl.col("active"))["company_id"]
        if scope.is_everything and inactive.is_empty():
            return None
        with self._lock:
            found = self._scopes.get(scope)
        if found is not None:
            return found
        frame = self.customers.filter(~pl.col("company_id").is_in(inactive.implode()))
        if scope.company_ids is not None:
            frame = frame.filter(pl.col("company_id").is_in(list(scope.company_ids)))
        if scope.sales_rep_ids is not None:
            frame = frame.filter(pl.col("sales_rep_id").is_in(list(scope.sales_rep_ids)))
        if scope.collector_ids is not None:
            assigned = self.portfolio.filter(pl.col("user_id").is_in(list(scope.collector_ids)))
            frame = frame.filter(
                pl.col("collector_id").is_in(list(scope.collector_ids))
                | pl.col("customer_id").is_in(assigned["customer_id"].implode())
            )
        if scope.customer_ids is not None:
            frame = frame.filter(pl.col("customer_id").is_in(list(scope.customer_ids)))
        ids = frame["customer_id"]
        with self._lock:
            self._scopes[scope] = ids
        return ids

    def active_company_ids(self, scope: Scope) -> pl.Series:
        """Ids of the companies switched on in the settings that `scope` covers."""
        frame = self.companies.filter(pl.col("active"))
        if scope.company_ids is not None:
            frame = frame.filter(pl.col("company_id").is_in(list(scope.company_ids)))
        return frame["company_id"]

    def scoped(self, frame: pl.DataFrame, scope: Scope) -> pl.DataFrame:
        """Rows of `frame` (with a customer_id column) that belong to `scope`."""
        ids = self.customer_ids(scope)
        if ids is None:
            return frame
        return frame.filter(pl.col("customer_id").is_in(ids.implode()))
