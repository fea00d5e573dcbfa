"""Source -> store: incremental, idempotent, atomic per run.

A run reads what changed in a source (or all of it) and writes it to the store in one
transaction: a run that fails or is killed leaves the store as it was, and its `sync_run` row
says so. Every written row carries a hash of its source record, so rows read again but unchanged
are not rewritten and a second run with no source change changes nothing. Only the columns that
come from the source are written: contacts typed in the app, promises, disputes, comments,
actions and the app's columns of customers survive every sync.

The package, by concept: `sage` (a Sage 100 run) and `snapshot` (a FEC file) drive a run;
`runs` keeps its bookkeeping and transaction; `writer` is the store writer, made of `tables`,
`parties`, `entries` and `promises`; `hashing`, `background`, `versions` and `results` are the
pieces they share.
"""

from __future__ import annotations

from src_dash.sync.background import BackgroundWork, prefetch
from src_dash.sync.entries import ENTRY_COLUMNS
from src_dash.sync.hashing import entry_row_hash, record_hash
from src_dash.sync.parties import DEFAULT_SERVICE_ROLES
from src_dash.sync.results import SyncError, SyncResult, TableCounts
from src_dash.sync.runs import register_company
from src_dash.sync.sage import open_period, sync_all, sync_company
from src_dash.sync.snapshot import import_snapshot
from src_dash.sync.writer import StoreWriter

__all__ = [
    "DEFAULT_SERVICE_ROLES",
    "ENTRY_COLUMNS",
    "BackgroundWork",
    "StoreWriter",
    "SyncError",
    "SyncResult",
    "TableCounts",
    "entry_row_hash",
    "import_snapshot",
    "open_period",
    "prefetch",
    "record_hash",
    "register_company",
    "sync_all",
    "sync_company",
]
