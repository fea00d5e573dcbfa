"""What dun-now takes and gives: the levels and channels, the planner's reasons that block an item,
the preview, the level proposed, the result, an item's status and target; `NotDunnable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from src_dash.dunning.model import (
    EMAIL,
    LETTER,
    PHONE,
    Exclusion,
    PlannedItem,
    Proposal,
    Recipient,
)
from src_dash.services.inputs import InvalidInput
from src_dash.services.open_items.model import ItemFollowUp

LEVELS = (0, 1, 2, 3, 4, 5)  # 0 prévenance, 1..5 R1..R5
ORIGIN = "dun_now"  # Action.origin of what dun-now writes (kept out of the campaigns' list)
MAX_REASON = 500
CHANNEL_ORDER = (EMAIL, LETTER, PHONE)
# The planner's reasons that keep an item from being dunned whatever the level asked.
BLOCKING = (
    "not_due",
    "do_not_dun",
    "dormant",
    "customer_stopped",
    "item_stopped",
    "disputed",
    "promised",
    "no_scenario",
    "no_recipient",
    "no_step",
)


class NotDunnable(InvalidInput):
    """The item cannot be dunned at this level (the planner's reason code is kept).

    Attributes:
        reason: one of the planner's exclusion reasons (disputed, promised, item_stopped, ...).
        detail: the planner's detail in English (a stop's reason and end, a missing
            recipient, ...).
        exclusion: the planner's exclusion, whose parameters (amount, day, note, level) let
            the UI say the detail in the user's language; None when the reason was found
            before planning.
        currency: the customer's book currency (of the exclusion's amount).
    """

    def __init__(
        self,
        reason: str,
        detail: str = "",
        *,
        exclusion: Exclusion | None = None,
        currency: str = "EUR",
    ) -> None:
        """Keep the reason; the field at fault is the level."""
        super().__init__("level", f"not dunnable: {reason}{f' ({detail})' if detail else ''}")
        self.reason = reason
        self.detail = detail
        self.exclusion = exclusion
        self.currency = currency


@dataclass(frozen=True)
class DunPreview:
    """What dunning the item now would send, for the user to check before sending.

    Attributes:
        channels: the channels the scenario offers at this level (email, letter, phone).
        proposal: the planner's proposal shown; `dun_now` sends exactly this one.
        subject, html, text: the rendered message (empty for a phone step).
    """

    entry_id: int
    customer_id: int
    level: int
    channel: str
    channels: tuple[str, ...]
    step_name: str
    needs_approval: bool
    to: tuple[Recipient, ...]
    cc: tuple[Recipient, ...]
    subject: str
    html: str
    text: str
    items: tuple[PlannedItem, ...]
    total: Decimal
    currency: str
    proposal: Proposal
    proposed_level: int | None = None  # the level the scenario reaches next (None: unknown)
    reached: int = 0  # the level the item reached (app or Sage)

    @property
    def skips(self) -> bool:
        """Whether this level goes past the one the scenario reaches next (a reason is asked)."""
        return self.proposed_level is not None and self.level > self.proposed_level


@dataclass(frozen=True)
class LevelProposal:
    """The level dun-now proposes for an item, and why.

    Attributes:
        level: the level the scenario reaches next (0: the prévenance, for an item not yet due).
        reached: the highest level already sent (by the app, or by Sage's own reminders).
        overdue: whether the item is past its due date today.
        due_date: its due date (its posting date when it has none).
        levels: the levels that may be asked (0 only before the due date; 1..5 after it).
    """

    entry_id: int
    level: int
    reached: int
    overdue: bool
    due_date: date | None
    levels: tuple[int, ...]


@dataclass(frozen=True)
class DunResult:
    """What `dun_now` wrote.

    Attributes:
        status: queued (an email or letter for the dispatcher), call (a call planned in the
            worklist), or already (the same message was already made today: nothing new).
    """

    run: str
    status: str
    channel: str
    level: int
    message_ids: tuple[int, ...]
    action_ids: tuple[int, ...]


@dataclass(frozen=True)
class ItemStatus(ItemFollowUp):
    """The app's state of one open item as the open items table shows it (see open_items);
    `item_stopped`: stopped on the item itself (not only its customer)."""

    entry_id: int
    customer_id: int
    item_stopped: bool


@dataclass(frozen=True)
class ItemTarget:
    """An open item an inline action is about to act on, with its fresh state."""

    entry_id: int
    customer_id: int
    customer_number: str
    customer_name: str
    piece: str
    reference: str
    due_date: date | None
    residual: Decimal
    currency: str
    status: ItemStatus
