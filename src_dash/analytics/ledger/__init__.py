"""The ledger frame: store entries in Polars, cached per data version, replayed as of any date.

Loading: raw SELECTs of integer cents and ISO dates, in one transaction, turned into Polars
Int64 cents and Date columns. PostgreSQL streams the entries through COPY ... CSV; SQLite
returns each entry column as one group_concat text from a single scan (Python rows would cost
more than the scan). The frames are kept per store (engine URL) and reloaded when the store's
`data_version` (StoreMeta) changes: the sync and every service that changes data bump it.

Three versions say what changed (see `store.versions.bump_data_version`), so that a reload
reads only what may have changed:
- `entries_version`: the entries and the companies' open periods (a sync);
- `parties_version`: the parties, i.e. companies, customers, contacts and their services, sales
  reps, users and portfolios (a sync, a customer's card, the settings);
- `data_version`: anything, including the follow-up (promises, disputes, stops, comments,
  calls, reminders), which collectors change all day long.
A collector's action therefore reloads only the promises, disputes and objectives; what is
computed from the entries or the parties alone is kept too (`Ledger.memo(..., keep=...)`).

Rules applied once per load:
- Only the open fiscal years count: entries posted before the company's `open_from` (or after
  `open_to`) are left out, and carried-forward lines count only when posted on or before the
  company's first ordinary line in the open period (the first opening, detailed or not): later
  ones carry a year that is still open, whose own lines are in the store (both would count
  twice).
- Each line gets a kind: in a "bank" journal (more credit than debit lines) a credit is a
  payment and a debit is an other debit (rejected payment, refund, exchange difference);
  elsewhere a debit is an invoice and a credit a credit note, except a debit without a due
  date or labelled as a fee (recovery fee, late interest: FEE_PATTERNS), which is a fee, due
  on its posting date. Carried-forward lines keep the kind of their sign but count neither as
  sales nor as cash.
- A lettering group is the lines of one customer with one lettering code. It is lettered when
  all its lines are; its settlement date is the latest lettering date of its lines (FEC
  DateLet) or else the latest posting date of its credit lines (Sage keeps no lettering date).

As of a date D (`Ledger.view(D)`): lines posted after D are ignored; a lettered group whose
settlement date is after D, or that does not net to zero, is taken as not lettered, and the
credits of the group posted by D are applied to its debits in due-date order (the partial
settlements known at D); a line with no lettering code keeps its stored settlement only if it
was settled by D and the customer's settlements balance.

The invariant: for every customer and every D, the residuals of the open items add up to the
balance (debit - credit) of the customer's lines posted by D in the open period, to the cent.
Lettering decides which items are open, never how much is owed. Doubtful lines (416, clients
douteux) are receivables like the others: counted in the open items, with a `doubtful` column so
that the views show them apart and the planner leaves them out.

The package, by concept: `sql` (raw SELECTs into typed frames, the store's versions), `reads`
(what the ledger reads), `kinds`, `prepare` (the rules applied once per load), `view` (the ledger
as of a date), `frames` (the `Ledger` and its memos), `load`; the cache of ledgers per store is
here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger.frames import Ledger
from src_dash.analytics.ledger.kinds import (
    BOUNCE_WORDS,
    FEE_PATTERNS,
    KIND_CREDIT_NOTE,
    KIND_FEE,
    KIND_INVOICE,
    KIND_OTHER_DEBIT,
    KIND_PAYMENT,
    KINDS,
)
from src_dash.analytics.ledger.load import load_ledger
from src_dash.analytics.ledger.reads import ENTRY_SCHEMA, PARTY_TABLES
from src_dash.analytics.ledger.sql import (
    Table,
    data_version,
    entries_version,
    id_list,
    parties_version,
    read_table,
    rows_frame,
    sql_date,
    sql_flag,
    sql_utc_day,
    typed_frame,
)
from src_dash.analytics.ledger.view import LedgerView
from src_dash.money import from_cents

# The names callers knew these by when the ledger was one module with them private.
_Table = Table
_iso, _iso_utc, _bool = sql_date, sql_utc_day, sql_flag
_to_frame, _typed = rows_frame, typed_frame

__all__ = [
    "BOUNCE_WORDS",
    "ENTRY_SCHEMA",
    "FEE_PATTERNS",
    "KINDS",
    "KIND_CREDIT_NOTE",
    "KIND_FEE",
    "KIND_INVOICE",
    "KIND_OTHER_DEBIT",
    "KIND_PAYMENT",
    "PARTY_TABLES",
    "Ledger",
    "LedgerView",
    "Table",
    "clear_cache",
    "data_version",
    "entries_version",
    "get_ledger",
    "id_list",
    "load_ledger",
    "loaded_ledger",
    "open_residuals",
    "parties_version",
    "read_table",
]


_CACHE: dict[str, Ledger] = {}
_CACHE_LOCK = threading.Lock()
_LOAD_LOCKS: dict[str, threading.Lock] = {}


def get_ledger(engine: Engine) -> Ledger:
    """The ledger of the store, loaded once per data version and shared by every caller.

    One load at a time per store: callers that ask while a load is under way wait for it and
    take its ledger when it is at least as new as the version they saw (under a stream of
    changes they do not each load one more version).
    """
    key = engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        version = data_version(conn)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        lock = _LOAD_LOCKS.setdefault(key, threading.Lock())
    if found is not None and found.version == version:
        return found
    with lock:
        with _CACHE_LOCK:
            newer = _CACHE.get(key)
        # Loaded by another caller while this one waited, from a version at least as new.
        if newer is not None and newer is not found and newer.version >= version:
            return newer
        ledger = load_ledger(engine, previous=newer)
        with _CACHE_LOCK:
            _CACHE[key] = ledger
    return ledger


def loaded_ledger(engine: Engine) -> Ledger | None:
    """The ledger the cache holds for the store now, whatever its version (None before the
    first load): for work that may run on a ledger a few seconds old."""
    with _CACHE_LOCK:
        return _CACHE.get(engine.url.render_as_string(hide_password=False))


def open_residuals(engine: Engine, ids: Iterable[int], as_of: date | None = None) -> dict:
    """The residual (Decimal) of each of these entries that is open as of a date (default
    today), as the pages show it: the ledger's, which keeps the invariant, not the one the
    source wrote on the line. Entries not open are missing from the result."""
    wanted = pl.Series(list(ids), dtype=pl.Int64)
    items = get_ledger(engine).view(as_of).open_items
    found = items.filter(pl.col("id").is_in(wanted.implode())).select("id", "residual")
    return {i: from_cents(r) for i, r in found.iter_rows()}


def clear_cache() -> None:
    """Forget every cached ledger (tests, benchmarks)."""
    with _CACHE_LOCK:
        _CACHE.clear()
