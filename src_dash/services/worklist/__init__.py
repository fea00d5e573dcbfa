"""The worklist ("Actions à mener"): a user's actions due today and late, grouped by kind; their
day in sections (today, late, coming, done today, côté client) and marking a customer's space
action handled; the call sheet of a customer; marking an action done or skipped with its outcome.

An action is open while proposed or approved. It is due today when its day is today, late when
its day is past. A promise follow-up whose promise was kept or cancelled is no longer work.
"""

from __future__ import annotations

from src_dash.services.worklist.actions import (
    complete_action,
    worklist,
)
from src_dash.services.worklist.client_side import mark_handled
from src_dash.services.worklist.model import (
    KINDS,
    OPEN_STATUSES,
    SIMPLE_CALL_OUTCOMES,
    ActionDone,
    CallContact,
    CallSheet,
    ClientLine,
    DaySections,
    DisputeLine,
    DoneLine,
    MessageLine,
    PromiseLine,
    WorkGroup,
    WorkItem,
    Worklist,
)
from src_dash.services.worklist.sections import day_sections
from src_dash.services.worklist.sheet import (
    call_sheet,
)

__all__ = [
    "ActionDone",
    "CallContact",
    "CallSheet",
    "ClientLine",
    "DaySections",
    "DisputeLine",
    "DoneLine",
    "KINDS",
    "MessageLine",
    "OPEN_STATUSES",
    "PromiseLine",
    "SIMPLE_CALL_OUTCOMES",
    "WorkGroup",
    "WorkItem",
    "Worklist",
    "call_sheet",
    "complete_action",
    "day_sections",
    "mark_handled",
    "worklist",
]
