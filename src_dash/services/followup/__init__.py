"""Inline actions on customers and open items: promises, disputes, comments, flags, stops, levels
set by hand, calls.

Every function takes the Viewer, checks the role and the customer's scope on the server (raising
AccessDenied) and then the input (raising InvalidInput, a ValueError naming the field), and makes
its change in one transaction together with its audit line and a bump of the data version, so the
dashboard, the open items and the timeline refresh. A refused change leaves the data as it was.

Amounts open on an item are the store's residuals (what the sync keeps and judges promises on),
in the book currency.
"""

from __future__ import annotations

from src_dash.services.followup.bulk import comment_items
from src_dash.services.followup.calls import (
    log_call,
)
from src_dash.services.followup.common import (
    CALL_OUTCOMES,
    FLAG_KINDS,
    MAX_LEVEL,
    CallView,
    CommentView,
    CustomerStopView,
    DisputeView,
    FlagView,
    ItemAmount,
    ItemStateView,
    OpenRow,
    PromiseView,
)
from src_dash.services.followup.disputes import (
    close_dispute,
    open_dispute,
)
from src_dash.services.followup.item_states import (
    resume_customer,
    resume_dunning,
    set_next_level,
    stop_customer,
    stop_dunning,
)
from src_dash.services.followup.notes import (
    add_comment,
    clear_flag,
    raise_flag,
)
from src_dash.services.followup.promises import (
    cancel_promise,
    record_promise,
)
from src_dash.services.inputs import InvalidInput, amount_field, date_field, text_field

__all__ = [
    "InvalidInput",
    "amount_field",
    "date_field",
    "text_field",
    "CALL_OUTCOMES",
    "CallView",
    "CommentView",
    "CustomerStopView",
    "DisputeView",
    "FLAG_KINDS",
    "FlagView",
    "ItemAmount",
    "ItemStateView",
    "MAX_LEVEL",
    "OpenRow",
    "PromiseView",
    "add_comment",
    "cancel_promise",
    "clear_flag",
    "close_dispute",
    "comment_items",
    "log_call",
    "open_dispute",
    "raise_flag",
    "record_promise",
    "resume_customer",
    "resume_dunning",
    "set_next_level",
    "stop_customer",
    "stop_dunning",
]
