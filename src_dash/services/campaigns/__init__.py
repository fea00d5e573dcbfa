"""Campaigns ("Agir par critère"): plan a scenario or criteria as of a day, keep the proposals as a
draft run, approve all or some of its messages, send them, follow their delivery, and print the
run's letters in one PDF.

A thin layer over the dunning engine (`dunning.planner`, `dunning.runs`, `dunning.dispatch`,
`dunning.letters`) with the role and portfolio checks: only admins and collectors plan, run,
approve, cancel and send; every role may follow the runs of its portfolio and open their
messages and letters. A run made here holds every message until a user approves it (whatever
the step says), so nothing leaves before someone looked at it.

What a preview counts adds up, customers and items apart: customers in scope = customers
proposed + customers left out (each once, by its first reason, "items_excluded" when every item
of it is left out one by one); items in scope = items proposed + items left out (each once).
With a level filter, only what would have been sent at that level is counted and left out (an
item's level is the next one above the level it reached, the prévenance before its due date).
Runs are named after their scenario, level and day; the dun-now runs (one item, from its row)
are not campaigns and stay out of the list. Before a run is sent, each company's data must be
younger than the sync interval: an older Sage company is synced first (`ensure_fresh_data`),
and the send screen says which data it used ("Données du ...").
"""

from __future__ import annotations

from src_dash.services.campaigns.freshness import (
    data_freshness,
    ensure_fresh_data,
)
from src_dash.services.campaigns.model import (
    GRADES,
    IN_FLIGHT,
    LEVELS,
    MAX_ITEMS,
    CampaignCriteria,
    CampaignError,
    CampaignPreview,
    DataFreshness,
    DraftRun,
    ExclusionLine,
    LettersFile,
    MessagePreview,
    ProposalLine,
    ReasonCount,
    RunMessage,
    RunStatus,
    RunSummary,
    SendOutcome,
    Total,
    UnitCount,
    UnitReason,
    parse_entry_ids,
)
from src_dash.services.campaigns.planning import (
    PLAN_TTL_SECONDS,
    forget_plans,
    preview,
    preview_message,
)
from src_dash.services.campaigns.runs import (
    approve,
    cancel,
    create_draft,
    letters_pdf,
    send,
)
from src_dash.services.campaigns.tracking import (
    recent_runs,
    run_status,
)

__all__ = [
    "CampaignCriteria",
    "CampaignError",
    "CampaignPreview",
    "DataFreshness",
    "DraftRun",
    "ExclusionLine",
    "GRADES",
    "IN_FLIGHT",
    "LEVELS",
    "LettersFile",
    "MAX_ITEMS",
    "MessagePreview",
    "PLAN_TTL_SECONDS",
    "ProposalLine",
    "ReasonCount",
    "RunMessage",
    "RunStatus",
    "RunSummary",
    "SendOutcome",
    "Total",
    "UnitCount",
    "UnitReason",
    "approve",
    "cancel",
    "create_draft",
    "data_freshness",
    "ensure_fresh_data",
    "forget_plans",
    "letters_pdf",
    "parse_entry_ids",
    "preview",
    "preview_message",
    "recent_runs",
    "run_status",
    "send",
]
