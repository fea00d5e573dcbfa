"""The store writer of a run: parties, entries and promises of one company, in one transaction."""

from __future__ import annotations

from src_dash.sync.entries import EntriesWriter
from src_dash.sync.parties import PartiesWriter
from src_dash.sync.promises import PromisesWriter


class StoreWriter(PartiesWriter, EntriesWriter, PromisesWriter):
    """Writes one company's source records into the store, on one connection (one transaction)."""
