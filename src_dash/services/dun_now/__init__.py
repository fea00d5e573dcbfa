"""Inline work on one open item, from its row: dun it now, and read its fresh state afterwards.

Dunning now is a thin adapter over the dunning engine: the planner, asked for this item at a
chosen level (`plan(entry_ids=..., force_level=..., viewer=...)`), gives one proposal per step of
the customer's scenario at that level (a channel each: email, letter, phone); the chosen one is
rendered for the preview, then written by `runs.create_run` (approved by the user who previewed
it) and delivered by one pass of the dispatcher. Stops, disputes, pending promises and "do not
dun" still apply: the item is then not dunnable and the reason is given.

A preview plans (`_plan_item`: `planner.plan` given a ledger and a customers' frame) on the
store's ledger, which a collector's change (a promise, a comment...) reloads only in part (the
follow-up's small tables), and on every customer's planning frame (profiles, scenarios, flags,
stops) prepared beforehand (`prepared_customers`): computing it costs far more than planning
one item, so the last one is used for `MAX_STALE_SECONDS` while only the follow-up changed, and
computed again at once after a sync or a change of customers, rules or scenarios. What the
planner reads live (levels and stops of the items, last messages) stays fresh; promises,
disputes and stops are checked against the store before planning and again before sending.

Guardrails: an item not yet due gets the prévenance only (level 0; the planner refuses an
overdue level with "not_due"); `proposed_level` says the level the item's scenario reaches next
(the planner's: the first step level above the one reached, or the level set by hand), and
`dun_now` asks a reason to go past it (kept as the action's note and in the audit log). Actions
made here are marked ``origin = "dun_now"``: the campaigns' list leaves them out.

`item_status` reads again, straight from the store, what an inline action changes on a row (level,
stop, promise, dispute, last action), so the row refreshes at once without waiting for the
analytics to rebuild their joined frame of every open item.
"""

from __future__ import annotations

from src_dash.services.dun_now.model import (
    BLOCKING,
    CHANNEL_ORDER,
    LEVELS,
    MAX_REASON,
    ORIGIN,
    DunPreview,
    DunResult,
    ItemStatus,
    ItemTarget,
    LevelProposal,
    NotDunnable,
)
from src_dash.services.dun_now.prepared import (
    MAX_STALE_SECONDS,
    prepared_customers,
    warm_previews,
)
from src_dash.services.dun_now.proposals import (
    preview_dun,
    proposed_level,
)
from src_dash.services.dun_now.sending import (
    deliver,
    dun_now,
)
from src_dash.services.dun_now.states import (
    item_status,
    item_target,
)

__all__ = [
    "deliver",
    "BLOCKING",
    "CHANNEL_ORDER",
    "DunPreview",
    "DunResult",
    "ItemStatus",
    "ItemTarget",
    "LEVELS",
    "LevelProposal",
    "MAX_REASON",
    "MAX_STALE_SECONDS",
    "NotDunnable",
    "ORIGIN",
    "dun_now",
    "item_status",
    "item_target",
    "prepared_customers",
    "preview_dun",
    "proposed_level",
    "warm_previews",
]
