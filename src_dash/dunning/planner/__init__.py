"""The planner: as of a date, the dunning messages (and calls) to make for every customer.

Everything is computed in Polars on the cached ledger (open items and settled items as of the
date) joined with the customers' profiles and scenarios, the items' states, promises, disputes
and the last messages; only the small tables (scenarios, steps, rules), the item states, the
customers' stops and the last message dates are read from the store on every call.

Levels (ItemState, one row per item the app has acted on):
- ``level`` is the highest level sent: 0 none (or only the prévenance), 1..5 R1..R5, 6 once the
  thank-you was sent (an item is thanked once). A prévenance was sent when ``level`` is 0 and
  ``last_dunned_on`` is set. Sage's own reminders (EC_Rappel, EC_DateRelance, on the entry)
  count as levels sent too, so moving from Sage's dunning does not start again at R1.
- ``next_level`` set by hand is the level of the next message: sent at the next run without
  waiting for the step's delay (the minimum gap and the exclusions still apply). The delivery
  side clears it once sent.
- ``last_dunned_on`` is the day of the item's last message (the delay of a step counted from
  the previous one, and the gap).

Per item: the next level is the first step level above the one reached (never skipping a level,
at most one level per run), due when the step's delay from the due date (or from the item's
last message) has passed; a prévenance is proposed before the due date to items never dunned.
Per customer: nothing within `min_gap_days` of its last message (messages not failed, bounced or
cancelled, and items' last dates); the thresholds per item and per customer; in
account-situation mode one message listing every overdue item with its own level, on the
template of the highest level (items already dunned with no step due are listed with
``advances`` False); else one message per level. A thank-you (remerciement) goes for items that
had been dunned (ItemState level 1..5) and were settled in the last `THANK_YOU_DAYS` days, when
the customer gets nothing else that day.

Left out, with the reason: customers not to be dunned, dormant, stopped, without scenario, in
credit; items stopped (until their end date: released on that day), disputed, under a pending
promise (until its date), doubtful (416, clients douteux: "doubtful", unless the item is named, as
a collector's dun-now names it), out of the scenario's journals or document kinds, below the
thresholds;
customers dunned too recently, and email steps with nobody to write to ("no_recipient").

The package: `criteria` (reasons, criteria, frames), `reads` (what is read from the store),
`steps` (scenario helpers), `customers` (the customers' frame and the frames a plan starts
from), `levels` (the reason and level expressions), `exclusions`, `grouping` and `thanks` (the
builder's parts), `builder` (the run, step by step), `planning` (`plan`) and `preview`
(`customer_proposal`).
"""

from src_dash.dunning.model import Exclusion, Plan, PlannedItem, Proposal
from src_dash.dunning.planner.criteria import (
    CUSTOMER_REASONS,
    ITEM_REASONS,
    NOT_SENT,
    THANK_YOU_DAYS,
    Criteria,
    PlanError,
)
from src_dash.dunning.planner.customers import _as_of_sets, _customers
from src_dash.dunning.planner.planning import plan
from src_dash.dunning.planner.preview import customer_proposal
from src_dash.dunning.planner.reads import FEW, _item_states, _last_messages
from src_dash.dunning.planner.steps import _steps_at

__all__ = [
    "CUSTOMER_REASONS",
    "FEW",
    "ITEM_REASONS",
    "NOT_SENT",
    "THANK_YOU_DAYS",
    "Criteria",
    "Exclusion",
    "Plan",
    "PlanError",
    "PlannedItem",
    "Proposal",
    "_as_of_sets",
    "_customers",
    "_item_states",
    "_last_messages",
    "_steps_at",
    "customer_proposal",
    "plan",
]
