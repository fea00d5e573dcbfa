"""The open items table ("Suivre par échéance"): server-side filters, sorting and paging.

Rows come from the cached Polars ledger as of a date (`get_ledger(engine).view(as_of)`), joined
once per data version and date with what the app knows of each item (dunning level and stop,
last action, pending promise, open dispute), of its customer (number, name, sales rep, profile,
free fields, grade) and its piece, reference and label. That joined frame is kept with the
ledger (its memo), so a page, a sort or a filter change only filters, sorts and slices it.
The free fields (the customers' and the entries' own) are read when a filter or the filters'
choices first need them and kept until the parties, or the entries, change.
Everything is scoped to the viewer's customers on the server.
"""

from __future__ import annotations

# `_entry_free_fields` is read by the open items bench.
from src_dash.services.open_items.frames import (
    TEXT_SCHEMA,
    _entry_free_fields,  # noqa: F401
)
from src_dash.services.open_items.model import (
    GRADES,
    MAX_PAGE_SIZE,
    SORTS,
    STATES,
    FilterChoices,
    OpenItemFilters,
    OpenItemRow,
    OpenItemsPage,
)
from src_dash.services.open_items.queries import (
    filter_choices,
    open_item_ids,
    open_items,
)

__all__ = [
    "FilterChoices",
    "GRADES",
    "MAX_PAGE_SIZE",
    "OpenItemFilters",
    "OpenItemRow",
    "OpenItemsPage",
    "SORTS",
    "STATES",
    "TEXT_SCHEMA",
    "filter_choices",
    "open_item_ids",
    "open_items",
]
