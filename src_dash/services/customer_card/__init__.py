"""The customer card (fiche client): everything about one customer, for a viewer allowed to see it.

Identity and contacts come from the store; balances, aging, score and open items from the
cached ledger; the timeline from `analytics.timeline`; comments, promises, disputes, messages
and flags from their tables. A customer outside the viewer's portfolio is refused with the same
message as one that does not exist, so nothing leaks.
"""

from __future__ import annotations

from src_dash.services.customer_card.card import (
    customer_card,
)
from src_dash.services.customer_card.identity import (
    has_scenario_column,
)
from src_dash.services.customer_card.messages import (
    message_detail,
    message_pdf,
    pdf_location,
)
from src_dash.services.customer_card.model import (
    OPEN_ITEMS_LIMIT,
    ROLES,
    TIMELINE_LIMIT,
    Balance,
    CommentRow,
    ContactRow,
    CustomerCard,
    DisputeRow,
    FlagRow,
    Identity,
    MessageDetail,
    MessageRow,
    OpenItem,
    PdfFile,
    PromiseRow,
    ScenarioRef,
    ServiceChoice,
    ServiceContacts,
)

__all__ = [
    "Balance",
    "CommentRow",
    "ContactRow",
    "CustomerCard",
    "DisputeRow",
    "FlagRow",
    "Identity",
    "MessageDetail",
    "MessageRow",
    "OPEN_ITEMS_LIMIT",
    "OpenItem",
    "PdfFile",
    "PromiseRow",
    "ROLES",
    "ScenarioRef",
    "ServiceChoice",
    "ServiceContacts",
    "TIMELINE_LIMIT",
    "customer_card",
    "has_scenario_column",
    "message_detail",
    "message_pdf",
    "pdf_location",
]
